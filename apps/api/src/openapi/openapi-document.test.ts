// The committed document (apps/api/openapi.json, what clients in other languages generate code from) against
// the live routers: a procedure added, removed or with a changed input, and the file not regenerated, fails here.
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { appRouter } from '../router.js';
import { tasksRouter } from '../routers/tasks.js';
import { publicProcedure, router } from '../trpc.js';
import { buildOpenApiDocument, routerProcedures, serializeOpenApiDocument } from './openapi-document.js';
import { procedureDocs } from './procedure-docs.js';

const committedPath = new URL('../../openapi.json', import.meta.url);

describe('the OpenAPI document', () => {
  it('is committed exactly as the routers generate it (else: pnpm --filter @latchkey/api openapi)', () => {
    expect(readFileSync(committedPath, 'utf8')).toBe(serializeOpenApiDocument());
  });

  it('has one operation per procedure but the development-only ones: queries as GET, mutations as POST, at /trpc/<path>', () => {
    const document = buildOpenApiDocument();
    const operations = Object.entries(document.paths ?? {}).flatMap(([path, item]) =>
      Object.keys(item).map((method) => `${method} ${path}`),
    );
    const procedures = Object.entries(routerProcedures(appRouter))
      .filter(([path]) => !path.startsWith('dev.'))
      .map(([path, procedure]) => `${procedure._def.type === 'query' ? 'get' : 'post'} /trpc/${path}`);
    expect(operations.sort()).toEqual(procedures.sort());
  });

  it('leaves out dev.mailbox, which production answers NOT_FOUND', () => {
    expect(Object.keys(routerProcedures(appRouter))).toContain('dev.mailbox');
    expect(buildOpenApiDocument().paths).not.toHaveProperty('/trpc/dev.mailbox');
  });

  it('takes each input schema from the router, as a caller may send it', () => {
    const { components } = buildOpenApiDocument();
    expect(components?.schemas?.AuthLoginInput).toMatchObject({
      type: 'object',
      required: ['username', 'password'],
      additionalProperties: false,
      properties: { refreshTransport: { enum: ['cookie', 'body'], default: 'cookie' } },
    });
  });

  it('refuses a router with a procedure the table does not describe', () => {
    const grown = router({
      ...appRouter._def.record,
      extra: router({ ping: publicProcedure.query(() => 'pong') }),
    });
    expect(() => buildOpenApiDocument(grown)).toThrow(/undocumented extra\.ping; no such procedure none/);
  });

  it('refuses a table row for a procedure the router no longer has', () => {
    const shrunk = router({ tasks: router({ list: tasksRouter.list }) });
    expect(() =>
      buildOpenApiDocument(shrunk, {
        'tasks.list': procedureDocs['tasks.list'],
        'tasks.gone': procedureDocs['tasks.list'],
      }),
    ).toThrow(/undocumented none; no such procedure tasks\.gone/);
  });

  it('follows a changed input', () => {
    const changed = router({
      tasks: router({
        list: publicProcedure.input(z.strictObject({ limit: z.int().max(50) })).query(() => []),
      }),
    });
    const document = buildOpenApiDocument(changed, { 'tasks.list': procedureDocs['tasks.list'] });
    expect(document.paths?.['/trpc/tasks.list']?.get?.parameters).toEqual([
      expect.objectContaining({ name: 'input', in: 'query', required: true }),
    ]);
    expect(document.components?.schemas?.TasksListInput).toMatchObject({
      properties: { limit: { type: 'integer', maximum: 50 } },
    });
  });
});
