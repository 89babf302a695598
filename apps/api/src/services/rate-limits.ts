// Login and signup limits, per account and per client address, counted in PostgreSQL (rate-limiter-flexible's
// RateLimiterDrizzle over the db's rate_limits table) so every API instance shares them; a hand-written counter
// would get the atomic upsert and expiry wrong. OWASP Authentication Cheat Sheet: limit per account (against
// guessing one password) and per address (against spraying many accounts).
import { rateLimitTable, type Database } from '@latchkey/db';
import { RateLimiterDrizzle, RateLimiterRes } from 'rate-limiter-flexible';
import type { RateLimitRule } from '../config.js';
import { ApiError } from '../errors.js';

export interface AuthRateLimits {
  /** Counts a login attempt against the account and the address; throws RATE_LIMITED when either is spent. */
  consumeLogin(input: { username: string; clientAddress: string }): Promise<void>;
  /** A successful login clears the account's failures (the address keeps counting). */
  clearLoginAccount(username: string): Promise<void>;
  /** Counts a signup from the address; throws RATE_LIMITED when spent. */
  consumeSignup(clientAddress: string): Promise<void>;
}

/** Usernames are case-insensitive: "Ada" and "ada" share one counter. */
function accountKey(username: string): string {
  return username.normalize('NFKC').toLowerCase();
}

async function consume(limiter: RateLimiterDrizzle, key: string): Promise<void> {
  try {
    await limiter.consume(key);
  } catch (rejection) {
    // The limiter rejects with a RateLimiterRes when the limit is spent, with an Error when the store failed.
    if (rejection instanceof RateLimiterRes) {
      throw new ApiError('RATE_LIMITED', {
        retryAfterSeconds: Math.max(1, Math.ceil(rejection.msBeforeNext / 1000)),
      });
    }
    throw rejection;
  }
}

export function createAuthRateLimits(
  database: Database,
  rules: { loginPerAccount: RateLimitRule; loginPerAddress: RateLimitRule; signupPerAddress: RateLimitRule },
): AuthRateLimits {
  const limiter = (keyPrefix: string, rule: RateLimitRule): RateLimiterDrizzle =>
    new RateLimiterDrizzle({
      storeClient: database.orm,
      schema: rateLimitTable,
      keyPrefix,
      points: rule.points,
      duration: rule.durationSeconds,
    });
  const loginAccount = limiter('login_account', rules.loginPerAccount);
  const loginAddress = limiter('login_address', rules.loginPerAddress);
  const signupAddress = limiter('signup_address', rules.signupPerAddress);

  return {
    async consumeLogin({ username, clientAddress }) {
      // Both counters move on every attempt, before the password is checked: parallel guesses cannot slip
      // past a check-then-count gap.
      await consume(loginAddress, clientAddress);
      await consume(loginAccount, accountKey(username));
    },
    async clearLoginAccount(username) {
      await loginAccount.delete(accountKey(username));
    },
    async consumeSignup(clientAddress) {
      await consume(signupAddress, clientAddress);
    },
  };
}
