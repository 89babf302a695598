import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createRepositories, type Repositories } from '../repositories.js';
import type { User } from '../schema/users.js';
import { createTestDatabase, type TestDatabase } from '../testing/index.js';
import { at, databaseErrorOf, T0 } from '../testing/fixtures.js';

let db: TestDatabase;
let repos: Repositories;
let ada: User;
let bob: User;

beforeEach(async () => {
  db = await createTestDatabase();
  repos = createRepositories(db.database);
  ada = (await repos.users.insert({ username: 'ada', passwordHash: 'h' }))!;
  bob = (await repos.users.insert({ username: 'bob', passwordHash: 'h' }))!;
});
afterEach(() => db.dispose());

describe('tasks', () => {
  it('creates tasks and lists only the owner’s, oldest first', async () => {
    const second = await repos.tasks.create(ada.id, { title: 'second' }, at(10));
    const first = await repos.tasks.create(ada.id, { title: 'first' }, T0);
    await repos.tasks.create(bob.id, { title: 'bob’s' }, T0);

    expect(first).toMatchObject({
      ownerId: ada.id,
      title: 'first',
      done: false,
      createdAt: T0,
      updatedAt: T0,
    });
    expect(await repos.tasks.list(ada.id)).toEqual([first, second]);
    expect(await repos.tasks.list('malformed')).toEqual([]);
  });

  it('updates the given fields only, and stamps updatedAt', async () => {
    const task = await repos.tasks.create(ada.id, { title: 'write tests' }, T0);
    const done = await repos.tasks.update(ada.id, task.id, { done: true }, at(5));
    expect(done).toMatchObject({ title: 'write tests', done: true, createdAt: T0, updatedAt: at(5) });
    const renamed = await repos.tasks.update(ada.id, task.id, { title: 'write more tests' }, at(6));
    expect(renamed).toMatchObject({ title: 'write more tests', done: true, updatedAt: at(6) });
  });

  it('treats another user’s task as absent: update is null, delete is false, the row is untouched', async () => {
    const task = await repos.tasks.create(ada.id, { title: 'mine' }, T0);
    expect(await repos.tasks.update(bob.id, task.id, { title: 'pwned', done: true }, at(1))).toBeNull();
    expect(await repos.tasks.delete(bob.id, task.id)).toBe(false);
    expect(await repos.tasks.list(ada.id)).toEqual([task]);
  });

  it('deletes the owner’s task once', async () => {
    const task = await repos.tasks.create(ada.id, { title: 'gone soon' }, T0);
    expect(await repos.tasks.delete(ada.id, task.id)).toBe(true);
    expect(await repos.tasks.delete(ada.id, task.id)).toBe(false);
    expect(await repos.tasks.list(ada.id)).toEqual([]);
  });

  it('answers unknown and malformed ids as absent', async () => {
    expect(
      await repos.tasks.update(ada.id, '00000000-0000-4000-8000-000000000000', { done: true }, T0),
    ).toBeNull();
    expect(await repos.tasks.update(ada.id, 'not-a-uuid', { done: true }, T0)).toBeNull();
    expect(await repos.tasks.delete(ada.id, 'not-a-uuid')).toBe(false);
  });

  it('refuses an empty title at the database (check constraint)', async () => {
    expect(await databaseErrorOf(repos.tasks.create(ada.id, { title: '' }, T0))).toMatch(
      /tasks_title_length/,
    );
    expect(await repos.tasks.list(ada.id)).toEqual([]);
  });
});
