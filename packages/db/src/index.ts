export { createDb, type CreateDbOptions } from './client.js';
export type { Database, DatabaseKind, LatchkeyOrm, ListenOptions, QueryObserver } from './database.js';
export {
  databaseErrorSummary,
  isDatabaseError,
  type DatabaseErrorSummary,
} from './database-error-summary.js';
export { isDatabaseUnavailableError } from './database-unavailable.js';
export { migrationsFolder } from './migrate.js';
export { createRepositories, type Repositories } from './repositories.js';
export type { AuditRecordInput, AuditRepository } from './queries/audit.js';
export type { CounterMove, CounterState, RateLimitCounters } from './queries/rate-limit-counters.js';
export type {
  EmailTokensRepository,
  IssueEmailTokenInput,
  IssuePasswordResetInput,
  ResetRecipient,
  ResetTarget,
} from './queries/email-tokens.js';
export { REFRESH_REUSE_REASON, type RefreshRotation } from './queries/refresh-rotation.js';
export type {
  NewSessionInput,
  NewVerifiedSessionInput,
  RevocationBatch,
  RevocationCursor,
  RevokedSession,
  RotateRefreshTokenInput,
  SessionOwner,
  SessionsRepository,
  SessionWithUser,
} from './queries/sessions.js';
export type { TaskChanges, TasksRepository } from './queries/tasks.js';
export type {
  ChangedPassword,
  ChangePasswordInput,
  DeleteAccountInput,
  DeletedAccount,
  DisabledUser,
  EmailVerification,
  NewUserInput,
  UserChangeBatch,
  UserChangeCursor,
  UserProfile,
  ResetPasswordInput,
  UsersRepository,
} from './queries/users.js';
export * from './schema/index.js';
