/* global URL, console */
// `pnpm --filter @latchkey/client generate:router`: writes src/api-router.ts, the API's router type spelled
// out in @trpc/server's public types only. The client is typed by it instead of importing `AppRouter` from
// @latchkey/api, whose declarations reach the server's whole dependency tree (database, logger, key storage):
// a packed @latchkey/client then type-checks in a project that has only the client and @trpc/server.
// src/api-router.test.ts fails while the committed file differs from what this writes.
import { writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { generateApiRouterSource } from './api-router-source.mjs';

const target = fileURLToPath(new URL('../src/api-router.ts', import.meta.url));
writeFileSync(target, await generateApiRouterSource());
console.log(`wrote ${target}`);
