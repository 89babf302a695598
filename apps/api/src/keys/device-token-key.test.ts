import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { generateJwtSecret, generateSigningKey, rotateKeySet } from '@latchkey/auth';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadDeviceTokenKey } from './device-token-key.js';
import { KeySetFileError, writeKeySetFile } from './key-set-file.js';

describe('the device-token key', () => {
  let directory: string;
  beforeAll(async () => {
    directory = await mkdtemp(path.join(tmpdir(), 'latchkey-device-key-'));
  });
  afterAll(() => rm(directory, { recursive: true, force: true }));

  it('is derived from JWT_SECRET: the same on every instance, never the secret itself', async () => {
    const secret = generateJwtSecret();
    const first = await loadDeviceTokenKey({ kind: 'secret', secret });
    expect(first).toHaveLength(32);
    expect(await loadDeviceTokenKey({ kind: 'secret', secret })).toEqual(first);
    expect(Buffer.from(first).toString('base64url')).not.toBe(secret);
    expect(await loadDeviceTokenKey({ kind: 'secret', secret: generateJwtSecret() })).not.toEqual(first);
  });

  it("is derived from the key set's signing key, and changes when the key set is rotated", async () => {
    const file = path.join(directory, 'keys.json');
    const keySet = { keys: [await generateSigningKey('EdDSA')] };
    await writeKeySetFile(file, keySet);
    const signing = { kind: 'key-set', file, generateIfMissing: false } as const;
    const first = await loadDeviceTokenKey(signing);
    expect(await loadDeviceTokenKey(signing)).toEqual(first);
    const now = new Date();
    await writeKeySetFile(
      file,
      rotateKeySet(keySet, await generateSigningKey('EdDSA', { now }), { now, retainRetiredSeconds: 930 }),
    );
    expect(await loadDeviceTokenKey(signing)).not.toEqual(first);
  });

  it('refuses a missing key set file with one line for the operator', async () => {
    await expect(
      loadDeviceTokenKey({
        kind: 'key-set',
        file: path.join(directory, 'absent.json'),
        generateIfMissing: false,
      }),
    ).rejects.toBeInstanceOf(KeySetFileError);
  });
});
