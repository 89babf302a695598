// The few API calls the benchmarks need to set up (sign up, log in), as plain fetch on tRPC's JSON wire
// format (no transformer: apps/api/README.md), the way `curl` would make them.

export interface SessionTokens {
  accessToken: string;
  refreshToken: string;
  userId: string;
}

interface TrpcSuccess {
  result: { data: { accessToken: string; refreshToken?: string; user: { id: string } } };
}

async function mutate(baseUrl: string, procedure: string, input: unknown): Promise<TrpcSuccess> {
  const response = await fetch(`${baseUrl}/trpc/${procedure}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(input),
  });
  // The body may hold tokens: only the status goes into an error message.
  if (!response.ok) throw new Error(`${procedure} answered ${response.status}`);
  return (await response.json()) as TrpcSuccess;
}

/** `auth.signup` or `auth.login` for `credentials`, asking for the refresh token in the body. */
async function startSession(
  baseUrl: string,
  procedure: 'auth.signup' | 'auth.login',
  credentials: { username: string; password: string },
): Promise<SessionTokens> {
  const { result } = await mutate(baseUrl, procedure, { ...credentials, refreshTransport: 'body' });
  const { accessToken, refreshToken, user } = result.data;
  if (refreshToken === undefined) throw new Error(`${procedure} returned no refresh token in the body`);
  return { accessToken, refreshToken, userId: user.id };
}

/** Signs a user up and returns its tokens, asking for the refresh token in the body. */
export function signUp(
  baseUrl: string,
  credentials: { username: string; password: string },
): Promise<SessionTokens> {
  return startSession(baseUrl, 'auth.signup', credentials);
}

/** A password the policy accepts and nobody would guess: 24 random base64url characters. */
export function randomPassword(): string {
  return Buffer.from(crypto.getRandomValues(new Uint8Array(18))).toString('base64url');
}

/** Logs in, asking for the refresh token in the body. */
export function logIn(
  baseUrl: string,
  credentials: { username: string; password: string },
): Promise<SessionTokens> {
  return startSession(baseUrl, 'auth.login', credentials);
}

/** Logs the session of `refreshToken` out: from its commit on, every instance refuses its access tokens. */
export async function logOut(baseUrl: string, refreshToken: string): Promise<void> {
  await mutate(baseUrl, 'auth.logout', { refreshToken });
}
