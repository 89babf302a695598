// Login and signup limits, counted in PostgreSQL (rate-limiter-flexible's RateLimiterDrizzle over the db's
// rate_limits table) so every API instance shares them; a hand-written counter would get the atomic upsert and
// expiry wrong.
//
// Logins follow OWASP's device-cookie proposal ("Slow Brute Force Attack"), so that brute force stays expensive
// without handing strangers the power to lock anyone out:
// - an attempt presenting a valid device token for the username it tries (services/device-token.ts) is counted
//   per device token only: a device that logged in before gets in however hard strangers hammer the account;
// - every other attempt is counted per client address (an IPv6 client by its /64, services/address-bucket.ts:
//   against spraying many accounts) and per account (against guessing one password from many addresses). That
//   account lock-out is the one strangers can still spend, and it now locks out only other strangers and the
//   owner's devices that never logged in.
// The untrusted attempt moves both its counters in one statement (`rateLimits.consumeChained` in @latchkey/db,
// in the library's own rows): the account's only while the address is within its limit, as the library's two
// consumes in a row did, so a spent address cannot go on spending accounts.
import { rateLimits, type Database, type RateLimitCounters } from '@latchkey/db';
import { RateLimiterDrizzle, RateLimiterRes } from 'rate-limiter-flexible';
import type { RateLimitRule } from '../config.js';
import { ApiError } from '../errors.js';
import { accountKey } from './account-key.js';
import { addressBucket } from './address-bucket.js';
import type { DeviceTokens } from './device-token.js';

/** Which counters one login attempt moved, so a success clears the right one. */
export type LoginAttempt = { trust: 'device'; deviceKey: string } | { trust: 'none'; accountKey: string };

export interface AuthRateLimits {
  /**
   * Counts a login attempt, before the password is checked; throws RATE_LIMITED when a counter it moves is
   * spent. `deviceToken` is the one the client presented (cookie or body), or null.
   */
  consumeLogin(input: {
    username: string;
    clientAddress: string;
    deviceToken: string | null;
  }): Promise<LoginAttempt>;
  /**
   * A successful login clears the counter its attempt moved: the device's, or the account's when the attempt was
   * untrusted (the right password without a device token is the owner on a new device). A device's success
   * leaves the account's counter alone: the owner logging in must not refill a stranger's guesses.
   */
  clearLogin(attempt: LoginAttempt): Promise<void>;
  /** Counts a signup from the address (IPv6 by /64); throws RATE_LIMITED when spent. */
  consumeSignup(clientAddress: string): Promise<void>;
  /**
   * Counts a call that mails someone (a reset request, an address change) per client address and per target:
   * the username or address a reset names, whether or not an account has it (so a 429 tells nothing about
   * existence), or the address a change would mail. Throws RATE_LIMITED when either is spent.
   */
  consumeRecovery(input: { clientAddress: string; target: string }): Promise<void>;
}

export interface AuthRateLimitRules {
  loginPerAccount: RateLimitRule;
  loginPerDevice: RateLimitRule;
  loginPerAddress: RateLimitRule;
  signupPerAddress: RateLimitRule;
  recoveryPerAddress: RateLimitRule;
  recoveryPerAccount: RateLimitRule;
}

function rateLimited(msBeforeNext: number): ApiError {
  return new ApiError('RATE_LIMITED', { retryAfterSeconds: Math.max(1, Math.ceil(msBeforeNext / 1000)) });
}

/** Consumes one point; throws RATE_LIMITED with Retry-After seconds when the limit is spent. */
export async function consume(limiter: RateLimiterDrizzle, key: string): Promise<void> {
  try {
    await limiter.consume(key);
  } catch (rejection) {
    // The limiter rejects with a RateLimiterRes when the limit is spent, with an Error when the store failed.
    if (rejection instanceof RateLimiterRes) throw rateLimited(rejection.msBeforeNext);
    throw rejection;
  }
}

export function createAuthRateLimits(
  database: Database,
  options: { rules: AuthRateLimitRules; deviceTokens: DeviceTokens; counters: RateLimitCounters },
): AuthRateLimits {
  const { rules, deviceTokens, counters } = options;
  const limiter = (keyPrefix: string, rule: RateLimitRule): RateLimiterDrizzle =>
    new RateLimiterDrizzle({
      storeClient: database.orm,
      schema: rateLimits,
      keyPrefix,
      points: rule.points,
      duration: rule.durationSeconds,
    });
  const loginAccount = limiter('login_account', rules.loginPerAccount);
  const loginDevice = limiter('login_device', rules.loginPerDevice);
  const loginAddress = limiter('login_address', rules.loginPerAddress);
  const signupAddress = limiter('signup_address', rules.signupPerAddress);
  const recoveryAddress = limiter('recovery_address', rules.recoveryPerAddress);
  const recoveryTarget = limiter('recovery_target', rules.recoveryPerAccount);

  return {
    async consumeLogin({ username, clientAddress, deviceToken }) {
      // The counters an attempt counts against move before the password is checked: parallel guesses cannot
      // slip past a check-then-count gap.
      const deviceKey = deviceTokens.deviceFor(deviceToken, username);
      if (deviceKey !== null) {
        await consume(loginDevice, deviceKey);
        return { trust: 'device', deviceKey };
      }
      const account = accountKey(username);
      // The limiter's clock (it reads Date.now() too), so its own reads of these rows agree.
      const now = new Date();
      const moved = await counters.consumeChained({
        first: {
          key: loginAddress.getKey(addressBucket(clientAddress)),
          durationMs: loginAddress.msDuration,
        },
        firstLimit: rules.loginPerAddress.points,
        second: { key: loginAccount.getKey(account), durationMs: loginAccount.msDuration },
        now,
      });
      const remainingMs = (state: { expire: Date | null }): number =>
        state.expire === null ? 0 : Math.max(state.expire.getTime() - now.getTime(), 0);
      if (moved.first.points > rules.loginPerAddress.points) throw rateLimited(remainingMs(moved.first));
      if (moved.second !== null && moved.second.points > rules.loginPerAccount.points)
        throw rateLimited(remainingMs(moved.second));
      return { trust: 'none', accountKey: account };
    },
    async clearLogin(attempt) {
      if (attempt.trust === 'device') await loginDevice.delete(attempt.deviceKey);
      else await loginAccount.delete(attempt.accountKey);
    },
    async consumeSignup(clientAddress) {
      await consume(signupAddress, addressBucket(clientAddress));
    },
    async consumeRecovery({ clientAddress, target }) {
      await consume(recoveryAddress, addressBucket(clientAddress));
      await consume(recoveryTarget, accountKey(target));
    },
  };
}
