export {
  createLatchkeyClient,
  DEFAULT_MAX_BATCH_SIZE,
  DEFAULT_REFRESH_LEEWAY_SECONDS,
} from './create-latchkey-client.js';
export type {
  LatchkeyApi,
  LatchkeyClient,
  LatchkeyClientOptions,
  RefreshTransport,
} from './create-latchkey-client.js';
export type { AnonymousReason, AuthState, AuthStateListener } from './auth-state.js';
export { describeApiError, isUnauthorized } from './auth-error.js';
export type { ApiErrorInfo, ApiErrorReason } from './auth-error.js';
export { authLink, bearerHeaders } from './auth-link.js';
export type { AccessTokenProvider } from './auth-link.js';
export { createRefreshCoordinator, DEFAULT_REFRESH_LOCK_NAME } from './refresh-coordinator.js';
export type {
  LockManagerLike,
  RefreshCoordinator,
  RefreshCoordinatorOptions,
} from './refresh-coordinator.js';
export { createTabSync, DEFAULT_TAB_CHANNEL_NAME } from './tab-sync.js';
export type { EndedReason, TabMessage, TabSync } from './tab-sync.js';
export {
  createMemoryTokenStore,
  createTokenStore,
  createWebStorageTokenStore,
  SESSION_STORAGE_KEY,
  STORAGE_MODES,
} from './token-store.js';
export type { KeyValueStorage, StorageMode, TokenStore } from './token-store.js';
export type { Credentials, EmailStatus, Session, SignupInput, StoredSession, User } from './session.js';
export { emailLinkToken } from './email-link.js';
