import { randomBytes } from 'node:crypto';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { TestClock } from '../testing/test-api.js';
import {
  createDeviceTokens,
  DEVICE_TOKEN_LIFETIME_SECONDS,
  DEVICE_TOKEN_MAX_LENGTH,
} from './device-token.js';

describe('device tokens', () => {
  const clock = new TestClock();
  const tokens = createDeviceTokens({ key: randomBytes(32), now: clock.now });

  it('is valid for the username it was issued to, case-insensitively, and for no other', () => {
    const { token } = tokens.issue('Ada');
    expect(token.length).toBeLessThanOrEqual(DEVICE_TOKEN_MAX_LENGTH);
    const device = tokens.deviceFor(token, 'ada');
    expect(device).toMatch(/^[A-Za-z0-9_-]{22}$/);
    expect(tokens.deviceFor(token, 'ADA')).toBe(device);
    expect(tokens.deviceFor(token, 'grace')).toBeNull();
    expect(tokens.deviceFor(null, 'ada')).toBeNull();
  });

  it('each login issues a new device key, and the token does not name the account', () => {
    const first = tokens.issue('ada').token;
    const second = tokens.issue('ada').token;
    expect(tokens.deviceFor(first, 'ada')).not.toBe(tokens.deviceFor(second, 'ada'));
    expect(first).not.toContain('ada');
  });

  it('expires after its lifetime, and tolerates 30 s of clock difference between instances', () => {
    const { token, expiresAt } = tokens.issue('ada');
    expect(expiresAt.getTime() - clock.now().getTime()).toBeLessThanOrEqual(
      DEVICE_TOKEN_LIFETIME_SECONDS * 1000,
    );
    clock.advance(DEVICE_TOKEN_LIFETIME_SECONDS - 1);
    expect(tokens.deviceFor(token, 'ada')).not.toBeNull();
    clock.advance(2);
    expect(tokens.deviceFor(token, 'ada')).toBeNull();
    clock.advance(-(DEVICE_TOKEN_LIFETIME_SECONDS + 1));

    const ahead = new TestClock();
    ahead.advance(25);
    const fromAhead = createDeviceTokens({ key: Buffer.alloc(32, 7), now: ahead.now }).issue('ada').token;
    const here = createDeviceTokens({ key: Buffer.alloc(32, 7), now: new TestClock().now });
    expect(here.deviceFor(fromAhead, 'ada')).not.toBeNull();
    ahead.advance(10);
    const tooFarAhead = createDeviceTokens({ key: Buffer.alloc(32, 7), now: ahead.now }).issue('ada').token;
    expect(here.deviceFor(tooFarAhead, 'ada')).toBeNull();
  });

  it('a token made with another key is not valid', () => {
    const other = createDeviceTokens({ key: randomBytes(32), now: clock.now });
    expect(tokens.deviceFor(other.issue('ada').token, 'ada')).toBeNull();
  });

  it('only one spelling of the mac is valid (base64url spare bits in the last character)', () => {
    const genuine = tokens.issue('ada').token;
    const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_';
    const valid = Array.from(alphabet).filter(
      (last) => tokens.deviceFor(`${genuine.slice(0, -1)}${last}`, 'ada') !== null,
    );
    expect(valid).toEqual([genuine.at(-1)]);
  });

  it('no string that was not issued is valid, whatever its shape', () => {
    const genuine = tokens.issue('ada').token;
    fc.assert(
      fc.property(
        fc.oneof(
          fc.string(),
          fc.string().map((tail) => `lkd1.${tail}`),
          fc.nat({ max: genuine.length - 1 }).chain((index) =>
            fc
              .string({ minLength: 1, maxLength: 1 })
              .filter((replacement) => replacement !== genuine[index])
              .map((replacement) => `${genuine.slice(0, index)}${replacement}${genuine.slice(index + 1)}`),
          ),
        ),
        (candidate) => {
          expect(tokens.deviceFor(candidate, 'ada')).toBeNull();
        },
      ),
    );
  });
});
