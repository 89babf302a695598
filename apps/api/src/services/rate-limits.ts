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
import { rateLimits, type Database } from '@latchkey/db';
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
}

export interface AuthRateLimitRules {
  loginPerAccount: RateLimitRule;
  loginPerDevice: RateLimitRule;
  loginPerAddress: RateLimitRule;
  signupPerAddress: RateLimitRule;
}

/** Consumes one point; throws RATE_LIMITED with Retry-After seconds when the limit is spent. */
export async function consume(limiter: RateLimiterDrizzle, key: string): Promise<void> {
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
  options: { rules: AuthRateLimitRules; deviceTokens: DeviceTokens },
): AuthRateLimits {
  const { rules, deviceTokens } = options;
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

  return {
    async consumeLogin({ username, clientAddress, deviceToken }) {
      // The counters an attempt counts against move before the password is checked: parallel guesses cannot
      // slip past a check-then-count gap.
      const deviceKey = deviceTokens.deviceFor(deviceToken, username);
      if (deviceKey !== null) {
        await consume(loginDevice, deviceKey);
        return { trust: 'device', deviceKey };
      }
      await consume(loginAddress, addressBucket(clientAddress));
      const account = accountKey(username);
      await consume(loginAccount, account);
      return { trust: 'none', accountKey: account };
    },
    async clearLogin(attempt) {
      if (attempt.trust === 'device') await loginDevice.delete(attempt.deviceKey);
      else await loginAccount.delete(attempt.accountKey);
    },
    async consumeSignup(clientAddress) {
      await consume(signupAddress, addressBucket(clientAddress));
    },
  };
}
