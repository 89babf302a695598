export * from './users.js';
export * from './sessions.js';
export * from './refresh-tokens.js';
export * from './audit-events.js';
export * from './tasks.js';
export * from './rate-limits.js';
export * from './email-tokens.js';
