import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import type { ReactElement } from 'react';
import { Alert } from '../components/alert.js';
import { humanErrorMessage } from '../features/auth/error-message.js';
import { useSession } from '../features/auth/session-context.js';
import { useTRPC } from '../trpc.js';

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
  const me = auth.status === 'authenticated' ? auth.user.id : null;

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
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </section>
  );
}
