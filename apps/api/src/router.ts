import { adminRouter } from './routers/admin.js';
import { authRouter } from './routers/auth.js';
import { devRouter } from './routers/dev.js';
import { tasksRouter } from './routers/tasks.js';
import { router } from './trpc.js';

export const appRouter = router({
  auth: authRouter,
  tasks: tasksRouter,
  admin: adminRouter,
  dev: devRouter,
});

/** The API's type, for `@trpc/client` (apps/web and packages/client import it as a type only). */
export type AppRouter = typeof appRouter;
