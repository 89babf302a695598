// Turns the signing configuration into @latchkey/auth SigningKeys: an HS256 secret, or a key set file. In
// development with neither, an Ed25519 key set is generated once and kept in .data/keys.json, so a fresh clone
// runs with no setup; production never generates keys (env.ts refuses to start without one or the other).
import {
  generateSigningKey,
  hmacSigningKeys,
  keySetSigningKeys,
  parseJwtSecret,
  type SigningKeys,
} from '@latchkey/auth';
import type { Logger } from 'pino';
import type { SigningConfig } from '../config.js';
import { KeySetFileError, readKeySetFile, writeKeySetFile } from './key-set-file.js';

export async function loadSigningKeys(
  signing: SigningConfig,
  options: { logger: Logger },
): Promise<SigningKeys> {
  if (signing.kind === 'secret')
    return hmacSigningKeys(parseJwtSecret(signing.secret, { variableName: 'JWT_SECRET' }));
  const existing = await readKeySetFile(signing.file);
  if (existing !== null) return keySetSigningKeys(existing);
  if (!signing.generateIfMissing) {
    throw new KeySetFileError(
      `Key set file ${signing.file} does not exist; create it with \`pnpm latchkey keys generate\``,
    );
  }
  const keySet = { keys: [await generateSigningKey('EdDSA')] };
  await writeKeySetFile(signing.file, keySet);
  options.logger.warn({ file: signing.file }, 'generated a development Ed25519 key set');
  return keySetSigningKeys(keySet);
}
