import { index, integer, pgTable, text, timestamp } from 'drizzle-orm/pg-core';

/**
 * The table rate-limiter-flexible's `RateLimiterDrizzle` reads and writes (columns `key`, `points`,
 * `expire`, upserting on `key`), so login limits are shared by every API instance on one PostgreSQL.
 * Pass it as the limiter's `schema` option.
 */
export const rateLimits = pgTable(
  'rate_limits',
  {
    key: text('key').primaryKey(),
    points: integer('points').notNull(),
    expire: timestamp('expire', { withTimezone: true }),
  },
  // The limiter's hourly clean-up deletes by `expire < now - 1h`.
  (table) => [index('rate_limits_expire_idx').on(table.expire)],
);

export type RateLimit = typeof rateLimits.$inferSelect;
