import type { SessionSummary } from './domain/session-record.js';
import type { SessionStore } from './ports.js';

/** A user's live sessions, for admins: no token, no hash, no credential. */
export async function liveSessionsOf(sessions: SessionStore, username: string, now: number): Promise<Omit<SessionSummary, 'tokenHash'>[]> {
  return (await sessions.listByUser(username)).filter((s) => s.expiresAt > now).map(({ tokenHash: _hash, ...rest }) => rest);
}

/** Ends a user's sessions (all, or the one with `sessionId`); answers the ids ended. Their BAM sessions time out in BAM. */
export async function revokeSessions(sessions: SessionStore, username: string, sessionId?: string): Promise<string[]> {
  const ended: string[] = [];
  for (const s of await sessions.listByUser(username)) {
    if (sessionId !== undefined && s.sessionId !== sessionId) continue;
    await sessions.delete(s.tokenHash);
    ended.push(s.sessionId);
  }
  return ended;
}
