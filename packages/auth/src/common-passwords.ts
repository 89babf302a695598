/**
 * The bundled list of common passwords (src/data/common-passwords.txt, 17,950 entries, MIT; where it comes
 * from and how it was made is in scripts/generate-common-passwords.mjs). Entries are NFKC + lower case.
 */
import { readFileSync } from 'node:fs';

let commonPasswords: ReadonlySet<string> | undefined;

/**
 * The list as a set, read from disk on first use (about 170 KB) and kept for the life of
 * the process. A data file rather than a TypeScript module keeps the list reviewable and diffable; the build
 * copies it next to the compiled code.
 */
export function loadCommonPasswords(): ReadonlySet<string> {
  if (commonPasswords === undefined) {
    const text = readFileSync(new URL('./data/common-passwords.txt', import.meta.url), 'utf8');
    commonPasswords = new Set(text.split('\n').filter((line) => line !== '' && !line.startsWith('#')));
  }
  return commonPasswords;
}
