import { BamHttpError, BamUnreachableError } from '../bam/http.js';
import { FailoverInProgressError, unauthorized } from '../kernel/errors.js';
import { logger } from '../kernel/logger.js';
import { handoverSymptom, signOfChange } from './bam-failure.js';
import type { ClusterView } from './cluster-view.js';
import { PRIMARY_ALIAS, type SessionRecord } from './domain/session-record.js';
import type { FailoverBinding } from './failover-binding.js';
import type { SessionStore } from './ports.js';
import type { ServiceSessions } from './service-sessions.js';
import { readySession, type AuthenticatedSession, type SessionClientDeps } from './session-client.js';
import type { SessionSettings } from './settings.js';
import type { SwitchoverHold } from './switchover-hold.js';

/** An alias call refused by the Primary is retried at most this long before it gets the failover 503. */
const MAX_RETRY_WINDOW_MS = 3000;

export interface CallRecoveryDeps extends SessionClientDeps {
  settings: Pick<SessionSettings, 'probe'>;
  sessions: SessionStore;
  view: ClusterView;
  hold: SwitchoverHold;
  binding: FailoverBinding;
  service: ServiceSessions;
  retryAfterSeconds: () => number;
  now: () => number;
}

/**
 * A session's BAM call, riding out what a client should not see: a credential BAM forgot (a
 * restart), a planned switchover's pause, and a Primary that refuses connections while the
 * monitor has not decided yet.
 */
export class CallRecovery {
  constructor(private readonly d: CallRecoveryDeps) {}

  /**
   * Runs `call` (one workflow route) for the session:
   * - BAM rejects a restorable session's credential (the Primary restarted and forgot its
   *   sessions): re-established with the service credentials, then `call` runs again. At most two
   *   recoveries: own credential → the epoch's service session → a renewed one. A 401 means BAM
   *   applied nothing.
   * - `retryUnreachable` (a GET route) and the alias Primary refuses connections while the monitor
   *   still calls it Primary: probes and runs `call` again until the monitor decides, at most one
   *   detection window; then the caller's BAM-failure mapping answers the failover 503.
   */
  async run<T>(auth: AuthenticatedSession, call: (auth: AuthenticatedSession) => Promise<T>, opts: { retryUnreachable?: boolean } = {}): Promise<T> {
    let current = auth;
    let recovered = 0;
    let held = false;
    const deadline = this.d.now() + this.detectionWindowMs;
    for (;;) {
      try {
        return await (current.session.target === PRIMARY_ALIAS ? this.d.view.watch(call(current), current.server, current.monitor?.epoch ?? current.session.epoch) : call(current));
      } catch (err) {
        if (signOfChange(err)) this.d.view.invalidate();
        // A planned switchover paused BAM (a 503 or a refused connection), or the old Primary forgot its
        // sessions when the roles swapped (a 401): this call applied nothing. A GET route is held and
        // run again on the new Primary, once; any other gets the failover 503 (its earlier BAM calls
        // may have applied, so only the client may decide to send it again).
        const rejected = err instanceof BamHttpError && err.status === 401;
        if (!held && (handoverSymptom(err) || rejected) && (await this.d.hold.since(current.session.epoch, current.session))) {
          if (!opts.retryUnreachable) throw new FailoverInProgressError(this.d.retryAfterSeconds());
          held = true;
          current = await this.reauthenticate(current.session);
          continue;
        }
        if (rejected && recovered < 2) {
          const next = await this.recoverRejectedCredential(current);
          if (!next) throw err;
          current = next;
          recovered++;
          continue;
        }
        const refused = err instanceof BamUnreachableError && err.reason !== 'timeout'; // the request never reached BAM
        if (!(refused && opts.retryUnreachable && current.session.target === PRIMARY_ALIAS && (await this.stillPrimary(current.session, deadline)))) throw err;
      }
    }
  }

  /**
   * After BAM answered 401 to a restorable alias session: binds it to the epoch's service session,
   * or, when that very credential was the one rejected, to a renewed one. Renewal is one BAM login
   * per server restart, whatever the number of sessions (a conditional replace of the stored
   * credential), and only after BAM itself rejects the stored credential on a check. Answers
   * undefined when the session is not restorable, no Primary is known, or BAM still accepts it.
   */
  async recoverRejectedCredential(auth: AuthenticatedSession): Promise<AuthenticatedSession | undefined> {
    const { session } = auth;
    if (!session.restorable || session.target !== PRIMARY_ALIAS) return undefined;
    const monitor = await this.d.view.read();
    if (monitor?.monitoringState !== 'MONITORING' || !monitor.primary) return undefined;
    // The stored one, not this process's copy: another process may have renewed it since.
    let service = await this.d.service.forEpoch(monitor, { stored: true });
    if (session.sharedCredential && session.epoch === monitor.epoch && session.credential === service.credential) {
      // undefined: BAM still accepts the stored credential, so the 401 came from elsewhere (the runner): nothing to recover.
      const renewed = await this.d.service.renew(monitor, { ...service, credential: service.credential });
      if (!renewed) {
        logger.warn('a BAM 401 reported for the service credential was not confirmed by BAM: credential kept', { username: session.username, server: service.server });
        return undefined;
      }
      service = renewed;
    }
    const to = { boundServer: service.server, credential: service.credential!, sharedCredential: true, epoch: monitor.epoch, serverIncarnation: monitor.servers[service.server]?.incarnation ?? 0 };
    if (await this.d.sessions.rebind(session.tokenHash, session.epoch, to)) return readySession({ ...session, ...to }, monitor, this.d);
    const current = await this.d.sessions.get(session.tokenHash);
    return current ? readySession(current, monitor, this.d) : undefined;
  }

  /** N probe intervals (by then the monitor has declared a silent Primary lost), but never long for a waiting client. */
  private get detectionWindowMs(): number {
    const p = this.d.settings.probe;
    return Math.min(p.intervalMs * p.failuresBeforeFailover, MAX_RETRY_WINDOW_MS);
  }

  /** The session checked again against the state after a switchover (held meanwhile), ready to call its server. */
  private async reauthenticate(session: SessionRecord): Promise<AuthenticatedSession> {
    const current = await this.d.sessions.get(session.tokenHash);
    if (!current) throw unauthorized('Session not found or ended. Log in again.');
    const bound = await this.d.binding.check(current, await this.d.view.read(), 'refuse');
    return readySession(bound.session, bound.monitor, this.d);
  }

  /** After a refused call: probes, waits a moment, and answers whether the monitor still holds the session's server as Primary. */
  private async stillPrimary(session: SessionRecord, deadline: number): Promise<boolean> {
    if (!this.d.view.canProbe || this.d.now() >= deadline) return false;
    await this.d.view.probe();
    await new Promise((r) => setTimeout(r, 100));
    const state = await this.d.view.read();
    return state?.monitoringState === 'MONITORING' && state.primary === session.boundServer && state.epoch === session.epoch && this.d.now() < deadline;
  }
}
