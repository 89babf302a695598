/* global console, process */
// A scratch project's use of the packed @latchkey/client against a running API (its tRPC URL is the first
// argument): sign up over the body transport, create and list a task, log out. Prints one JSON line.
import { createLatchkeyClient, describeApiError } from '@latchkey/client';

const [url, username] = process.argv.slice(2);
const client = createLatchkeyClient({ url, transport: 'body' });
const user = await client.signup({ username, password: 'plum-orbit-cascade-71' });
const task = await client.api.tasks.create.mutate({ title: 'Installed from a tarball' });
const tasks = await client.api.tasks.list.query();
const { revokedOnServer } = await client.logout();
let afterLogout = null;
try {
  await client.api.tasks.list.query();
} catch (error) {
  afterLogout = describeApiError(error).code;
}
client.dispose();
console.log(
  JSON.stringify({
    username: user.username,
    titles: tasks.map((t) => t.title),
    taskId: typeof task.id,
    revokedOnServer,
    afterLogout,
  }),
);
