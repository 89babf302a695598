// What each kind of text field accepts and refuses, as properties over generated Unicode (fast-check), plus the
// exact characters each kind exists for. The same rules over HTTP: text-input.int.test.ts.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  CONTROL_MESSAGE,
  NAME_CHARACTER_MESSAGE,
  NUL_MESSAGE,
  SURROGATE_MESSAGE,
  textSchema,
  type TextKind,
} from './text-schema.js';

const KINDS: readonly TextKind[] = ['secret', 'text', 'name'];
const schemaOf = (kind: TextKind): ReturnType<typeof textSchema> => textSchema({ kind, maxLength: 10_000 });

function messages(kind: TextKind, value: string): string[] {
  const result = schemaOf(kind).safeParse(value);
  return result.success ? [] : result.error.issues.map((issue) => issue.message);
}

// Any well-formed Unicode (every code point, astral ones as proper pairs), NUL excluded.
const wellFormed = fc
  .string({ unit: 'binary', maxLength: 60 })
  .map((value) => value.replaceAll('\u0000', ''));
const loneSurrogate = fc.oneof(
  fc.integer({ min: 0xd800, max: 0xdbff }),
  fc.integer({ min: 0xdc00, max: 0xdfff }),
);

describe('textSchema', () => {
  it('a secret accepts every well-formed string without a NUL (NIST SP 800-63B: all printing characters)', () => {
    fc.assert(
      fc.property(wellFormed, (value) => {
        expect(messages('secret', value)).toEqual([]);
      }),
    );
  });

  it.each(KINDS)('a %s refuses a NUL anywhere, with that message', (kind) => {
    fc.assert(
      fc.property(wellFormed, wellFormed, (before, after) => {
        expect(messages(kind, `${before}\u0000${after}`)).toContain(NUL_MESSAGE);
      }),
    );
  });

  it.each(KINDS)('a %s refuses a lone surrogate anywhere, and keeps a proper pair', (kind) => {
    fc.assert(
      fc.property(wellFormed, loneSurrogate, wellFormed, (before, unit, after) => {
        // A high surrogate right before a low one would be a proper pair: keep them apart with a letter.
        const value = `${before}x${String.fromCharCode(unit)}x${after}`;
        expect(messages(kind, value)).toContain(SURROGATE_MESSAGE);
      }),
    );
    expect(messages(kind, 'emoji 😀 ok')).not.toContain(SURROGATE_MESSAGE);
  });

  it('text keeps tab, LF and CR, refuses every other C0 control, DEL and every C1 control', () => {
    expect(messages('text', 'a\tb\nc\r\nd')).toEqual([]);
    const refused = [
      ...Array.from({ length: 0x20 }, (_, code) => code).filter((code) => ![0, 9, 10, 13].includes(code)),
      ...Array.from({ length: 0x21 }, (_, offset) => 0x7f + offset),
    ];
    for (const code of refused)
      expect(messages('text', `a${String.fromCharCode(code)}b`)).toEqual([CONTROL_MESSAGE]);
    // Bidi controls and right-to-left text stay in a title (see text-schema.ts).
    expect(messages('text', 'שלום \u202e\u2067x\u2069')).toEqual([]);
  });

  it('a name refuses every control, format character (bidi, zero-width, soft hyphen, BOM) and line separator', () => {
    for (const character of [
      '\t',
      '\n',
      '\u001b',
      '\u0085',
      '\u00ad',
      '\u200b',
      '\u200d',
      '\u200e',
      '\u202a',
      '\u202e',
      '\u2066',
      '\u2069',
      '\ufeff',
      '\u2028',
      '\u2029',
    ])
      expect(messages('name', `ad${character}min`)).toEqual([NAME_CHARACTER_MESSAGE]);
    expect(messages('name', 'plain.name-1')).toEqual([]);
  });

  it('trims before the length checks when asked, so "   " is not a title', () => {
    const title = textSchema({ kind: 'text', trim: true, minLength: 1, maxLength: 5 });
    expect(title.safeParse('   ').success).toBe(false);
    expect(title.parse('  abc  ')).toBe('abc');
    expect(title.safeParse('abcdef').success).toBe(false);
  });
});
