import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import type { ReactElement } from 'react';
import { Alert } from '../components/alert.js';
import { humanErrorMessage } from '../features/auth/error-message.js';
import { useLogout } from '../features/auth/use-logout.js';
import { useTRPC } from '../trpc.js';

const dateTime = new Intl.DateTimeFormat(undefined, { dateStyle: 'medium', timeStyle: 'short' });

export function SessionsPage(): ReactElement {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const logout = useLogout();
  const sessions = useQuery(trpc.auth.sessions.queryOptions());
  const [error, setError] = useState<string | null>(null);
  const revoke = useMutation(
    trpc.auth.revokeSession.mutationOptions({
      onSuccess: () => queryClient.invalidateQueries({ queryKey: trpc.auth.sessions.queryKey() }),
      onError: (caught) => {
        setError(humanErrorMessage(caught));
      },
    }),
  );

  return (
    <section aria-labelledby="sessions-title">
      <h1 id="sessions-title">Your sessions</h1>
      <p>Every browser or program signed in to your account. Revoking one logs it out at its next request.</p>
      {error === null ? null : <Alert tone="error">{error}</Alert>}
      {sessions.isPending ? <p role="status">Loading sessions…</p> : null}
      {sessions.isError ? <Alert tone="error">{humanErrorMessage(sessions.error)}</Alert> : null}
      {sessions.data === undefined ? null : (
        <table>
          <caption className="visually-hidden">Active sessions</caption>
          <thead>
            <tr>
              <th scope="col">Device</th>
              <th scope="col">Signed in</th>
              <th scope="col">Last used</th>
              <th scope="col">
                <span className="visually-hidden">Actions</span>
              </th>
            </tr>
          </thead>
          <tbody>
            {sessions.data.map((session) => (
              <tr key={session.id} aria-current={session.current ? 'true' : undefined}>
                <td>
                  <span title={session.userAgent ?? undefined}>{session.deviceLabel}</span>
                  {session.current ? <span className="badge">This session</span> : null}
                  {session.signedInFrom === null ? null : (
                    <span className="hint session-address">Signed in from {session.signedInFrom}</span>
                  )}
                  {session.lastUsedFrom === null ? null : (
                    <span className="hint session-address">Last used from {session.lastUsedFrom}</span>
                  )}
                </td>
                <td className="nowrap">{dateTime.format(new Date(session.createdAt))}</td>
                <td className="nowrap">{dateTime.format(new Date(session.lastUsedAt))}</td>
                <td>
                  {session.current ? null : (
                    <button
                      type="button"
                      className="secondary small"
                      aria-label={`Revoke session from ${session.deviceLabel} signed in ${dateTime.format(new Date(session.createdAt))}`}
                      onClick={() => {
                        revoke.mutate({ sessionId: session.id });
                      }}
                    >
                      Revoke
                    </button>
                  )}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      <p className="actions">
        <button
          type="button"
          className="danger"
          onClick={() => {
            logout({ everywhere: true }).catch((caught: unknown) => {
              setError(humanErrorMessage(caught));
            });
          }}
        >
          Log out everywhere
        </button>
      </p>
    </section>
  );
}
