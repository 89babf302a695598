// src/api-router.ts is the API's router type spelled out for the published client. It must stay exactly the
// router: the file is regenerated and compared here, and the types below fail `pnpm typecheck` when a
// procedure, an input or an output differs from @latchkey/api's AppRouter in either direction.
import { readFileSync } from 'node:fs';
import type { AppRouter as ServerRouter } from '@latchkey/api';
import type { inferRouterError, inferRouterInputs, inferRouterOutputs } from '@trpc/server';
import { describe, expect, it } from 'vitest';
import { generateApiRouterSource } from '../scripts/api-router-source.mjs';
import type { AppRouter } from './api-router.js';

// Exact equality (an optional field present on one side only counts), not mere mutual assignability.
// eslint-disable-next-line @typescript-eslint/no-unnecessary-type-parameters -- the identity-comparison idiom
type Same<A, B> = (<T>() => T extends A ? 1 : 2) extends <T>() => T extends B ? 1 : 2 ? true : false;

const sameInputs: Same<inferRouterInputs<AppRouter>, inferRouterInputs<ServerRouter>> = true;
const sameOutputs: Same<inferRouterOutputs<AppRouter>, inferRouterOutputs<ServerRouter>> = true;
const sameErrors: Same<inferRouterError<AppRouter>, inferRouterError<ServerRouter>> = true;

describe('the client-side router type', () => {
  it('matches the server router at the type level', () => {
    expect([sameInputs, sameOutputs, sameErrors]).toEqual([true, true, true]);
  });

  it('is committed as the generator writes it (else: pnpm --filter @latchkey/client generate:router)', async () => {
    const generated = await generateApiRouterSource();
    expect(readFileSync(new URL('./api-router.ts', import.meta.url), 'utf8')).toBe(generated);
  }, 60_000);
});
