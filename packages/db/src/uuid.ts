// Ids reach the repositories from callers (a session id or task id in a request). PostgreSQL rejects a
// malformed uuid with an error, so a malformed id is answered as "not found" before it becomes a 500.
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** True when `value` has the textual shape of a uuid (any version), so it can be compared to a uuid column. */
export function isUuid(value: string): boolean {
  return UUID.test(value);
}
