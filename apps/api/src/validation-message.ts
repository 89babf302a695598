// The one sentence a caller reads in `error.message` when its input fails the procedure's schema. zod's own
// `ZodError.message` is a JSON dump of every issue; a person or a log reader wants the first problem, named by
// its field. The full list stays in `error.data.zodError` (trpc.ts).
import type { ZodError } from 'zod';

// Field names and unknown keys come from the caller: a 1 MB key must not become a 1 MB message.
const MAX_PATH_SEGMENT_CHARS = 64;
const MAX_MESSAGE_CHARS = 300;

/**
 * "title: Too big: expected string to have <=1000 characters", or without a field for a problem with the input
 * as a whole; "(and 2 more problems)" when there are several.
 */
export function validationMessage(error: ZodError): string {
  const [first, ...rest] = error.issues;
  if (first === undefined) return 'Invalid input';
  const path = first.path.map((segment) => shorten(String(segment), MAX_PATH_SEGMENT_CHARS)).join('.');
  const more = rest.length === 0 ? '' : ` (and ${rest.length} more problem${rest.length === 1 ? '' : 's'})`;
  const sentence = `${path === '' ? '' : `${path}: `}${first.message}`;
  return `${shorten(oneLine(sentence), MAX_MESSAGE_CHARS)}${more}`;
}

// Control characters (a NUL, a newline in an unknown key) would break the one-line promise in logs and UIs.
function oneLine(text: string): string {
  return text.replace(/\p{Cc}/gu, '\uFFFD');
}

function shorten(text: string, maxChars: number): string {
  return text.length <= maxChars ? text : `${text.slice(0, maxChars - 1)}…`;
}
