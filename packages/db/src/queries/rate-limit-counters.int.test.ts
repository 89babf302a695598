import { eq } from 'drizzle-orm';
import { RateLimiterDrizzle } from 'rate-limiter-flexible';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createRepositories, type Repositories } from '../repositories.js';
import { rateLimits } from '../schema/rate-limits.js';
import { createTestDatabase, type TestDatabase } from '../testing/index.js';

let db: TestDatabase;
let repos: Repositories;
let address: RateLimiterDrizzle;
let account: RateLimiterDrizzle;

const limiter = (keyPrefix: string, points: number): RateLimiterDrizzle =>
  new RateLimiterDrizzle({
    storeClient: db.database.orm,
    schema: rateLimits,
    keyPrefix,
    points,
    duration: 900,
    clearExpiredByTimeout: false,
  });

beforeEach(async () => {
  db = await createTestDatabase();
  repos = createRepositories(db.database);
  address = limiter('login_address', 3);
  account = limiter('login_account', 10);
});
afterEach(() => db.dispose());

async function windowOf(key: string): Promise<Date | null> {
  const [row] = await db.database.orm.select().from(rateLimits).where(eq(rateLimits.key, key));
  return row?.expire ?? null;
}

const move = (now = new Date()) => ({
  first: { key: 'login_address:192.0.2.0', durationMs: 900_000 },
  firstLimit: 3,
  second: { key: 'login_account:ada', durationMs: 900_000 },
  now,
});

describe('rateLimits.consumeChained, in rate-limiter-flexible rows', () => {
  it('moves both counters in rows the library reads as its own, and continues what the library counted', async () => {
    await account.consume('ada');
    const opened = await windowOf('login_account:ada');
    const moved = await repos.rateLimits.consumeChained(move());
    expect(moved.first.points).toBe(1);
    expect(moved.second?.points).toBe(2);
    expect((await address.get('192.0.2.0'))?.consumedPoints).toBe(1);
    expect((await account.get('ada'))?.consumedPoints).toBe(2);
    // The window the library opened is kept, not restarted.
    expect(moved.second?.expire).toEqual(opened);
    expect(await windowOf('login_account:ada')).toEqual(opened);
    // And the library continues from what this wrote.
    expect((await account.consume('ada')).consumedPoints).toBe(3);
  });

  it('does not move the second counter once the first is past its limit', async () => {
    for (let attempt = 1; attempt <= 3; attempt += 1) {
      expect((await repos.rateLimits.consumeChained(move())).second?.points).toBe(attempt);
    }
    const refused = await repos.rateLimits.consumeChained(move());
    expect(refused.first.points).toBe(4);
    expect(refused.second).toBeNull();
    expect((await account.get('ada'))?.consumedPoints).toBe(3);
  });

  it('starts a counter again, with a new window, once its window has passed', async () => {
    const start = new Date();
    await repos.rateLimits.consumeChained(move(start));
    await repos.rateLimits.consumeChained(move(start));
    const later = new Date(start.getTime() + 901_000);
    const moved = await repos.rateLimits.consumeChained(move(later));
    expect(moved.first).toEqual({ points: 1, expire: new Date(later.getTime() + 900_000) });
    expect(moved.second).toEqual({ points: 1, expire: new Date(later.getTime() + 900_000) });
  });
});
