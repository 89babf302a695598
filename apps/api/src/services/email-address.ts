// How an email address is normalised, once, before it is stored, compared or counted. Decided:
//   - trimmed: a pasted address often carries a space or a line break;
//   - ASCII only (the input schema refuses the rest, routers/inputs.ts): internationalised addresses
//     (RFC 6531) would need NFC plus look-alike checks; refusing them keeps "аda@" (Cyrillic a) out, as the
//     username rules do. NFC is therefore a no-op and not applied;
//   - lower-cased as a whole, domain AND local part. RFC 5321 lets a server treat the local part as case-
//     sensitive, but no common provider does, while "Ada@x" and "ada@x" as two accounts would let one pass for
//     the other. The stored, lower-cased address is also the one mail is sent to.
// So one unique index on the stored column is the case-insensitive uniqueness (packages/db, users.email).

/** `  Ada@Example.COM ` → `ada@example.com`. */
export function normaliseEmail(address: string): string {
  return address.trim().toLowerCase();
}
