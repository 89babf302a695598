/**
 * The deepest nesting of arrays and objects in a JSON text, counted in one pass without parsing, so a hostile
 * `[[[[...` is refused before JSON.parse or a validator walks it recursively. Brackets inside strings are
 * skipped (with their escapes). Malformed text is measured as far as it goes; the parser rejects it later.
 */
export function jsonNestingDepth(text: string): number {
  let depth = 0;
  let deepest = 0;
  let inString = false;
  for (let index = 0; index < text.length; index += 1) {
    const char = text.charCodeAt(index);
    if (inString) {
      if (char === 0x5c /* \ */) index += 1;
      else if (char === 0x22 /* " */) inString = false;
      continue;
    }
    if (char === 0x22) inString = true;
    else if (char === 0x5b /* [ */ || char === 0x7b /* { */) {
      depth += 1;
      if (depth > deepest) deepest = depth;
    } else if (char === 0x5d /* ] */ || char === 0x7d /* } */) depth -= 1;
  }
  return deepest;
}
