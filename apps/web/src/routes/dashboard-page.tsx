import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import type { ReactElement } from 'react';
import { Alert } from '../components/alert.js';
import { FormField } from '../components/form-field.js';
import { humanErrorMessage } from '../features/auth/error-message.js';
import { useSession } from '../features/auth/session-context.js';
import { useTRPC } from '../trpc.js';

export function DashboardPage(): ReactElement {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const { auth } = useSession();
  const tasks = useQuery(trpc.tasks.list.queryOptions());
  const [title, setTitle] = useState('');
  const [error, setError] = useState<string | null>(null);
  const refetch = (): Promise<void> =>
    queryClient.invalidateQueries({ queryKey: trpc.tasks.list.queryKey() });
  const onError = (caught: unknown): void => {
    setError(humanErrorMessage(caught));
  };
  const create = useMutation(
    trpc.tasks.create.mutationOptions({
      onSuccess: async () => {
        setTitle('');
        setError(null);
        await refetch();
      },
      onError,
    }),
  );
  const listKey = trpc.tasks.list.queryKey();
  const update = useMutation(
    trpc.tasks.update.mutationOptions({
      // Tick the box at once; the refetch afterwards (or the error) sets the record straight.
      onMutate: async (input) => {
        await queryClient.cancelQueries({ queryKey: listKey });
        queryClient.setQueryData(listKey, (old) =>
          old?.map((task) => (task.id === input.id ? { ...task, done: input.done ?? task.done } : task)),
        );
      },
      onSettled: refetch,
      onError,
    }),
  );
  const remove = useMutation(trpc.tasks.delete.mutationOptions({ onSuccess: refetch, onError }));

  const add = (): void => {
    if (title.trim() === '') {
      setError('Task: write what needs doing.');
      return;
    }
    create.mutate({ title });
  };

  return (
    <section aria-labelledby="dashboard-title">
      <h1 id="dashboard-title">
        {auth.status === 'authenticated' ? `${auth.user.username}'s tasks` : 'Tasks'}
      </h1>
      {error === null ? null : <Alert tone="error">{error}</Alert>}
      <form
        className="inline-form"
        onSubmit={(event) => {
          event.preventDefault();
          add();
        }}
      >
        <FormField
          label="New task"
          name="title"
          value={title}
          maxLength={1000}
          onChange={(event) => {
            setTitle(event.target.value);
          }}
        />
        <button type="submit" disabled={create.isPending}>
          Add task
        </button>
      </form>
      {tasks.isPending ? <p role="status">Loading tasks…</p> : null}
      {tasks.isError ? <Alert tone="error">{humanErrorMessage(tasks.error)}</Alert> : null}
      {tasks.data?.length === 0 ? <p className="empty">No tasks yet. Add your first one above.</p> : null}
      {tasks.data !== undefined && tasks.data.length > 0 ? (
        <ul className="task-list" aria-label="Your tasks">
          {tasks.data.map((task) => (
            <li key={task.id} className={task.done ? 'task done' : 'task'}>
              <input
                type="checkbox"
                id={`task-${task.id}`}
                checked={task.done}
                onChange={(event) => {
                  update.mutate({ id: task.id, done: event.target.checked });
                }}
              />
              <label htmlFor={`task-${task.id}`}>{task.title}</label>
              <button
                type="button"
                className="secondary small"
                aria-label={`Delete ${task.title}`}
                onClick={() => {
                  remove.mutate({ id: task.id });
                }}
              >
                Delete
              </button>
            </li>
          ))}
        </ul>
      ) : null}
    </section>
  );
}
