import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import type { ReactElement } from 'react';
import { Alert } from '../components/alert.js';
import { SessionDevice } from '../components/session-device.js';
import { humanErrorMessage } from '../features/auth/error-message.js';
import { useSession } from '../features/auth/session-context.js';
import { useTRPC } from '../trpc.js';

const dateTime = new Intl.DateTimeFormat(undefined, { dateStyle: 'medium', timeStyle: 'short' });

export function AdminPage(): ReactElement {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const { auth } = useSession();
  const users = useQuery(trpc.admin.users.queryOptions());
  const [error, setError] = useState<string | null>(null);
  const options = {
    onSuccess: () => queryClient.invalidateQueries({ queryKey: trpc.admin.users.queryKey() }),
    onError: (caught: unknown) => {
      setError(humanErrorMessage(caught));
    },
  };
  const setRole = useMutation(trpc.admin.setRole.mutationOptions(options));
  const disable = useMutation(trpc.admin.disableUser.mutationOptions(options));
  const enable = useMutation(trpc.admin.enableUser.mutationOptions(options));
  const me = auth.status === 'authenticated' ? auth.user.id : null;
  // Whose live sessions are listed below the table, for the revoke buttons.
  const [shown, setShown] = useState<{ id: string; username: string } | null>(null);

  return (
    <section aria-labelledby="admin-title">
      <h1 id="admin-title">Users</h1>
      {error === null ? null : <Alert tone="error">{error}</Alert>}
      {users.isPending ? <p role="status">Loading users…</p> : null}
      {users.isError ? <Alert tone="error">{humanErrorMessage(users.error)}</Alert> : null}
      {users.data === undefined ? null : (
        <table>
          <caption className="visually-hidden">All users</caption>
          <thead>
            <tr>
              <th scope="col">Username</th>
              <th scope="col">Role</th>
              <th scope="col">Status</th>
              <th scope="col">
                <span className="visually-hidden">Actions</span>
              </th>
            </tr>
          </thead>
          <tbody>
            {users.data.map((user) => (
              <tr key={user.id}>
                <td>{user.username}</td>
                <td>
                  <label className="visually-hidden" htmlFor={`role-${user.id}`}>
                    Role for {user.username}
                  </label>
                  <select
                    id={`role-${user.id}`}
                    value={user.role}
                    disabled={user.id === me || user.disabledAt !== null}
                    onChange={(event) => {
                      const role = event.target.value;
                      if (role === 'user' || role === 'admin') setRole.mutate({ userId: user.id, role });
                    }}
                  >
                    <option value="user">user</option>
                    <option value="admin">admin</option>
                  </select>
                </td>
                <td>{user.disabledAt === null ? 'Active' : 'Disabled'}</td>
                <td>
                  {user.id === me || user.disabledAt !== null ? null : (
                    <button
                      type="button"
                      className="danger small"
                      aria-label={`Disable ${user.username}`}
                      onClick={() => {
                        disable.mutate({ userId: user.id });
                      }}
                    >
                      Disable
                    </button>
                  )}
                  {user.id === me || user.disabledAt === null ? null : (
                    <button
                      type="button"
                      className="secondary small"
                      aria-label={`Enable ${user.username}`}
                      onClick={() => {
                        enable.mutate({ userId: user.id });
                      }}
                    >
                      Enable
                    </button>
                  )}
                  {user.id === me || user.disabledAt !== null ? null : (
                    <button
                      type="button"
                      className="secondary small"
                      aria-label={`Sessions of ${user.username}`}
                      onClick={() => {
                        setShown({ id: user.id, username: user.username });
                      }}
                    >
                      Sessions
                    </button>
                  )}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      {shown === null ? null : <UserSessions user={shown} onError={setError} />}
    </section>
  );
}

/** One user's live sessions, each with a revoke button; the user's sessions page then says an admin ended it. */
function UserSessions(props: {
  user: { id: string; username: string };
  onError: (message: string) => void;
}): ReactElement {
  const { user, onError } = props;
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const sessions = useQuery(trpc.admin.userSessions.queryOptions({ userId: user.id }));
  const revoke = useMutation(
    trpc.admin.revokeSession.mutationOptions({
      onSuccess: () =>
        queryClient.invalidateQueries({ queryKey: trpc.admin.userSessions.queryKey({ userId: user.id }) }),
      onError: (caught) => {
        onError(humanErrorMessage(caught));
      },
    }),
  );
  return (
    <>
      <h2 id="user-sessions-title">Sessions of {user.username}</h2>
      {sessions.isError ? <Alert tone="error">{humanErrorMessage(sessions.error)}</Alert> : null}
      {sessions.data?.length === 0 ? <p>{user.username} has no live session.</p> : null}
      {sessions.data === undefined || sessions.data.length === 0 ? null : (
        <table aria-labelledby="user-sessions-title">
          <thead>
            <tr>
              <th scope="col">Device</th>
              <th scope="col">Signed in</th>
              <th scope="col">
                <span className="visually-hidden">Actions</span>
              </th>
            </tr>
          </thead>
          <tbody>
            {sessions.data.map((session) => (
              <tr key={session.id}>
                <td>
                  <SessionDevice session={session} />
                </td>
                <td className="nowrap">{dateTime.format(new Date(session.createdAt))}</td>
                <td>
                  <button
                    type="button"
                    className="danger small"
                    aria-label={`Revoke session of ${user.username} from ${session.deviceLabel} signed in ${dateTime.format(new Date(session.createdAt))}`}
                    onClick={() => {
                      revoke.mutate({ userId: user.id, sessionId: session.id });
                    }}
                  >
                    Revoke
                  </button>
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </>
  );
}
