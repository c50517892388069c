import { GatewayError, unauthorized } from '../../kernel/errors.js';
import type { MonitorState } from '../../monitor/domain/monitor-machine.js';
import { PRIMARY_ALIAS, type SessionRecord } from './session-record.js';

export type BoundSession = Pick<SessionRecord, 'target' | 'restorable' | 'epoch' | 'serverIncarnation' | 'boundServer' | 'sharedCredential'>;

/**
 * What the cluster's state means for a session's binding. The session service acts on it
 * (deletes, rebinds, restores); the maintenance API only reads it (endedByCluster).
 * - keep: bound as it should be;
 * - ended: the session is over, `error` is the 401 that says why;
 * - undecided: a failover is in progress, no Primary to bind to yet;
 * - move-epoch: the same Primary again after a blip, its own credential still works: the session
 *   moves to the new epoch with its server and credential;
 * - restore: a restorable alias session, rebound to the new Primary with the epoch's service session.
 */
export type BindingVerdict = { kind: 'keep' } | { kind: 'ended'; error: GatewayError } | { kind: 'undecided' } | { kind: 'move-epoch' } | { kind: 'restore' };

const ended = (error: GatewayError): BindingVerdict => ({ kind: 'ended', error });

/**
 * A session pinned to one server ends when maintenance takes the server out (DISABLED, or an
 * older incarnation than the last maintenance: the server may be back in service by now), or
 * when the server failed (another incarnation).
 */
export function pinnedVerdict(session: BoundSession, monitor: MonitorState | undefined): BindingVerdict {
  const server = monitor?.servers[session.target];
  if (server && (server.mode === 'DISABLED' || session.serverIncarnation < (server.maintenanceIncarnation ?? -1))) {
    return ended(new GatewayError(401, 'SessionEndedByMaintenance', `Your session ended because Address Manager ${session.target} was taken out of service for maintenance. Log in again.`));
  }
  if (server && server.incarnation !== session.serverIncarnation) return ended(unauthorized(`Your session ended because Address Manager ${session.target} failed. Log in again.`));
  return { kind: 'keep' };
}

/**
 * Whether `monitor` is of a later epoch than the alias session's binding. Equal or older: a
 * replica that has not seen the latest failover yet (a global table) must not end or rebind a
 * newer session.
 */
export function boundBefore(session: BoundSession, monitor: MonitorState | undefined): monitor is MonitorState {
  return monitor !== undefined && monitor.epoch > session.epoch;
}

/** An alias session bound before `monitor`'s epoch (see boundBefore): what that epoch's change means for it. */
export function aliasVerdict(session: BoundSession, monitor: MonitorState): BindingVerdict {
  if (monitor.monitoringState !== 'MONITORING' || !monitor.primary) return { kind: 'undecided' };
  // No other Primary confirmed since the session was bound: its own BAM credential still works.
  const samePrimary = monitor.primary === session.boundServer && session.epoch >= (monitor.primarySinceEpoch ?? monitor.epoch);
  if (samePrimary && !session.sharedCredential) return { kind: 'move-epoch' };
  if (session.restorable) return { kind: 'restore' };
  const last = monitor.lastSwitchover;
  if (last?.outcome === 'completed' && session.epoch === last.epoch - 1) {
    return ended(
      new GatewayError(
        401,
        'SessionEndedByMaintenance',
        `Your session ended because the Primary Address Manager ${last.from} handed over to ${last.target} for maintenance. Log in again to start a new session.`,
      ),
    );
  }
  return ended(new GatewayError(401, 'SessionEndedByFailover', 'Your session ended because of an Address Manager failover. Log in again to start a new session.'));
}

/** Whether the session's calls need one of the two servers of the running switchover (alias sessions always do). */
export function needsSwitchingServer(monitor: MonitorState, session: Pick<SessionRecord, 'target'>): boolean {
  const sw = monitor.switchover;
  return session.target === PRIMARY_ALIAS || (sw !== undefined && (session.target === sw.from || session.target === sw.target));
}

/**
 * Whether the cluster has ended a session, read-only: for callers that only need to know, like
 * the maintenance API. A restorable alias session is never ended (its next use restores it), nor
 * one whose fate is not decided yet (a failover in progress).
 */
export function endedByCluster(session: BoundSession, monitor: MonitorState | undefined): boolean {
  if (!monitor) return false;
  if (session.target !== PRIMARY_ALIAS) return pinnedVerdict(session, monitor).kind === 'ended';
  return boundBefore(session, monitor) && aliasVerdict(session, monitor).kind === 'ended';
}
