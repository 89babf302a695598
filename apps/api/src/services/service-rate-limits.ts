// Limits of the service endpoints (POST /oauth/introspect, GET /revocations), counted in PostgreSQL like the
// login limits (services/rate-limits.ts) so every API instance shares them. Every request counts against its
// address, authenticated or not, which bounds guessing at a service secret; introspections also count
// against their service client, so one leaked secret cannot turn the API into an unlimited token oracle.
import { rateLimits, type Database } from '@latchkey/db';
import { RateLimiterDrizzle } from 'rate-limiter-flexible';
import type { ApiConfig } from '../config.js';
import { addressBucket } from './address-bucket.js';
import { consume } from './rate-limits.js';

export interface ServiceRateLimits {
  /** Counts a request to a service endpoint from the address (IPv6 by /64); throws RATE_LIMITED when spent. */
  consumeAddress(clientAddress: string): Promise<void>;
  /** Counts an introspection by the service client; throws RATE_LIMITED when spent. */
  consumeIntrospection(clientId: string): Promise<void>;
}

export function createServiceRateLimits(
  database: Database,
  rules: ApiConfig['serviceRateLimits'],
): ServiceRateLimits {
  const perAddress = new RateLimiterDrizzle({
    storeClient: database.orm,
    schema: rateLimits,
    keyPrefix: 'service_address',
    points: rules.perAddress.points,
    duration: rules.perAddress.durationSeconds,
  });
  const perClient = new RateLimiterDrizzle({
    storeClient: database.orm,
    schema: rateLimits,
    keyPrefix: 'introspect_client',
    points: rules.introspectPerClient.points,
    duration: rules.introspectPerClient.durationSeconds,
  });
  return {
    consumeAddress: (clientAddress) => consume(perAddress, addressBucket(clientAddress)),
    consumeIntrospection: (clientId) => consume(perClient, clientId),
  };
}
