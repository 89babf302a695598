/**
 * The HS256 secret: refuse weak ones at start-up, and generate good ones.
 *
 * A secret must be random bytes written down, hex or base64url, as `generateJwtSecret` prints: anyone holding
 * one HS256 token can test guesses offline at GPU speed, so a human passphrase ("our-company-jwt-key-2026")
 * is refused however long it is. The checks run in a fixed order and the first failure is reported, so each
 * weak secret has one exact cause (`ConfigError.detail`). None of them can be fooled into accepting "secret"
 * or "aaaa…", and none of them refuses a random secret of the recommended form (a property test draws
 * thousands of them).
 */
import { randomBytes } from 'node:crypto';

import { loadCommonPasswords } from './common-passwords.js';
import { ConfigError } from './errors.js';
import type { ConfigErrorDetail } from './errors.js';

/**
 * RFC 7518 §3.2: an HS256 key must be at least as long as the hash output, 256 bits. The secret must decode
 * (as hex or base64url) to this many random bytes, so it carries 256 bits however it is written; the key
 * itself stays the UTF-8 bytes of the string as given, so tokens signed before this check still verify.
 */
export const JWT_SECRET_MIN_BYTES = 32;

/** Random hex of 32 bytes (64 characters); any case, even length. */
const HEX = /^(?:[0-9a-fA-F]{2})*$/;
/** RFC 4648 §5 base64url without padding, what `Buffer#toString('base64url')` prints. */
const BASE64URL = /^[A-Za-z0-9_-]+$/;

/**
 * The entropy estimate (below) must reach 128 bits, the security level HS256 is rated at (NIST SP 800-57
 * Part 1, Table 3: HMAC-SHA-256 gives >= 128 bits of security when its key carries at least that much).
 */
export const JWT_SECRET_MIN_ESTIMATED_BITS = 128;

/** Below this many distinct characters a secret is refused whatever its length (random hex has 16). */
export const JWT_SECRET_MIN_DISTINCT_CHARACTERS = 10;

/** Words that mark a placeholder or a hand-made secret. All are at least 6 letters long, so a random
 * base64url secret contains one by chance with probability below 1e-6. */
const PLACEHOLDER_WORDS = ['secret', 'password', 'changeme', 'example', 'latchkey', 'default', 'sample'];

/**
 * Common passwords are looked for inside the secret from 8 characters up, and only word-like ones (at least
 * 4 letters): the list also holds thousands of 8-digit strings (dates, PINs), which a random hex secret
 * contains by chance about once in 30,000 draws. With these limits the chance is below 1e-6 for random hex
 * or base64url (the property test draws thousands).
 */
const COMMON_PASSWORD_MIN_MATCH = 8;
const COMMON_PASSWORD_MIN_LETTERS = 4;

const REQUIREMENT = `It must be at least ${JWT_SECRET_MIN_BYTES} random bytes written as hex or base64url.`;

const HOW_TO_GENERATE =
  'Generate one with `pnpm latchkey secret` or ' +
  "`node -e \"console.log(require('crypto').randomBytes(32).toString('base64url'))\"`.";

/**
 * Turns the configured HS256 secret into key bytes (its UTF-8 encoding), refusing a short or guessable one.
 *
 * @throws ConfigError with a one-line message that names the problem (never the secret) and how to generate a
 *   good one.
 * @example
 * const keys = hmacSigningKeys(parseJwtSecret(env.JWT_SECRET));
 */
export function parseJwtSecret(secret: string, options: { variableName?: string } = {}): Uint8Array {
  const variableName = options.variableName ?? 'JWT_SECRET';
  const weakness = findWeakness(secret);
  if (weakness !== null) {
    throw new ConfigError(
      weakness.detail,
      `${variableName} is too weak: ${weakness.reason}. ${REQUIREMENT} ${HOW_TO_GENERATE}`,
    );
  }
  return new TextEncoder().encode(secret);
}

/**
 * A fresh secret: 32 random bytes as base64url (43 characters), what `pnpm latchkey secret` prints.
 * The loop is a guarantee rather than an expectation: a random draw fails `parseJwtSecret` with a probability
 * below 1e-6, and when it does we draw again instead of printing a secret start-up would refuse.
 */
export function generateJwtSecret(): string {
  for (;;) {
    const secret = randomBytes(JWT_SECRET_MIN_BYTES).toString('base64url');
    if (findWeakness(secret) === null) return secret;
  }
}

/**
 * Estimated information in the secret, in bits: its length times the Shannon entropy of its own character
 * frequencies. For characters drawn independently this is what the string can carry at most, and it is
 * simple to reason about: "aaaa…" scores 0, random base64url of 43 characters about 200, random hex of 64
 * characters about 250, an English sentence about 4 bits per character. It cannot see words, which is why
 * the dictionary check runs first.
 */
export function estimateSecretBits(secret: string): number {
  const characters = Array.from(secret);
  const counts = new Map<string, number>();
  for (const character of characters) counts.set(character, (counts.get(character) ?? 0) + 1);
  let bitsPerCharacter = 0;
  for (const count of counts.values()) {
    const p = count / characters.length;
    bitsPerCharacter -= p * Math.log2(p);
  }
  return bitsPerCharacter * characters.length;
}

/**
 * How many bytes the secret decodes to: as hex when it is only hex digits in pairs, else as base64url.
 * Null when it is neither (spaces, punctuation, NUL, non-ASCII: a passphrase, not an encoding).
 */
function decodedByteLength(secret: string): number | null {
  if (HEX.test(secret)) return secret.length / 2;
  if (BASE64URL.test(secret)) return Math.floor((secret.length * 6) / 8);
  return null;
}

function findWeakness(secret: string): { detail: ConfigErrorDetail; reason: string } | null {
  const decodedBytes = decodedByteLength(secret);
  // ConfigErrorDetail has no "not encoded" member; what is wrong with a passphrase is its entropy.
  const notEncoded = { detail: 'SECRET_LOW_ENTROPY', reason: 'it is not hex or base64url' } as const;
  if (decodedBytes === null) return notEncoded;
  if (decodedBytes < JWT_SECRET_MIN_BYTES) {
    return {
      detail: 'SECRET_TOO_SHORT',
      reason: `it decodes to ${decodedBytes} bytes and must decode to at least ${JWT_SECRET_MIN_BYTES}`,
    };
  }
  // A base64url length of 4n + 1 ends in 6 stray bits: it is not the encoding of any bytes.
  // (Hex is always of even length, so this only ever refuses base64url.)
  if (secret.length % 4 === 1) return notEncoded;
  // 43 random base64url characters miss upper or lower case with a probability below 1e-9 ((38/64)^43 each),
  // while a passphrase in the base64url alphabet ("our-company-jwt-signing-key") usually sticks to one.
  if (!HEX.test(secret) && !(/[A-Z]/.test(secret) && /[a-z]/.test(secret))) {
    return { detail: 'SECRET_LOW_VARIETY', reason: 'as base64url it must mix upper- and lower-case letters' };
  }
  const characters = Array.from(secret);
  const lowered = secret.normalize('NFKC').toLowerCase();
  if (containsCommonWord(lowered)) {
    return { detail: 'SECRET_COMMON_WORD', reason: 'it contains a common word or password' };
  }
  if (mostFrequentCount(characters) * 3 > characters.length) {
    return { detail: 'SECRET_REPEATED_CHARACTER', reason: 'one character makes up more than a third of it' };
  }
  if (shortestPeriod(characters) <= characters.length / 2) {
    return { detail: 'SECRET_REPEATING_PATTERN', reason: 'it repeats a shorter pattern' };
  }
  if (sequentialPairs(characters) * 2 > characters.length - 1) {
    return { detail: 'SECRET_SEQUENCE', reason: 'it is mostly a sequence such as abcd or 1234' };
  }
  if (new Set(characters).size < JWT_SECRET_MIN_DISTINCT_CHARACTERS) {
    return {
      detail: 'SECRET_LOW_VARIETY',
      reason: `it uses fewer than ${JWT_SECRET_MIN_DISTINCT_CHARACTERS} different characters`,
    };
  }
  const bits = estimateSecretBits(secret);
  if (bits < JWT_SECRET_MIN_ESTIMATED_BITS) {
    return {
      detail: 'SECRET_LOW_ENTROPY',
      reason: `it carries about ${Math.floor(bits)} bits of entropy and needs ${JWT_SECRET_MIN_ESTIMATED_BITS}`,
    };
  }
  return null;
}

function containsCommonWord(lowered: string): boolean {
  if (PLACEHOLDER_WORDS.some((word) => lowered.includes(word))) return true;
  const common = loadCommonPasswords();
  // Every substring of 8 to 32 characters: about 1,000 set lookups for a 43-character secret, once at start-up.
  for (let start = 0; start + COMMON_PASSWORD_MIN_MATCH <= lowered.length; start++) {
    for (let end = start + COMMON_PASSWORD_MIN_MATCH; end <= Math.min(lowered.length, start + 32); end++) {
      const candidate = lowered.slice(start, end);
      if (common.has(candidate) && (candidate.match(/\p{L}/gu)?.length ?? 0) >= COMMON_PASSWORD_MIN_LETTERS)
        return true;
    }
  }
  return false;
}

function mostFrequentCount(characters: readonly string[]): number {
  const counts = new Map<string, number>();
  let most = 0;
  for (const character of characters) {
    const count = (counts.get(character) ?? 0) + 1;
    counts.set(character, count);
    most = Math.max(most, count);
  }
  return most;
}

/** The smallest p such that every character equals the one p places before it ("abcabcab" has p = 3). */
function shortestPeriod(characters: readonly string[]): number {
  for (let period = 1; period < characters.length; period++) {
    let repeats = true;
    for (let index = period; index < characters.length && repeats; index++) {
      repeats = characters[index] === characters[index - period];
    }
    if (repeats) return period;
  }
  return characters.length;
}

/** How many neighbouring characters step by one code point up or down ("abc", "987"). */
function sequentialPairs(characters: readonly string[]): number {
  let pairs = 0;
  for (let index = 1; index < characters.length; index++) {
    const step = (characters[index]?.codePointAt(0) ?? 0) - (characters[index - 1]?.codePointAt(0) ?? 0);
    if (step === 1 || step === -1) pairs++;
  }
  return pairs;
}
