import type { Task } from '@latchkey/db';
import { z } from 'zod';
import { ApiError } from '../errors.js';
import { protectedProcedure, router } from '../trpc.js';
import { uuidSchema } from './inputs.js';
import { textSchema } from './text-schema.js';

// The database allows 1-1000 characters; trimmed, so "   " is not a title.
const titleSchema = textSchema({ kind: 'text', trim: true, minLength: 1, maxLength: 1000 });

function toWire(task: Task): {
  id: string;
  title: string;
  done: boolean;
  createdAt: string;
  updatedAt: string;
} {
  return {
    id: task.id,
    title: task.title,
    done: task.done,
    createdAt: task.createdAt.toISOString(),
    updatedAt: task.updatedAt.toISOString(),
  };
}

/** The demo resource: every call is scoped to the caller; another user's task is NOT_FOUND, never FORBIDDEN. */
export const tasksRouter = router({
  list: protectedProcedure.query(async ({ ctx }) => {
    const tasks = await ctx.app.repositories.tasks.list(ctx.token.userId);
    return tasks.map(toWire);
  }),

  create: protectedProcedure
    .input(z.strictObject({ title: titleSchema }))
    .mutation(async ({ ctx, input }) => {
      const task = await ctx.app.repositories.tasks.create(
        ctx.token.userId,
        { title: input.title },
        ctx.app.config.now(),
      );
      return toWire(task);
    }),

  update: protectedProcedure
    .input(
      z
        .strictObject({ id: uuidSchema, title: titleSchema.optional(), done: z.boolean().optional() })
        .refine((input) => input.title !== undefined || input.done !== undefined, 'Change the title or done'),
    )
    .mutation(async ({ ctx, input }) => {
      const task = await ctx.app.repositories.tasks.update(
        ctx.token.userId,
        input.id,
        {
          ...(input.title === undefined ? {} : { title: input.title }),
          ...(input.done === undefined ? {} : { done: input.done }),
        },
        ctx.app.config.now(),
      );
      if (task === null) throw new ApiError('NOT_FOUND', { message: 'No such task' });
      return toWire(task);
    }),

  delete: protectedProcedure.input(z.strictObject({ id: uuidSchema })).mutation(async ({ ctx, input }) => {
    const deleted = await ctx.app.repositories.tasks.delete(ctx.token.userId, input.id);
    if (!deleted) throw new ApiError('NOT_FOUND', { message: 'No such task' });
    return { ok: true as const };
  }),
});
