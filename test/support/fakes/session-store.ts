import type { SessionBinding, SessionRecord, SessionStore, SessionSummary } from '../../../functions/sessions/ports.js';

/**
 * SessionStore in memory, with DynamoSessionStore's conditions: create never overwrites, touch
 * leaves a deleted session deleted, rebind moves only a session still bound in `fromEpoch`; a
 * user's sessions by name whatever its case, oldest first. Copies in and out, as a table would.
 */
export class InMemorySessionStore implements SessionStore {
  readonly items = new Map<string, SessionRecord>();

  async create(session: SessionRecord): Promise<void> {
    if (this.items.has(session.tokenHash)) throw new Error(`session ${session.tokenHash} exists`);
    this.items.set(session.tokenHash, { ...session });
  }

  async get(tokenHash: string): Promise<SessionRecord | undefined> {
    const s = this.items.get(tokenHash);
    return s ? { ...s } : undefined;
  }

  async delete(tokenHash: string): Promise<void> {
    this.items.delete(tokenHash);
  }

  async touch(tokenHash: string, lastSeenAt: number, expiresAt: number): Promise<void> {
    const s = this.items.get(tokenHash);
    if (s) Object.assign(s, { lastSeenAt, expiresAt });
  }

  async rebind(tokenHash: string, fromEpoch: number, to: SessionBinding): Promise<boolean> {
    const s = this.items.get(tokenHash);
    if (!s || s.epoch !== fromEpoch) return false;
    Object.assign(s, to);
    return true;
  }

  async listByUser(username: string): Promise<SessionSummary[]> {
    return [...this.items.values()]
      .filter((s) => s.username.toLowerCase() === username.toLowerCase())
      .sort((a, b) => a.createdAt - b.createdAt)
      .map(({ tokenHash, sessionId, username, target, boundServer, restorable, createdAt, lastSeenAt, expiresAt }) => ({
        tokenHash,
        sessionId,
        username,
        target,
        boundServer,
        restorable,
        createdAt,
        lastSeenAt,
        expiresAt,
      }));
  }
}
