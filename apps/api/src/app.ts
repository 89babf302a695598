// The wired dependencies of one API instance. Procedures and services receive an App; nothing reads globals.
import {
  createAccessTokenService,
  createPasswordHasher,
  type AccessTokenService,
  type PasswordHasher,
  type SigningKeys,
} from '@latchkey/auth';
import { createRepositories, type Database, type Repositories } from '@latchkey/db';
import type { Logger } from 'pino';
import type { ApiConfig } from './config.js';
import { loadDeviceTokenKey } from './keys/device-token-key.js';
import { loadSigningKeys } from './keys/signing-keys.js';
import { createMailer, type Mailer } from './mail/mailer.js';
import { createRevocationService, type RevocationService } from './revocation/revocation-service.js';
import { createDeviceTokens, type DeviceTokens } from './services/device-token.js';
import { createAuthRateLimits, type AuthRateLimits } from './services/rate-limits.js';
import { createUserCache, type UserCache } from './user-cache/user-cache.js';
import { createServiceRateLimits, type ServiceRateLimits } from './services/service-rate-limits.js';

// RFC 8725 section 3.10 / the verifier's default: 30 s of clock tolerance between instances.
export const ACCESS_TOKEN_CLOCK_TOLERANCE_SECONDS = 30;

export interface App {
  config: ApiConfig;
  database: Database;
  repositories: Repositories;
  accessTokens: AccessTokenService;
  passwords: PasswordHasher;
  revocations: RevocationService;
  /** The users protected calls ask about, kept exact by NOTIFY (src/user-cache/). */
  users: UserCache;
  rateLimits: AuthRateLimits;
  /** Limits of the service endpoints (introspection, revocation feed). */
  serviceRateLimits: ServiceRateLimits;
  deviceTokens: DeviceTokens;
  /** Email and its queue; null when account recovery is off (ACCOUNT_RECOVERY=0). */
  mailer: Mailer | null;
  logger: Logger;
}

export async function createApp(options: {
  config: ApiConfig;
  database: Database;
  logger: Logger;
  /** Already loaded keys (start-up checks them before opening the database); loaded from config otherwise. */
  signingKeys?: SigningKeys;
  /** The password hasher; OWASP argon2id by default (tests pass one that records its argon2 work). */
  passwords?: PasswordHasher;
  /** How the mail queue's worker is started (tests hold it); setImmediate by default. */
  mailSchedule?: (run: () => void) => void;
}): Promise<App> {
  const { config, database, logger } = options;
  const repositories = createRepositories(database);
  const accessTokens = await createAccessTokenService({
    keys: options.signingKeys ?? (await loadSigningKeys(config.signing, { logger })),
    issuer: config.issuer,
    audience: config.audience,
    ttlSeconds: config.accessTokenTtlSeconds,
    clockToleranceSeconds: ACCESS_TOKEN_CLOCK_TOLERANCE_SECONDS,
    now: config.now,
  });
  const revocations = createRevocationService({
    database,
    repositories,
    logger,
    retentionSeconds: config.accessTokenTtlSeconds + ACCESS_TOKEN_CLOCK_TOLERANCE_SECONDS,
    pollIntervalMs: config.revocationPollIntervalMs,
    now: config.now,
  });
  const deviceTokens = createDeviceTokens({ key: await loadDeviceTokenKey(config.signing), now: config.now });
  return {
    config,
    database,
    repositories,
    accessTokens,
    passwords: options.passwords ?? createPasswordHasher(),
    revocations,
    users: createUserCache({
      database,
      repositories,
      logger,
      maxEntries: config.userCacheMaxEntries,
      pollIntervalMs: config.revocationPollIntervalMs,
    }),
    rateLimits: createAuthRateLimits(database, {
      rules: config.rateLimits,
      deviceTokens,
      counters: repositories.rateLimits,
    }),
    serviceRateLimits: createServiceRateLimits(database, config.serviceRateLimits),
    deviceTokens,
    mailer:
      config.recovery === null
        ? null
        : createMailer({
            recovery: config.recovery,
            logger,
            now: config.now,
            ...(options.mailSchedule === undefined ? {} : { schedule: options.mailSchedule }),
          }),
    logger,
  };
}
