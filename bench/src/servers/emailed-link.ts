// The token of a link in a raw message as nodemailer sends it (MIME, the text part quoted-printable), read
// without a MIME parser: the bench only needs the one link that verifies an address, and keeps its
// dependencies to the SMTP server.

/** Undoes quoted-printable (RFC 2045 6.7): soft line breaks go, `=XX` becomes its byte. */
export function decodeQuotedPrintable(text: string): string {
  const joined = text.replace(/=\r?\n/g, '');
  const bytes: number[] = [];
  for (let index = 0; index < joined.length; index += 1) {
    const escaped = /^=([0-9A-Fa-f]{2})/.exec(joined.slice(index, index + 3));
    if (escaped?.[1] !== undefined) {
      bytes.push(Number.parseInt(escaped[1], 16));
      index += 2;
    } else {
      bytes.push(...Buffer.from(joined.charAt(index), 'utf8'));
    }
  }
  return Buffer.from(bytes).toString('utf8');
}

/**
 * The token of the first `<PUBLIC_WEB_URL>/<page>#token=...` link in a raw message (its fragment, URI-decoded,
 * as the web app's page reads it), whether the part was sent as is or quoted-printable; null when there is none.
 */
export function emailedLinkToken(raw: string, page: 'verify-email' | 'reset-password'): string | null {
  // Decoding a part that was not quoted-printable could turn `=ab` into a byte, so only when a part says so.
  const text = /content-transfer-encoding:\s*quoted-printable/i.test(raw) ? decodeQuotedPrintable(raw) : raw;
  const found = new RegExp(`/${page}#token=([A-Za-z0-9%._~-]+)`).exec(text)?.[1];
  return found === undefined ? null : decodeURIComponent(found);
}
