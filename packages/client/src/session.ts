import type { AppRouter } from './api-router.js';
import type { inferRouterInputs, inferRouterOutputs } from '@trpc/server';

type RouterOutputs = inferRouterOutputs<AppRouter>;
type RouterInputs = inferRouterInputs<AppRouter>;

/** The user as the API returns it (`auth.me`). */
export type User = RouterOutputs['auth']['me'];

/** What `auth.login`, `auth.signup` and `auth.refresh` return. */
export type Session = RouterOutputs['auth']['login'];

/** The credentials `auth.login` and `auth.signup` take, without the transport choice the client makes itself. */
export type Credentials = Pick<RouterInputs['auth']['login'], 'username' | 'password'>;

/** What `auth.signup` takes besides the credentials: an optional email address (verified by an emailed link). */
export type SignupInput = Credentials & Pick<RouterInputs['auth']['signup'], 'email'>;

/** What `auth.email` returns: the proven address, and the one waiting for its link to be followed. */
export type EmailStatus = RouterOutputs['auth']['email'];

/**
 * A session as the client keeps it. `accessTokenExpiresAt` is in milliseconds on the local clock (see
 * access-token-lifetime.ts), so a client whose clock is off still refreshes on time.
 */
export interface StoredSession {
  readonly accessToken: string;
  readonly accessTokenExpiresAt: number;
  readonly user: User;
  /** Only with the `body` transport (Node): in a browser the refresh token stays in the httpOnly cookie. */
  readonly refreshToken?: string;
}
