/**
 * The tRPC link that makes every call carry a usable access token.
 *
 * Before a call: if the token is within the refresh leeway, wait for the (single-flight) refresh.
 * After a call: on UNAUTHORIZED `EXPIRED` (a clock that lied, a token that expired in flight), get a fresh
 * token once and retry the call once; a second failure goes to the caller, so it can never loop. On
 * `REVOKED` the session is over: the provider clears it and the caller gets the error.
 *
 * The token travels to the terminating HTTP link in the operation context (`bearerHeaders`) rather than
 * being read from the store at send time, so the link knows exactly which token the API rejected.
 */
import { TRPCClientError } from '@trpc/client';
import type { Operation, TRPCLink } from '@trpc/client';
import type { AnyRouter } from '@trpc/server';
import { observable } from '@trpc/server/observable';
import type { Unsubscribable } from '@trpc/server/observable';
import { isUnauthorized } from './auth-error.js';

export interface AccessTokenProvider {
  /** A usable access token, refreshed first when it is within the leeway; null when nobody is signed in. */
  tokenForRequest(): Promise<string | null>;
  /** The API rejected `rejectedToken` as expired: a usable token after at most one refresh, or null. */
  tokenAfterExpiry(rejectedToken: string): Promise<string | null>;
  /** The API said the session is revoked. */
  sessionRevoked(): void;
}

const ACCESS_TOKEN_CONTEXT_KEY = 'latchkeyAccessToken';

/**
 * Creates the link; put it before the HTTP link, and give the HTTP link `headers: bearerHeaders`.
 *
 * @example
 * createTRPCClient<AppRouter>({ links: [authLink(provider), httpBatchLink({ url, headers: bearerHeaders })] });
 */
export function authLink<TRouter extends AnyRouter>(provider: AccessTokenProvider): TRPCLink<TRouter> {
  return () =>
    ({ op, next }) =>
      observable((observer) => {
        let subscription: Unsubscribable | null = null;
        let stopped = false;

        const send = (token: string | null, isRetry: boolean): void => {
          if (stopped) return;
          const withToken: Operation = {
            ...op,
            context: { ...op.context, [ACCESS_TOKEN_CONTEXT_KEY]: token },
          };
          subscription = next(withToken).subscribe({
            next: (result) => {
              observer.next(result);
            },
            complete: () => {
              observer.complete();
            },
            error: (error) => {
              if (isUnauthorized(error, 'REVOKED')) {
                provider.sessionRevoked();
                observer.error(error);
              } else if (!isRetry && token !== null && isUnauthorized(error, 'EXPIRED')) {
                provider.tokenAfterExpiry(token).then(
                  (fresh) => {
                    send(fresh, true);
                  },
                  (refreshError: unknown) => {
                    observer.error(asClientError(refreshError));
                  },
                );
              } else {
                observer.error(error);
              }
            },
          });
        };

        provider.tokenForRequest().then(
          (token) => {
            send(token, false);
          },
          (refreshError: unknown) => {
            observer.error(asClientError(refreshError));
          },
        );

        return () => {
          stopped = true;
          subscription?.unsubscribe();
        };
      });
}

/**
 * `headers` for httpLink/httpBatchLink: `Authorization: Bearer` from the token the auth link chose.
 * A batch is sent with the first operation's token; all of them were read from the same store an instant
 * apart, and if one differs the retry path above still resolves it without an extra refresh.
 */
export function bearerHeaders(
  options: { op: Operation } | { opList: readonly Operation[] },
): Record<string, string> {
  const op = 'op' in options ? options.op : options.opList[0];
  const token = op?.context[ACCESS_TOKEN_CONTEXT_KEY];
  return typeof token === 'string' ? { authorization: `Bearer ${token}` } : {};
}

/** An operation context that makes `bearerHeaders` send this token, for calls that bypass the auth link. */
export function accessTokenContext(token: string | null): Record<string, unknown> {
  return { [ACCESS_TOKEN_CONTEXT_KEY]: token };
}

function asClientError(error: unknown): TRPCClientError<AnyRouter> {
  return TRPCClientError.from(error instanceof Error ? error : new Error(String(error)));
}
