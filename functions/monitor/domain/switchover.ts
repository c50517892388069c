import type { BamRole, BamServer } from '../../kernel/bam-types.js';
import type { PrimaryClaims } from './primary-claims.js';
import { monitoringStateChanged, numbered } from './transition-events.js';
import {
  DEFAULT_SWITCHOVER_BOUND_MS,
  type ClusterDecision,
  type ClusterState,
  type MachineSettings,
  type MonitorState,
  type ServerStatus,
  type Switchover,
  type SwitchoverOutcome,
  type Transition,
} from './monitor-state.js';

/**
 * The planned switchover (docs/maintenance.md): a drained or disabled Primary hands its role over
 * to an eligible Standby; calls needing the Primary are held meanwhile. It starts, completes when
 * the target claims Primary, falls back to a failover past its deadline, or ends at once when the
 * Primary refuses the handover.
 */

/**
 * Whether a server may be the target of a planned switchover: it answered as a Standby in the last
 * round, without a failure since, is ENABLED (a drained host never is) and not fenced. The
 * validator, the machine and the login hold all use this one test.
 */
export function eligibleTarget(s: Pick<ServerStatus, 'role' | 'health' | 'consecutiveFailures' | 'mode'>, fenced = false): boolean {
  return !fenced && (s.mode ?? 'ENABLED') === 'ENABLED' && s.health === 'UP' && s.consecutiveFailures === 0 && s.role === 'STANDBY';
}

/** The server a planned switchover away from `primary` would go to now, if any (and none while the last one is blocked). */
export function switchoverTarget(state: MonitorState, primary: string): string | undefined {
  if (state.lastSwitchover?.blocked && state.lastSwitchover.from === primary) return undefined;
  return Object.values(state.servers).find((s) => s.name !== primary && eligibleTarget(s, (state.fenced ?? []).includes(s.name)))?.name;
}

/**
 * A switchover in progress, this round. The target claiming Primary while the old Primary no
 * longer does is the handover we asked for (the old one may still be silent after its pause):
 * completed, a new epoch. Past the deadline it becomes an unplanned failover (held calls get the
 * failover 503). Otherwise it waits.
 */
export function switchoverProgress(c: ClusterState, sw: Switchover, claims: PrimaryClaims, now: number): ClusterDecision {
  const { from, target, startedAt } = sw;
  const epoch = c.epoch + 1;
  if (claims.claimants.includes(target) && !claims.fenced.includes(target) && !claims.claimants.includes(from)) {
    const { switchover: _done, ...rest } = c;
    const lastSwitchover: SwitchoverOutcome = { from, target, outcome: 'completed', startedAt, at: now, epoch };
    const cluster: ClusterState = { ...rest, primary: target, monitoringState: 'MONITORING', failoverStartedAt: null, epoch, primarySinceEpoch: epoch, lastPrimary: target, lastSwitchover };
    return { cluster, step: 'completed', handedOverBy: from };
  }
  if (now >= sw.deadline) {
    const { switchover: _done, ...rest } = c;
    const lastSwitchover: SwitchoverOutcome = { from, target, outcome: 'timed-out', startedAt, at: now, epoch, blocked: true };
    return { cluster: { ...rest, primary: null, monitoringState: 'FAILOVER_IN_PROGRESS', failoverStartedAt: now, epoch, lastSwitchover }, step: 'timed-out' };
  }
  return { cluster: c };
}

/** Sessions pinned to the old Primary of a completed switchover end: a Standby serves no API. */
export function endPinnedSessions(s: ServerStatus): ServerStatus {
  return { ...s, incarnation: s.incarnation + 1, maintenanceIncarnation: s.incarnation + 1 };
}

/** The old Primary of a completed switchover: a Standby if it says so this round, else not known yet. */
export function oldPrimaryRole(reportsStandby: boolean): BamRole {
  return reportsStandby ? 'STANDBY' : 'UNKNOWN';
}

/** The operator enabled the Primary again after a switchover that did not complete: the next drain may try again. */
export function unblockedSwitchover(c: ClusterState, servers: Record<string, ServerStatus>): ClusterState {
  const last = c.lastSwitchover;
  if (!last?.blocked || c.primary !== last.from || servers[c.primary]!.mode !== undefined) return c;
  return { ...c, lastSwitchover: { ...last, blocked: false } };
}

export interface SwitchoverStart {
  prev: MonitorState;
  claims: PrimaryClaims;
  servers: Record<string, ServerStatus>;
  /** The roles servers reported this round. */
  roles: Record<string, BamRole>;
  configured: BamServer[];
  now: number;
  settings: MachineSettings;
}

/**
 * A planned switchover starts when the Primary confirmed before and still confirmed now (no split
 * brain) is drained or disabled, and an eligible Standby answered this round. One that did not
 * complete blocks the next attempt on the same Primary until it is seen ENABLED again.
 */
export function startedSwitchover(c: ClusterState, r: SwitchoverStart): ClusterDecision | undefined {
  const primary = c.primary;
  const steady = c.monitoringState === 'MONITORING' && primary && primary === r.prev.primary && r.prev.monitoringState === 'MONITORING' && !r.claims.splitBrain;
  if (!steady || (r.servers[primary]!.mode ?? 'ENABLED') === 'ENABLED') return undefined;
  if (c.lastSwitchover?.blocked && c.lastSwitchover.from === primary) return undefined;
  const target = r.configured.find((s) => s.name !== primary && eligibleTarget({ ...r.servers[s.name]!, role: r.roles[s.name]! }, r.claims.fenced.includes(s.name)));
  if (!target) return undefined;
  const switchover: Switchover = { from: primary, target: target.name, startedAt: r.now, deadline: r.now + (r.settings.switchoverBoundMs ?? DEFAULT_SWITCHOVER_BOUND_MS) };
  return { cluster: { ...c, monitoringState: 'SWITCHOVER_IN_PROGRESS', switchover }, step: 'started' };
}

/**
 * The Primary refused the handover (BAM answered with an error): nothing moved, so the switchover
 * ends at once back in MONITORING with the same Primary and epoch: held calls proceed there, no
 * failover. Blocked until the operator enables the Primary again. Undefined when none is running.
 */
export function abortSwitchover(prev: MonitorState, now: number, detail: string): Transition | undefined {
  const sw = prev.switchover;
  if (prev.monitoringState !== 'SWITCHOVER_IN_PROGRESS' || !sw) return undefined;
  const version = prev.version + 1;
  const { switchover: _running, ...rest } = prev;
  const state: MonitorState = {
    ...rest,
    version,
    monitoringState: 'MONITORING',
    lastSwitchover: { from: sw.from, target: sw.target, outcome: 'refused', startedAt: sw.startedAt, at: now, epoch: prev.epoch, detail: detail.slice(0, 300), blocked: true },
    updatedAt: now,
  };
  const events = numbered(version, monitoringStateChanged(prev, { new: 'MONITORING', primaryUrl: prev.primaryUrl, epoch: prev.epoch, occurredAt: new Date(now).toISOString() }));
  return { state, events, significant: true, switchover: 'refused' };
}
