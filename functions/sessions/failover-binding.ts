import { FailoverInProgressError, unauthorized } from '../kernel/errors.js';
import type { MonitorState } from '../monitor/domain/monitor-machine.js';
import type { ClusterView } from './cluster-view.js';
import { aliasVerdict, boundBefore, needsSwitchingServer, pinnedVerdict, type BindingVerdict } from './domain/session-binding.js';
import { PRIMARY_ALIAS, type SessionBinding, type SessionRecord } from './domain/session-record.js';
import type { SessionStore } from './ports.js';
import type { ServiceSessions } from './service-sessions.js';
import type { SwitchoverHold } from './switchover-hold.js';

export interface FailoverBindingDeps {
  sessions: SessionStore;
  view: ClusterView;
  hold: SwitchoverHold;
  service: ServiceSessions;
  retryAfterSeconds: () => number;
}

/** `allow`: calls that do not need the Primary (status, logout) are not refused while a failover is in progress. */
export type DuringFailover = 'refuse' | 'allow';

/**
 * A session's binding checked against the cluster, and acted on: alias sessions bound in an older
 * epoch are restored lazily, on their next use, with the one service-user BAM session of the new
 * epoch, or end with a 401 saying why (the rules: domain/session-binding.ts).
 */
export class FailoverBinding {
  constructor(private readonly d: FailoverBindingDeps) {}

  /** The session (restored or moved if need be) and the state it was checked against. */
  async check(session: SessionRecord, monitor: MonitorState | undefined, duringFailover: DuringFailover): Promise<{ session: SessionRecord; monitor: MonitorState | undefined }> {
    if (monitor?.monitoringState === 'SWITCHOVER_IN_PROGRESS' && duringFailover === 'refuse' && needsSwitchingServer(monitor, session)) {
      monitor = await this.d.hold.throughSwitchover(monitor);
    }
    // A pinned session: from the monitor state this request read anyway, no extra read.
    if (session.target !== PRIMARY_ALIAS) return { session: await this.apply(session, pinnedVerdict(session, monitor)), monitor };
    if (!boundBefore(session, monitor)) return { session, monitor };
    if (monitor.monitoringState !== 'MONITORING' && duringFailover === 'refuse') monitor = await this.d.view.afterProbe(monitor);
    const verdict = aliasVerdict(session, monitor);
    if (verdict.kind === 'undecided' && duringFailover === 'allow') return { session, monitor };
    return { session: await this.apply(session, verdict, monitor), monitor };
  }

  private async apply(session: SessionRecord, verdict: BindingVerdict, monitor?: MonitorState): Promise<SessionRecord> {
    switch (verdict.kind) {
      case 'keep':
        return session;
      case 'ended':
        await this.d.sessions.delete(session.tokenHash);
        throw verdict.error;
      case 'undecided':
        throw new FailoverInProgressError(this.d.retryAfterSeconds());
      case 'move-epoch':
        return this.rebind(session, { ...pick(session), epoch: monitor!.epoch });
      case 'restore':
        return this.restore(session, monitor!);
    }
  }

  /** Rebinds a restorable session to the current Primary with the epoch's one service-user BAM session. */
  private async restore(session: SessionRecord, monitor: MonitorState): Promise<SessionRecord> {
    const service = await this.d.service.forEpoch(monitor);
    return this.rebind(session, {
      boundServer: service.server,
      credential: service.credential!,
      sharedCredential: true,
      epoch: monitor.epoch,
      serverIncarnation: monitor.servers[service.server]?.incarnation ?? 0,
    });
  }

  /** Moves the session to `to`, if nobody did meanwhile; else what they left (a concurrent request restored it), or a 401 (a logout ended it). */
  private async rebind(session: SessionRecord, to: SessionBinding): Promise<SessionRecord> {
    if (await this.d.sessions.rebind(session.tokenHash, session.epoch, to)) return { ...session, ...to };
    const current = await this.d.sessions.get(session.tokenHash);
    if (!current) throw unauthorized('Session not found or ended. Log in again.');
    return current;
  }
}

const pick = ({ boundServer, credential, sharedCredential, epoch, serverIncarnation }: SessionRecord): SessionBinding => ({
  boundServer,
  credential,
  sharedCredential,
  epoch,
  serverIncarnation,
});
