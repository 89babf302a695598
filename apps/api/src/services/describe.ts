// Two reads that need no database: what this server enforces (public), and the caller's own access token as
// the server read it (protected). Clients plan by them (refresh before `expiresAt`, ask for the password
// again before a sensitive call once `freshUntil` has passed), and the benchmark compares the two to price
// the token check alone: the same kind of answer, with and without a verified token in front.
import {
  PASSWORD_MAX_BYTES,
  PASSWORD_MAX_LENGTH,
  PASSWORD_MIN_LENGTH_DEFAULT,
  type VerifiedAccessToken,
} from '@latchkey/auth';
import type { App } from '../app.js';

export interface AuthSettings {
  issuer: string;
  audience: string;
  /** The algorithm new access tokens are signed with (HS256, EdDSA or ES256). */
  algorithm: string;
  accessTokenTtlSeconds: number;
  /** A session ends after this long without a refresh... */
  sessionIdleSeconds: number;
  /** ...and this long after its login, however often it was refreshed. */
  sessionAbsoluteSeconds: number;
  /** How long after a password was typed a sensitive call (changePassword) is still allowed. */
  freshLoginSeconds: number;
  /** Email addresses, verification and password reset are available (ACCOUNT_RECOVERY). */
  accountRecovery: boolean;
  password: { minLength: number; maxLength: number; maxBytes: number };
}

export function authSettings(app: App): AuthSettings {
  const { config } = app;
  return {
    issuer: config.issuer,
    audience: config.audience,
    algorithm: app.accessTokens.algorithm,
    accessTokenTtlSeconds: config.accessTokenTtlSeconds,
    sessionIdleSeconds: config.refreshTokenTtlSeconds,
    sessionAbsoluteSeconds: config.refreshTokenAbsoluteTtlSeconds,
    freshLoginSeconds: config.freshLoginSeconds,
    accountRecovery: config.recovery !== null,
    password: {
      minLength: PASSWORD_MIN_LENGTH_DEFAULT,
      maxLength: PASSWORD_MAX_LENGTH,
      maxBytes: PASSWORD_MAX_BYTES,
    },
  };
}

export interface TokenDescription {
  userId: string;
  sessionId: string;
  role: string;
  /** ISO 8601, as every time on the wire. */
  issuedAt: string;
  expiresAt: string;
  /** When the password was last typed for this session (login, or changePassword). */
  authTime: string;
  /** Until when a sensitive call is allowed without typing the password again. */
  freshUntil: string;
}

export function describeToken(app: App, token: VerifiedAccessToken): TokenDescription {
  return {
    userId: token.userId,
    sessionId: token.sessionId,
    role: token.role,
    issuedAt: token.issuedAt.toISOString(),
    expiresAt: token.expiresAt.toISOString(),
    authTime: token.authTime.toISOString(),
    freshUntil: new Date(token.authTime.getTime() + app.config.freshLoginSeconds * 1000).toISOString(),
  };
}
