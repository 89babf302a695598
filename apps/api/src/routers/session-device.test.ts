import { describe, expect, it } from 'vitest';
import { describeSessionDevice } from './session-device.js';

describe('describeSessionDevice', () => {
  it.each([
    [
      'Chrome on Linux',
      'Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Safari/537.36',
      'Chrome',
      'Linux',
    ],
    [
      'headless Chrome (the e2e browser) on Linux',
      'Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) HeadlessChrome/156.0.0.0 Safari/537.36',
      'Chrome',
      'Linux',
    ],
    [
      'Edge on Windows',
      'Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Safari/537.36 Edg/131.0.0.0',
      'Microsoft Edge',
      'Windows',
    ],
    [
      'Firefox on macOS',
      'Mozilla/5.0 (Macintosh; Intel Mac OS X 10.15; rv:133.0) Gecko/20100101 Firefox/133.0',
      'Firefox',
      'macOS',
    ],
    [
      'Safari on iOS',
      'Mozilla/5.0 (iPhone; CPU iPhone OS 17_5 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.5 Mobile/15E148 Safari/604.1',
      'Safari',
      'iOS',
    ],
    [
      'Chrome on Android',
      'Mozilla/5.0 (Linux; Android 14; Pixel 8) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.6778.135 Mobile Safari/537.36',
      'Chrome',
      'Android',
    ],
  ])('names %s', (_name, agent, browser, os) => {
    expect(describeSessionDevice(agent)).toEqual({ browser, os, deviceLabel: `${browser} on ${os}` });
  });

  it('names a program by its first product token, or by the name the parser finds in it', () => {
    expect(describeSessionDevice('curl/8.5.0')).toEqual({
      browser: null,
      os: null,
      deviceLabel: 'curl/8.5.0',
    });
    // bowser's generic rule takes the name before the version for an agent it has no rule for.
    expect(describeSessionDevice('latchkey-sdk/1.2 (+https://example.test)').deviceLabel).toBe(
      'latchkey-sdk',
    );
  });

  it('says "Unknown device" when the login sent no agent, or only spaces', () => {
    const unknown = { browser: null, os: null, deviceLabel: 'Unknown device' };
    expect(describeSessionDevice(null)).toEqual(unknown);
    expect(describeSessionDevice('   ')).toEqual(unknown);
  });

  it('keeps a huge made-up agent to a short label', () => {
    const device = describeSessionDevice(`${'A'.repeat(16_000)} (X11; Linux x86_64)`);
    expect(device.deviceLabel).toHaveLength(64);
    expect(device.deviceLabel.endsWith('…')).toBe(true);
    // Only the head is parsed: the "Linux" past it is not read.
    expect(device.os).toBeNull();
  });
});
