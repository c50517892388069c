import type { BamRole, BamServer } from '../../kernel/bam-types.js';
import type { PendingEvent } from '../../events/domain/events.js';

/**
 * The failover monitor's state as it is stored and shown: the cluster (its Primary, epoch, planned
 * switchover) and what the monitor knows of each server. The rules that move it are in
 * monitor-machine.ts.
 */

/** A host's maintenance mode, as the active configuration holds it; absent = ENABLED (docs/maintenance.md). */
export type HostMode = 'ENABLED' | 'NO_NEW_SESSIONS' | 'DISABLED';
export type HostModes = Record<string, HostMode>;

export type MonitoringState = 'STOPPED' | 'MONITORING' | 'FAILOVER_IN_PROGRESS' | 'SWITCHOVER_IN_PROGRESS';

/** A planned switchover of the Primary: `from` hands over to `target` by `deadline`. */
export interface Switchover {
  from: string;
  target: string;
  startedAt: number;
  /** Past it with no new Primary confirmed, the switch is handled as an unplanned failover. */
  deadline: number;
}

/** How the last planned switchover ended; `epoch` is the epoch it completed (or fell back) into. */
export interface SwitchoverOutcome {
  from: string;
  target: string;
  /** refused: BAM answered the handover request with an error (nothing moved, no failover). */
  outcome: 'completed' | 'timed-out' | 'refused';
  startedAt: number;
  at: number;
  epoch: number;
  /** BAM's answer to a refused handover, for the status. */
  detail?: string;
  /**
   * Set when it did not complete: no new attempt on the same Primary until a round sees it ENABLED
   * again (the operator re-enables it and drains it anew), so a refusal never repeats on its own.
   */
  blocked?: boolean;
}
export type Health = 'UP' | 'DOWN' | 'MAINTENANCE';

export interface ServerStatus {
  name: string;
  url: string;
  role: BamRole;
  health: Health;
  lastProbeAt: number | null;
  latencyMs: number | null;
  consecutiveFailures: number;
  /** The host's mode in the active configuration when this round ran (absent: ENABLED). */
  mode?: HostMode;
  /** The incarnation that began when this server was last DISABLED: sessions bound before it ended by maintenance. */
  maintenanceIncarnation?: number;
  /** When the current streak of failed probes began (its first failed probe), epoch ms; null while answering. */
  failingSince?: number | null;
  /** Counts the times this server went DOWN: a session bound to it in an older incarnation has ended. */
  incarnation: number;
  lastError?: string;
  /** The role as BAM last reported it (Primary, Standby, Standalone...); null when only liveness answered. */
  reportedRole?: string | null;
  /** Since when the host has been DISABLED (epoch ms), for the alarm on a host left out too long. */
  disabledSince?: number;
  /** Which probe step answered last (failover-api, system-info, liveness). */
  probeSource?: string;
  /** The last probe step that failed, as `step: class` (e.g. `failover-api: tls-refused`); kept once the server answers again. */
  lastFailure?: string;
  /** When the probe that recorded `lastFailure` started, epoch ms. */
  lastFailureAt?: number;
  /** Failure streaks begun (each time the server stopped answering, however briefly): outages that were no failover still show here. */
  outages?: number;
}

export interface MonitorState {
  /** Increases by one with every committed write: the optimistic-concurrency guard. */
  version: number;
  /** Increases by one each time the Primary is lost or changes. */
  epoch: number;
  monitoringState: MonitoringState;
  primary: string | null;
  primaryUrl: string | null;
  splitBrain: boolean;
  /** When the Primary was lost (the current failover started), epoch ms. */
  failoverStartedAt: number | null;
  /**
   * The epoch since which `primary` (or, during a failover, the last confirmed Primary) has been
   * Primary with no other server confirmed in between. A blip that ends with the same Primary keeps
   * it: alias sessions bound since then still hold a credential for the Primary.
   */
  primarySinceEpoch?: number;
  /** The last confirmed Primary, kept through a failover (`primary` is null then). */
  lastPrimary?: string | null;
  /**
   * Servers that claimed Primary while the confirmed Primary answered as Primary (an old Primary
   * back with stale data, BAM does not reconfigure it): never confirmed until they report Standby
   * (an operator re-added them), or the confirmed Primary itself reports Standby.
   */
  fenced?: string[];
  /** The planned switchover in progress (monitoringState SWITCHOVER_IN_PROGRESS). */
  switchover?: Switchover;
  lastSwitchover?: SwitchoverOutcome;
  servers: Record<string, ServerStatus>;
  updatedAt: number;
}

export interface MachineSettings {
  failuresBeforeFailover: number;
  /**
   * The monitor's probe interval. A server is DOWN only after N consecutive failed probes spanning
   * at least (N−1) intervals: request-triggered probes (every 200 ms) may confirm a loss inside
   * that window but never shorten it. 0 or absent: count failures only.
   */
  probeIntervalMs?: number;
  /** How long a planned switchover may take before it is handled as a failover (default 10 s). */
  switchoverBoundMs?: number;
}

export const DEFAULT_SWITCHOVER_BOUND_MS = 10_000;

/** How a planned switchover moved in one transition: started (the runner asks the Primary to hand over), completed, timed out or refused. */
export type SwitchoverStep = 'started' | 'completed' | 'timed-out' | 'refused';

export interface Transition {
  state: MonitorState;
  events: PendingEvent[];
  /** True when something beyond probe bookkeeping changed (role, health, primary, state). */
  significant: boolean;
  switchover?: SwitchoverStep;
}

/** The cluster-level part of the state, as one round decides it (the servers apart). */
export interface ClusterState {
  monitoringState: MonitoringState;
  primary: string | null;
  epoch: number;
  failoverStartedAt: number | null;
  lastPrimary: string | null;
  primarySinceEpoch: number;
  switchover?: Switchover;
  lastSwitchover?: SwitchoverOutcome;
}

/** What one round decided for the cluster. */
export interface ClusterDecision {
  cluster: ClusterState;
  step?: SwitchoverStep;
  /** The old Primary of a planned switchover that completed this round. */
  handedOverBy?: string;
}

/** The cluster as the round finds it (states stored before `lastPrimary` and `primarySinceEpoch` existed included). */
export function clusterOf(prev: MonitorState): ClusterState {
  return {
    monitoringState: prev.monitoringState,
    primary: prev.primary,
    epoch: prev.epoch,
    failoverStartedAt: prev.failoverStartedAt,
    lastPrimary: prev.lastPrimary !== undefined ? prev.lastPrimary : prev.primary,
    primarySinceEpoch: prev.primarySinceEpoch ?? prev.epoch,
    ...(prev.switchover ? { switchover: prev.switchover } : {}),
    ...(prev.lastSwitchover ? { lastSwitchover: prev.lastSwitchover } : {}),
  };
}

export function initialState(servers: BamServer[], now: number): MonitorState {
  return {
    version: 0,
    epoch: 0,
    monitoringState: 'STOPPED',
    primary: null,
    primaryUrl: null,
    splitBrain: false,
    failoverStartedAt: null,
    primarySinceEpoch: 0,
    lastPrimary: null,
    servers: Object.fromEntries(servers.map((s) => [s.name, blankServer(s)])),
    updatedAt: now,
  };
}

/** A server the monitor has not probed yet. */
export function blankServer(s: BamServer): ServerStatus {
  return { name: s.name, url: s.url, role: 'UNKNOWN', health: 'UP', lastProbeAt: null, latencyMs: null, consecutiveFailures: 0, failingSince: null, incarnation: 0 };
}
