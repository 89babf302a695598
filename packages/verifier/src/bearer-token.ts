/**
 * Reads an `Authorization: Bearer <token>` header (RFC 6750 §2.1): the scheme case-insensitive, one space,
 * then the token. Null when the header is absent or not Bearer.
 */
export function bearerToken(header: string | null | undefined): string | null {
  if (typeof header !== 'string') return null;
  const match = /^Bearer +([A-Za-z0-9._~+/-]+=*)$/i.exec(header.trim());
  return match?.[1] ?? null;
}
