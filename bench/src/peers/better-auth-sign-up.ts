// Signing up on the better-auth peer through its own HTTP handler, the way its client would, to get the
// session cookies the session check reads (and, with the cookie cache on, the signed session_data cookie).

/** Signs a user up and returns the `cookie` header that carries its session. */
export async function signUpOnBetterAuth(
  baseUrl: string,
  credentials: { email: string; password: string; name: string },
): Promise<string> {
  const response = await fetch(`${baseUrl}/api/auth/sign-up/email`, {
    method: 'POST',
    // better-auth refuses a state-changing request whose Origin it does not trust.
    headers: { 'content-type': 'application/json', origin: baseUrl },
    body: JSON.stringify(credentials),
  });
  // The body and the cookies hold the session token: only the status goes into an error message.
  if (!response.ok) throw new Error(`better-auth sign-up answered ${response.status}`);
  await response.arrayBuffer();
  const cookies = response.headers.getSetCookie().map((line) => line.split(';', 1)[0] ?? '');
  if (cookies.length === 0) throw new Error('better-auth sign-up set no cookie');
  return cookies.join('; ');
}
