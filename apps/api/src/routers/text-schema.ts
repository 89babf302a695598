// The one builder of every text input of the API, so that no field can forget what PostgreSQL cannot store.
// Every kind refuses a NUL (PostgreSQL text cannot hold 0x00: the insert fails) and a lone surrogate (not
// Unicode at all: postgres.js, PGlite and argon2 all encode it as U+FFFD, so the stored or hashed value would
// silently differ from the one sent, and two different inputs would become one). What else a field refuses
// depends on who reads it:
//   secret  passwords and refresh tokens: only hashed, never shown or stored as text, so nothing else. NIST SP
//           800-63B 5.1.1.2 asks verifiers to accept every printing character, Unicode included; a NUL is not
//           one, no keyboard types it, and C-string tools (password managers, PAM bridges) would cut the
//           password there, so it would not be the same password everywhere.
//   text    what a person wrote for themselves (a task title): may span lines, so tab, LF and CR stay; the
//           other C0 controls, DEL and the C1 controls are refused: they print nothing, and ESC or CSI turn
//           into terminal escapes wherever the text is printed or exported. Right-to-left text and the bidi
//           controls stay: the title is shown only to its owner, and RTL writers use isolates legitimately.
//   name    what identifies a person to others (a username): one line, and no character that renders as
//           nothing or reorders what follows (every control, bidi overrides and isolates, zero-width and
//           other format characters, line and paragraph separators), so one name cannot pass for another.
import { z } from 'zod';

export type TextKind = 'secret' | 'text' | 'name';

export interface TextSchemaOptions {
  kind: TextKind;
  /** In UTF-16 code units, after trimming when `trim` is set. */
  maxLength: number;
  minLength?: number;
  /** Leading and trailing whitespace removed before the checks: "   " is not a title. */
  trim?: boolean;
}

export const NUL_MESSAGE = 'must not contain a NUL character';
export const SURROGATE_MESSAGE = 'must be well-formed Unicode (a lone surrogate is not)';
export const CONTROL_MESSAGE = 'must not contain control characters (tab and line breaks are fine)';
export const NAME_CHARACTER_MESSAGE =
  'must not contain control, format or bidirectional characters, or line separators';

// With the `u` flag a surrogate pair is one code point, so only a surrogate without its partner matches.
const LONE_SURROGATE = /\p{Surrogate}/u;
// Cc is C0, DEL and C1; NUL is Cc too, but has its own message above.
const TEXT_CONTROL = /(?![\0\t\n\r])\p{Cc}/u;
// Cc: C0, DEL, C1; Cf: bidi embeddings, overrides and isolates, zero-width characters, soft hyphen, BOM;
// Zl, Zp: line and paragraph separators.
const NAME_UNSAFE = /(?!\0)[\p{Cc}\p{Cf}\p{Zl}\p{Zp}]/u;

/**
 * A string schema for one text field. Every text input of every procedure is built here, so a 400 names the
 * field (`error.data.zodError.fieldErrors[field]`) for text PostgreSQL cannot store, and never a 500.
 */
export function textSchema(options: TextSchemaOptions): z.ZodString {
  const base = options.trim === true ? z.string().trim() : z.string();
  let schema = base
    .min(options.minLength ?? 0)
    .max(options.maxLength)
    .refine((value) => !value.includes('\u0000'), NUL_MESSAGE)
    .refine((value) => !LONE_SURROGATE.test(value), SURROGATE_MESSAGE);
  if (options.kind === 'text') schema = schema.refine((value) => !TEXT_CONTROL.test(value), CONTROL_MESSAGE);
  if (options.kind === 'name')
    schema = schema.refine((value) => !NAME_UNSAFE.test(value), NAME_CHARACTER_MESSAGE);
  return schema;
}
