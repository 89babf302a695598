import type { Database } from './database.js';
import { createAuditRepository, type AuditRepository } from './queries/audit.js';
import { createRateLimitCounters, type RateLimitCounters } from './queries/rate-limit-counters.js';
import { createEmailTokensRepository, type EmailTokensRepository } from './queries/email-tokens.js';
import { createSessionsRepository, type SessionsRepository } from './queries/sessions.js';
import { createTasksRepository, type TasksRepository } from './queries/tasks.js';
import { createUsersRepository, type UsersRepository } from './queries/users.js';

/** Every query the API needs, grouped by aggregate. Absence is `null` (or `false`/`[]`); failure throws. */
export interface Repositories {
  users: UsersRepository;
  sessions: SessionsRepository;
  audit: AuditRepository;
  tasks: TasksRepository;
  /** Login counters in rate-limiter-flexible's rows, two moved in one statement. */
  rateLimits: RateLimitCounters;
  emailTokens: EmailTokensRepository;
}

/**
 * Binds the repositories to one database, preparing the hot-path statements once. Callers pass `now` into
 * every time-dependent method, so tests control the clock.
 *
 * @example
 * const { users, sessions } = createRepositories(database);
 * const user = await users.findByUsername('Ada');
 */
export function createRepositories(database: Pick<Database, 'orm'>): Repositories {
  return {
    users: createUsersRepository(database.orm),
    sessions: createSessionsRepository(database.orm),
    audit: createAuditRepository(database.orm),
    tasks: createTasksRepository(database.orm),
    rateLimits: createRateLimitCounters(database.orm),
    emailTokens: createEmailTokensRepository(database.orm),
  };
}
