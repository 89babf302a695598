// Type-checked against the packed declarations only (strict, NodeNext, skipLibCheck off): the API's procedures
// are typed without @latchkey/api installed.
import { createLatchkeyClient, type User } from '@latchkey/client';

export async function firstTaskTitle(url: string): Promise<string | undefined> {
  const client = createLatchkeyClient({ url, transport: 'body' });
  const user: User = await client.login({ username: 'ada', password: 'plum-orbit-cascade-71' });
  const role: 'user' | 'admin' = user.role;
  void role;
  const tasks = await client.api.tasks.list.query();
  const done: boolean | undefined = tasks[0]?.done;
  void done;
  // @ts-expect-error: the declarations are real, not `any`: a title is a string.
  await client.api.tasks.create.mutate({ title: 42 });
  return tasks[0]?.title;
}
