import { and, asc, eq, sql } from 'drizzle-orm';
import type { LatchkeyOrm } from '../database.js';
import { tasks, type Task } from '../schema/tasks.js';
import { isUuid } from '../uuid.js';

export interface TaskChanges {
  title?: string;
  done?: boolean;
}

/**
 * The demo resource. Every method takes the owner, and every statement filters by it: a task of another
 * user is indistinguishable from one that does not exist.
 */
export interface TasksRepository {
  /** The owner's tasks, oldest first. */
  list(ownerId: string): Promise<Task[]>;
  create(ownerId: string, input: { title: string }, now: Date): Promise<Task>;
  /** Null when the task does not exist or belongs to someone else. */
  update(ownerId: string, id: string, changes: TaskChanges, now: Date): Promise<Task | null>;
  /** False when the task does not exist or belongs to someone else. */
  delete(ownerId: string, id: string): Promise<boolean>;
}

/** Builds the tasks repository. */
export function createTasksRepository(orm: LatchkeyOrm): TasksRepository {
  const listForOwner = orm
    .select()
    .from(tasks)
    .where(eq(tasks.ownerId, sql.placeholder('ownerId')))
    .orderBy(asc(tasks.createdAt), asc(tasks.id))
    .prepare('tasks_list');

  return {
    async list(ownerId) {
      if (!isUuid(ownerId)) return [];
      return listForOwner.execute({ ownerId });
    },

    async create(ownerId, { title }, now) {
      const [task] = await orm
        .insert(tasks)
        .values({ ownerId, title, createdAt: now, updatedAt: now })
        .returning();
      if (task === undefined) throw new Error('INSERT ... RETURNING returned no task row');
      return task;
    },

    async update(ownerId, id, changes, now) {
      if (!isUuid(ownerId) || !isUuid(id)) return null;
      const [task] = await orm
        .update(tasks)
        .set({
          ...(changes.title === undefined ? {} : { title: changes.title }),
          ...(changes.done === undefined ? {} : { done: changes.done }),
          updatedAt: now,
        })
        .where(and(eq(tasks.id, id), eq(tasks.ownerId, ownerId)))
        .returning();
      return task ?? null;
    },

    async delete(ownerId, id) {
      if (!isUuid(ownerId) || !isUuid(id)) return false;
      const deleted = await orm
        .delete(tasks)
        .where(and(eq(tasks.id, id), eq(tasks.ownerId, ownerId)))
        .returning({ id: tasks.id });
      return deleted.length === 1;
    },
  };
}
