// Every string field of every procedure's input refuses what PostgreSQL cannot store, so a field added later
// without textSchema fails here before it can answer 500. The fields are found by walking the zod schemas the
// router declares (tRPC keeps them in each procedure's `_def.inputs`).
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { z } from 'zod';
import { appRouter } from '../router.js';

interface StringField {
  procedure: string;
  field: string;
  schema: z.ZodType;
}

/** The zod definition fields this walk reads (zod 4's `_zod.def`). */
interface WalkedDef {
  type: string;
  shape?: Record<string, z.ZodType>;
  innerType?: z.ZodType;
  in?: z.ZodType;
  out?: z.ZodType;
}

function defOf(schema: z.ZodType): WalkedDef {
  return (schema as unknown as { _zod: { def: WalkedDef } })._zod.def;
}

function stringFields(procedure: string, field: string, schema: z.ZodType): StringField[] {
  const def = defOf(schema);
  if (def.type === 'string') return [{ procedure, field, schema }];
  if (def.type === 'object')
    return Object.entries(def.shape ?? {}).flatMap(([key, inner]) => stringFields(procedure, key, inner));
  const inner = [def.innerType, def.in, def.out].filter((next) => next !== undefined);
  return inner.flatMap((next) => stringFields(procedure, field, next));
}

const procedures = (
  appRouter as unknown as { _def: { procedures: Record<string, { _def: { inputs: z.ZodType[] } }> } }
)._def.procedures;
const fields = Object.entries(procedures).flatMap(([name, procedure]) =>
  procedure._def.inputs.flatMap((input) => stringFields(name, '', input)),
);

describe('every string field of every procedure', () => {
  it('is found by the walk (so the checks below cover something)', () => {
    expect(fields.map(({ procedure, field }) => `${procedure}.${field}`).sort()).toEqual(
      [
        'admin.disableUser.userId',
        'admin.enableUser.userId',
        'admin.revokeSession.sessionId',
        'admin.revokeSession.userId',
        'admin.userSessions.userId',
        'auth.deleteAccount.password',
        'admin.setRole.userId',
        'auth.changePassword.currentPassword',
        'auth.changePassword.newPassword',
        'auth.changeEmail.email',
        'auth.requestPasswordReset.identifier',
        'auth.resetPassword.newPassword',
        'auth.resetPassword.token',
        'auth.signup.email',
        'auth.verifyEmail.token',
        'auth.login.deviceToken',
        'auth.login.password',
        'auth.login.username',
        'auth.logout.refreshToken',
        'auth.refresh.refreshToken',
        'auth.revokeSession.sessionId',
        'auth.signup.password',
        'auth.signup.username',
        'tasks.delete.id',
        'tasks.update.id',
        'tasks.update.title',
        'tasks.create.title',
      ].sort(),
    );
  });

  it.each(fields.map((entry) => [`${entry.procedure}.${entry.field}`, entry] as const))(
    '%s refuses a NUL or a lone surrogate anywhere in a value it would otherwise accept',
    (_name, { schema }) => {
      // Values each kind of field accepts: a UUID, a username, a password, a title, an email address.
      const accepted = [
        '0f8fad5b-d9cb-469f-a165-70867728950e',
        'valid_name',
        'a valid title',
        'ada@example.com',
      ].filter((value) => schema.safeParse(value).success);
      expect(accepted.length).toBeGreaterThan(0);
      fc.assert(
        fc.property(
          fc.constantFrom(...accepted),
          fc.constantFrom('\u0000', '\ud800', '\udbff', '\udc00', '\udfff'),
          fc.nat(),
          (value, hostile, at) => {
            const index = at % (value.length + 1);
            const spoiled = value.slice(0, index) + hostile + value.slice(index);
            expect(schema.safeParse(spoiled).success).toBe(false);
          },
        ),
      );
    },
  );
});
