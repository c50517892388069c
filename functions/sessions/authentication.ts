import { unauthorized } from '../kernel/errors.js';
import type { ClusterView } from './cluster-view.js';
import { expiryAfterUse, type SessionLifetime } from './domain/session-lifetime.js';
import { hashToken } from './domain/tokens.js';
import type { DuringFailover, FailoverBinding } from './failover-binding.js';
import type { SessionStore } from './ports.js';
import { credentialOf, readySession, type AuthenticatedSession, type SessionClientDeps } from './session-client.js';
import type { SessionSettings } from './settings.js';

/** Session stays alive on use; the expiry moves at most once a minute (one write, not one per request). */
const TOUCH_EVERY_MS = 60_000;

export interface AuthenticationDeps extends SessionClientDeps {
  settings: Pick<SessionSettings, 'sessionTtlSeconds' | 'sessionMaxLifetimeSeconds'>;
  sessions: SessionStore;
  view: ClusterView;
  binding: FailoverBinding;
  now: () => number;
}

/** The idle expiry after use at `usedAt`, never past the absolute lifetime (the session's own, else the default) from `createdAt`. */
export function sessionExpiry(settings: AuthenticationDeps['settings'], createdAt: number, usedAt: number, lifetime: SessionLifetime | undefined): number {
  return expiryAfterUse(createdAt, usedAt, settings.sessionTtlSeconds, lifetime, settings.sessionMaxLifetimeSeconds);
}

/**
 * From a session token to a session ready to call BAM: found, not expired (idle timeout and
 * absolute lifetime), its binding checked against the cluster; use slides its idle expiry.
 * Logging out ends it.
 */
export class Authentication {
  constructor(private readonly d: AuthenticationDeps) {}

  /** `slide: false`: a heartbeat, not a user's activity: the idle timeout runs on. */
  async authenticate(token: string | undefined, opts: { duringFailover: DuringFailover; slide?: boolean } = { duringFailover: 'refuse' }): Promise<AuthenticatedSession> {
    if (!token) throw unauthorized();
    const tokenHash = hashToken(token);
    let session = await this.d.sessions.get(tokenHash);
    if (!session) throw unauthorized('Session not found or ended. Log in again.');
    const now = this.d.now();
    // The absolute lifetime is checked too: items stored before it existed may expire later.
    if (session.expiresAt <= now || now >= sessionExpiry(this.d.settings, session.createdAt, Number.POSITIVE_INFINITY, session.maxLifetimeSeconds)) {
      await this.d.sessions.delete(tokenHash);
      throw unauthorized('Session expired. Log in again.');
    }
    const bound = await this.d.binding.check(session, await this.d.view.forRequest(session.epoch), opts.duringFailover);
    session = bound.session;
    if (opts.slide !== false && now - session.lastSeenAt >= TOUCH_EVERY_MS) {
      const expiresAt = sessionExpiry(this.d.settings, session.createdAt, now, session.maxLifetimeSeconds);
      await this.d.sessions.touch(tokenHash, now, expiresAt);
      session = { ...session, lastSeenAt: now, expiresAt };
    }
    return readySession(session, bound.monitor, this.d);
  }

  /** Ends the session; its BAM session too, best effort (never the shared service session). */
  async logout(token: string | undefined): Promise<void> {
    const auth = await this.authenticate(token, { duringFailover: 'allow' });
    await this.d.sessions.delete(auth.session.tokenHash);
    if (!auth.session.sharedCredential) await this.d.bam.logout(auth.server, credentialOf(auth.session, this.d.cipher)).catch(() => undefined);
  }
}
