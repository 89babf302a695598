/** The key an account is counted under: usernames are case-insensitive, so "Ada" and "ada" share one. */
export function accountKey(username: string): string {
  return username.normalize('NFKC').toLowerCase();
}
