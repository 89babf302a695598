// Type-checked against the packed declarations only (strict, NodeNext, skipLibCheck off): the API's procedures
// are typed without @latchkey/api installed.
import { createLatchkeyClient, type User } from '@latchkey/client';

export async function firstTask(
  url: string,
): Promise<{ role: 'user' | 'admin'; title: string | undefined; done: boolean | undefined }> {
  const client = createLatchkeyClient({ url, transport: 'body' });
  const user: User = await client.login({ username: 'ada', password: 'plum-orbit-cascade-71' });
  const tasks = await client.api.tasks.list.query();
  // @ts-expect-error: the declarations are real, not `any`: a title is a string.
  await client.api.tasks.create.mutate({ title: 42 });
  return { role: user.role, title: tasks[0]?.title, done: tasks[0]?.done };
}
