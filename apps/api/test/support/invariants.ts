// The invariants a crash, a race or an outage must never break, read straight from the tables (not through the
// repositories, whose queries could hide a broken row). Tables in these tests hold hundreds of rows at most,
// so the rows are read whole and the checks written in TypeScript, identically on PGlite and PostgreSQL.
import { refreshTokens, sessions, tasks, users, type Database } from '@latchkey/db';

export interface InvariantReport {
  users: number;
  sessions: number;
  liveSessions: number;
  refreshTokens: number;
  /** Human-readable descriptions of every broken invariant; empty when all hold. */
  violations: string[];
}

/**
 * Checks: every live session has exactly one current refresh token (revoked ones at most one); every refresh
 * token belongs to an existing session; a rotated token names its successor and that successor exists in the
 * same session; every session and task belongs to an existing user.
 */
export async function checkInvariants(database: Database): Promise<InvariantReport> {
  const { orm } = database;
  const [userRows, sessionRows, tokenRows, taskRows] = await Promise.all([
    orm.select({ id: users.id }).from(users),
    orm.select({ id: sessions.id, userId: sessions.userId, revokedAt: sessions.revokedAt }).from(sessions),
    orm
      .select({
        hash: refreshTokens.tokenHash,
        sessionId: refreshTokens.sessionId,
        rotatedAt: refreshTokens.rotatedAt,
        successorHash: refreshTokens.successorHash,
        successorSealed: refreshTokens.successorSealed,
      })
      .from(refreshTokens),
    orm.select({ id: tasks.id, ownerId: tasks.ownerId }).from(tasks),
  ]);
  const violations: string[] = [];
  const userIds = new Set(userRows.map((row) => row.id));
  const sessionById = new Map(sessionRows.map((row) => [row.id, row]));
  const tokenByHash = new Map(tokenRows.map((row) => [row.hash, row]));
  const currentPerSession = new Map<string, number>();
  for (const token of tokenRows) {
    if (!sessionById.has(token.sessionId))
      violations.push(`refresh token of missing session ${token.sessionId}`);
    if (token.rotatedAt === null) {
      currentPerSession.set(token.sessionId, (currentPerSession.get(token.sessionId) ?? 0) + 1);
      if (token.successorHash !== null)
        violations.push(`current token with a successor in ${token.sessionId}`);
      continue;
    }
    if (token.successorHash === null || token.successorSealed === null) {
      violations.push(`rotated token without successor in ${token.sessionId}`);
      continue;
    }
    const successor = tokenByHash.get(token.successorHash);
    if (successor?.sessionId !== token.sessionId)
      violations.push(`rotated token whose successor is missing or elsewhere, in ${token.sessionId}`);
  }
  let liveSessions = 0;
  for (const session of sessionRows) {
    if (!userIds.has(session.userId)) violations.push(`session ${session.id} of missing user`);
    const current = currentPerSession.get(session.id) ?? 0;
    if (session.revokedAt === null) {
      liveSessions += 1;
      if (current !== 1) violations.push(`live session ${session.id} has ${current} current refresh tokens`);
    } else if (current > 1) {
      violations.push(`revoked session ${session.id} has ${current} current refresh tokens`);
    }
  }
  for (const task of taskRows) {
    if (!userIds.has(task.ownerId)) violations.push(`task ${task.id} of missing user`);
  }
  return {
    users: userRows.length,
    sessions: sessionRows.length,
    liveSessions,
    refreshTokens: tokenRows.length,
    violations,
  };
}
