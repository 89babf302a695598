export type { AppRouter } from './router.js';
export { startApiServer, type RunningApiServer, type StartApiServerOptions } from './start-server.js';
export { loadConfig, type ApiConfig } from './config.js';
export type { SessionResponse } from './routers/session-response.js';
export type { PublicUser } from './services/session.js';
export type { ApiErrorData } from './trpc.js';
export type { AuthFailureReason } from './errors.js';
