// Reading and writing the key set JSON file (.data/keys.json in development, KEY_SET_FILE otherwise). The file
// holds private keys: it is written with mode 0600, atomically (temp file + rename), never half-written.
import { randomUUID } from 'node:crypto';
import { mkdir, readFile, rename, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { parseKeySet, type StoredKeySet } from '@latchkey/auth';

/** A key set file problem, as one line for the operator. */
export class KeySetFileError extends Error {
  override readonly name = 'KeySetFileError';
}

/** The parsed key set, or null when the file does not exist. Throws ConfigError / KeySetFileError when bad. */
export async function readKeySetFile(file: string): Promise<StoredKeySet | null> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return null;
    throw new KeySetFileError(`Cannot read key set file ${file}: ${(error as Error).message}`);
  }
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    throw new KeySetFileError(`Key set file ${file} is not valid JSON`);
  }
  return parseKeySet(json);
}

/** Replaces the file atomically; private keys, so owner-only permissions. */
export async function writeKeySetFile(file: string, keySet: StoredKeySet): Promise<void> {
  await mkdir(path.dirname(file), { recursive: true, mode: 0o700 });
  const temporary = `${file}.${randomUUID()}.tmp`;
  await writeFile(temporary, `${JSON.stringify(keySet, null, 2)}\n`, { mode: 0o600, flag: 'wx' });
  await rename(temporary, file);
}
