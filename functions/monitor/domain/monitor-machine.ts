import type { BamRole, ProbeResult } from './bam-server.js';
import type { BamServer } from './bam-server.js';
import type { PendingEvent } from '../../events/domain/events.js';

/** A host's maintenance mode (SPEC §11), as the active configuration holds it; absent = ENABLED. */
export type HostMode = 'ENABLED' | 'NO_NEW_SESSIONS' | 'DISABLED';
export type HostModes = Record<string, HostMode>;

/**
 * The Address Manager failover monitor as a pure state machine:
 * advance(previous state, one round of probe results, time) → next state + events.
 * No I/O here; the monitor runner probes, calls advance, and persists the result atomically.
 */

export type MonitoringState = 'STOPPED' | 'MONITORING' | 'FAILOVER_IN_PROGRESS' | 'SWITCHOVER_IN_PROGRESS';

/** A planned switchover of the Primary (SPEC §11): `from` hands over to `target` by `deadline`. */
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
   * it: alias sessions bound since then still hold a credential for the Primary (SPEC §4.3).
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
   * that window but never shorten it (SPEC §5). 0 or absent: count failures only.
   */
  probeIntervalMs?: number;
  /** How long a planned switchover may take before it is handled as a failover (default 10 s). */
  switchoverBoundMs?: number;
}

export const DEFAULT_SWITCHOVER_BOUND_MS = 10_000;

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

/** Scheduled rounds start an interval apart give or take timer jitter: that much early still counts. */
const jitterMs = (intervalMs: number) => Math.min(50, intervalMs / 10);

/** Whether a failure streak is long enough, in count and in time, to declare its server DOWN. */
export function streakIsDown(failures: number, failingSince: number, lastFailureAt: number, settings: MachineSettings): boolean {
  if (failures < settings.failuresBeforeFailover) return false;
  const interval = settings.probeIntervalMs ?? 0;
  const needed = (settings.failuresBeforeFailover - 1) * interval;
  return needed === 0 || lastFailureAt - failingSince >= needed - jitterMs(interval);
}

/**
 * How long after a failed probe began the next one should begin so that N of them, each that far
 * apart, span the window streakIsDown asks for: the soonest a loss can be confirmed. Undefined
 * with no interval or N = 1 (counting only).
 */
export function nextConfirmingProbeMs(settings: MachineSettings): number | undefined {
  const interval = settings.probeIntervalMs ?? 0;
  const n = settings.failuresBeforeFailover;
  if (!interval || n < 2) return undefined;
  return interval - Math.floor(jitterMs(interval) / (n - 1));
}

export interface Transition {
  state: MonitorState;
  events: PendingEvent[];
  /** True when something beyond probe bookkeeping changed (role, health, primary, state). */
  significant: boolean;
  /** A planned switchover started (the runner asks the Primary to hand over), completed, timed out or was refused. */
  switchover?: 'started' | 'completed' | 'timed-out' | 'refused';
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

function blankServer(s: BamServer): ServerStatus {
  return { name: s.name, url: s.url, role: 'UNKNOWN', health: 'UP', lastProbeAt: null, latencyMs: null, consecutiveFailures: 0, failingSince: null, incarnation: 0 };
}

/**
 * `modes`: the active configuration's host modes this round; undefined keeps each server's last known
 * mode (the configuration could not be read). A DISABLED server is still probed but its health is
 * MAINTENANCE: it is never DOWN, so it never starts a failover nor raises a DOWN alarm, and its role
 * changes carry reason `maintenance`. Entering DISABLED starts a new incarnation: pinned sessions end.
 *
 * `served`: per server, when the latest call it served (as the caller saw) was sent, epoch ms.
 * Failures count as consecutive only with no success between them (HAProxy's `fall`), and a served
 * call is a success as much as a failed probe is a failure: one sent after a failure streak began
 * ends it, and a failed probe sent before it does not count (one slow answer). A DOWN server comes
 * back only through a probe that answers.
 */
export function advance(
  prev: MonitorState,
  probes: ProbeResult[],
  now: number,
  settings: MachineSettings,
  configured: BamServer[],
  modes?: HostModes,
  served: Record<string, number> = {},
): Transition {
  // Rounds may settle out of order (one waits on a hung server, a later one does not): a result
  // older than the last one applied for its server is stale and never counts, nor overrides it.
  probes = probes.filter((p) => p.at >= (prev.servers[p.server]?.lastProbeAt ?? Number.NEGATIVE_INFINITY));
  const version = prev.version + 1;
  const occurredAt = new Date(now).toISOString();
  const events: PendingEvent[] = [];
  const emit = (e: Omit<PendingEvent, 'id'>) => events.push({ ...e, id: `${version}-${events.length}` } as PendingEvent);

  // 1. Per-server bookkeeping. A reachable server's answer about its own role is authoritative;
  //    an unreachable one is only declared DOWN (role UNKNOWN) after N consecutive failures.
  const servers: Record<string, ServerStatus> = {};
  const reported: Record<string, BamRole> = {};
  for (const conf of configured) {
    const before = prev.servers[conf.name] ?? blankServer(conf);
    const probe = probes.find((p) => p.server === conf.name);
    const s: ServerStatus = { ...before, url: conf.url };
    const mode = modes ? (modes[conf.name] ?? 'ENABLED') : (before.mode ?? 'ENABLED');
    const disabled = mode === 'DISABLED';
    // The two servers of a planned switchover stop answering for its pause: expected, never DOWN.
    const switching = prev.switchover !== undefined && (conf.name === prev.switchover.from || conf.name === prev.switchover.target);
    if (mode === 'ENABLED') delete s.mode;
    else s.mode = mode;
    if (disabled && before.mode !== 'DISABLED') {
      s.incarnation = before.incarnation + 1;
      s.maintenanceIncarnation = s.incarnation;
    }
    if (disabled) s.disabledSince = before.mode === 'DISABLED' ? (before.disabledSince ?? now) : now;
    else delete s.disabledSince;
    const servedAt = served[conf.name];
    // A call sent since the streak began, and served, ends it (a DOWN server is not brought back by calls).
    const broken = before.health !== 'DOWN' && before.consecutiveFailures > 0 && servedAt !== undefined && servedAt >= (before.failingSince ?? Infinity);
    const streak = broken ? 0 : before.consecutiveFailures;
    const streakSince = broken ? null : (before.failingSince ?? null);
    if (probe?.ok) {
      Object.assign(s, { health: disabled ? 'MAINTENANCE' : 'UP', consecutiveFailures: 0, failingSince: null, lastProbeAt: probe.at, latencyMs: probe.latencyMs });
      delete s.lastError;
      // A server of the switchover that is alive but cannot tell its role yet (its services restart
      // at the end of the pause) keeps the role it had: no UNKNOWN in between for subscribers.
      reported[conf.name] = switching && probe.role === 'UNKNOWN' ? before.role : probe.role;
      s.reportedRole = probe.reportedRole ?? null;
      if (probe.source) s.probeSource = probe.source;
      if (probe.lastFailure) Object.assign(s, { lastFailure: probe.lastFailure, lastFailureAt: probe.at });
    } else if (probe) {
      // Sent before the server last served a call: one slow answer, not a failure in a row.
      const counts = before.health === 'DOWN' || servedAt === undefined || probe.at > servedAt;
      s.consecutiveFailures = counts ? streak + 1 : streak;
      // A streak stored before failingSince existed began no later than this probe.
      s.failingSince = !counts ? streakSince : streak > 0 ? (streakSince ?? probe.at) : probe.at;
      if (counts && streak === 0 && !disabled && !switching) s.outages = (before.outages ?? 0) + 1;
      Object.assign(s, { lastProbeAt: probe.at, latencyMs: probe.latencyMs, lastError: probe.error });
      if (probe.lastFailure ?? probe.failure) Object.assign(s, { lastFailure: probe.lastFailure ?? probe.failure, lastFailureAt: probe.at });
      const lost = s.failingSince !== null && streakIsDown(s.consecutiveFailures, s.failingSince, probe.at, settings);
      if (disabled) {
        // Out for maintenance: a stopped server is expected, so no DOWN (no alarm, no failover); its role is unknown.
        s.health = 'MAINTENANCE';
        reported[conf.name] = lost ? 'UNKNOWN' : before.role;
      } else {
        if (before.health !== 'DOWN' && lost && !switching) {
          s.health = 'DOWN';
          s.incarnation = s.incarnation + 1;
        } else if (before.health === 'MAINTENANCE') s.health = 'UP'; // re-enabled, not failing long enough to be DOWN
        reported[conf.name] = s.health === 'DOWN' ? 'UNKNOWN' : before.role;
      }
    } else {
      Object.assign(s, { consecutiveFailures: streak, failingSince: streakSince });
      if (before.health === 'MAINTENANCE' && !disabled) s.health = before.consecutiveFailures > 0 ? 'DOWN' : 'UP';
      else if (disabled) s.health = 'MAINTENANCE';
      reported[conf.name] = before.role;
    }
    servers[conf.name] = s;
  }

  // 2. Who claims Primary. Those that answered this round saying so; and a server last known as
  //    Primary that missed this round but is not DOWN yet still counts: one slow answer must neither
  //    hand its role to another claimant nor end a split brain. A fenced claimant is never eligible.
  const answered = (name: string) => probes.some((p) => p.server === name && p.ok);
  const claimants = configured.filter((c) => probes.some((p) => p.server === c.name && p.ok && p.role === 'PRIMARY')).map((c) => c.name);
  const confirmed = prev.monitoringState === 'MONITORING' ? prev.primary : null;
  const reportsStandby = (name: string) => probes.some((p) => p.server === name && p.ok && p.role === 'STANDBY');
  let fenced = confirmed && reportsStandby(confirmed) ? [] : (prev.fenced ?? []).filter((n) => !reportsStandby(n));
  if (confirmed && claimants.includes(confirmed)) fenced = [...new Set([...fenced, ...claimants.filter((n) => n !== confirmed)])];
  const eligible = claimants.filter((n) => !fenced.includes(n));
  const silentPrimaries = configured.filter((c) => !answered(c.name) && !fenced.includes(c.name) && prev.servers[c.name]?.role === 'PRIMARY' && servers[c.name]!.health !== 'DOWN').map((c) => c.name);
  const contested = eligible.length >= 2 || (prev.splitBrain && eligible.length + silentPrimaries.length >= 2);
  const splitBrain = contested || claimants.some((n) => fenced.includes(n));
  if (claimants.length >= 2 && !prev.splitBrain) {
    emit({
      detailType: 'SPLIT_BRAIN_DETECTED',
      detail: { servers: claimants.map((n) => ({ name: n, url: servers[n]!.url })), epoch: prev.epoch, occurredAt },
    });
  }

  // 3. Cluster-level decision. A new Primary is confirmed when exactly one reachable server says it
  //    is Primary and no other server that was Primary is merely silent.
  let { monitoringState, primary, epoch, failoverStartedAt } = prev;
  let lastPrimary = prev.lastPrimary !== undefined ? prev.lastPrimary : prev.primary;
  let primarySinceEpoch = prev.primarySinceEpoch ?? prev.epoch;
  const only = !contested && eligible.length === 1 && silentPrimaries.every((n) => n === eligible[0]) ? eligible[0]! : null;
  let switchover = prev.switchover;
  let lastSwitchover = prev.lastSwitchover;
  let switchoverStep: Transition['switchover'];
  if (prev.monitoringState === 'SWITCHOVER_IN_PROGRESS' && switchover) {
    // Planned: the target claiming Primary while the old Primary no longer does is the handover we
    // asked for (the old one may still be silent after its pause). Otherwise wait, up to the deadline.
    const { from, target } = switchover;
    if (claimants.includes(target) && !fenced.includes(target) && !claimants.includes(from)) {
      primary = target;
      monitoringState = 'MONITORING';
      failoverStartedAt = null;
      epoch += 1;
      primarySinceEpoch = epoch;
      lastPrimary = target;
      reported[from] = reportsStandby(from) ? 'STANDBY' : 'UNKNOWN';
      // Sessions pinned to the old Primary end: a Standby serves no API (its count reaches 0 now).
      const old = servers[from]!;
      old.incarnation += 1;
      old.maintenanceIncarnation = old.incarnation;
      lastSwitchover = { from, target, outcome: 'completed', startedAt: switchover.startedAt, at: now, epoch };
      switchover = undefined;
      switchoverStep = 'completed';
    } else if (now >= switchover.deadline) {
      // Not done in the bound: held calls get the failover 503 and the unplanned path takes over.
      primary = null;
      monitoringState = 'FAILOVER_IN_PROGRESS';
      failoverStartedAt = now;
      epoch += 1;
      lastSwitchover = { from, target, outcome: 'timed-out', startedAt: switchover.startedAt, at: now, epoch, blocked: true };
      switchover = undefined;
      switchoverStep = 'timed-out';
    }
  } else if (only && (only !== primary || monitoringState !== 'MONITORING')) {
    primary = only;
    monitoringState = 'MONITORING';
    failoverStartedAt = null;
    epoch += 1;
    // The same server back as Primary after a loss: no other Primary was confirmed in between.
    if (only !== lastPrimary) primarySinceEpoch = epoch;
    lastPrimary = only;
  } else if (!only && !contested && primary && monitoringState === 'MONITORING') {
    const p = servers[primary]!;
    const demoted = reported[primary] === 'STANDBY';
    if (p.health === 'DOWN' || demoted) {
      // The Primary is lost (unreachable past the threshold, or it now says it is a Standby).
      primary = null;
      monitoringState = 'FAILOVER_IN_PROGRESS';
      failoverStartedAt = now;
      epoch += 1;
    }
  }
  // The operator enabled the Primary again after a switchover that did not complete: the next drain may try again.
  if (lastSwitchover?.blocked && primary === lastSwitchover.from && servers[primary]!.mode === undefined) lastSwitchover = { ...lastSwitchover, blocked: false };
  if (!switchoverStep && monitoringState === 'MONITORING' && primary && primary === prev.primary && prev.monitoringState === 'MONITORING' && !splitBrain) {
    const started = plannedSwitchover(primary, servers, reported, fenced, configured, lastSwitchover, now, settings);
    if (started) {
      monitoringState = 'SWITCHOVER_IN_PROGRESS';
      switchover = started;
      switchoverStep = 'started';
    }
  }
  // A claim that was not confirmed (split brain, or another Primary only silent) changes no role yet.
  for (const name of claimants) if (name !== primary) reported[name] = prev.servers[name]?.role ?? 'UNKNOWN';

  // 4. Role changes, one event per server whose role moved.
  for (const conf of configured) {
    const s = servers[conf.name]!;
    const before = prev.servers[conf.name]?.role ?? 'UNKNOWN';
    const after = reported[conf.name]!;
    s.role = after;
    if (after !== before) {
      const sw = prev.switchover;
      const planned = sw !== undefined && (conf.name === sw.from || conf.name === sw.target);
      const reason = planned
        ? 'planned-switchover'
        : s.mode === 'DISABLED' || prev.servers[conf.name]?.mode === 'DISABLED'
          ? 'maintenance'
          : after === 'UNKNOWN'
            ? 'unreachable'
            : before === 'UNKNOWN'
              ? 'reachable'
              : after === 'PRIMARY'
                ? 'promoted'
                : 'demoted';
      emit({
        detailType: 'NODE_ROLE_CHANGED',
        detail: { node: { kind: 'address-manager', id: conf.name, url: conf.url }, previous: prevRoleForEvent(prev, conf.name), new: after, epoch, occurredAt, reason },
      });
    }
  }

  const primaryUrl = primary ? servers[primary]!.url : null;
  if (monitoringState !== prev.monitoringState || primaryUrl !== prev.primaryUrl) {
    emit({
      detailType: 'MONITORING_STATE_CHANGED',
      detail: { previous: prev.monitoringState, new: monitoringState, primaryUrl, epoch, occurredAt },
    });
  }

  const significant =
    events.length > 0 ||
    switchoverStep !== undefined ||
    splitBrain !== prev.splitBrain ||
    fenced.join() !== (prev.fenced ?? []).join() ||
    configured.some((c) => servers[c.name]!.health !== prev.servers[c.name]?.health || servers[c.name]!.url !== prev.servers[c.name]?.url || servers[c.name]!.mode !== prev.servers[c.name]?.mode);

  return {
    state: {
      version,
      epoch,
      monitoringState,
      primary,
      primaryUrl,
      splitBrain,
      failoverStartedAt,
      primarySinceEpoch,
      lastPrimary,
      ...(fenced.length ? { fenced } : {}),
      ...(switchover ? { switchover } : {}),
      ...(lastSwitchover ? { lastSwitchover } : {}),
      servers,
      updatedAt: now,
    },
    events,
    significant,
    ...(switchoverStep ? { switchover: switchoverStep } : {}),
  };
}

/**
 * A planned switchover to start this round, if the confirmed Primary's mode takes it out (drained
 * or disabled) and an eligible Standby answered this round. One that did not complete blocks the
 * next attempt on the same Primary until it is seen ENABLED again.
 */
function plannedSwitchover(
  primary: string,
  servers: Record<string, ServerStatus>,
  reported: Record<string, BamRole>,
  fenced: string[],
  configured: BamServer[],
  last: SwitchoverOutcome | undefined,
  now: number,
  settings: MachineSettings,
): Switchover | undefined {
  if ((servers[primary]!.mode ?? 'ENABLED') === 'ENABLED') return undefined;
  if (last?.blocked && last.from === primary) return undefined;
  const target = configured.find((c) => c.name !== primary && eligibleTarget({ ...servers[c.name]!, role: reported[c.name]! }, fenced.includes(c.name)));
  return target ? { from: primary, target: target.name, startedAt: now, deadline: now + (settings.switchoverBoundMs ?? DEFAULT_SWITCHOVER_BOUND_MS) } : undefined;
}

/** `previous` is null for a server the monitor had never seen answer (SPEC §6). */
function prevRoleForEvent(prev: MonitorState, name: string): string | null {
  const s = prev.servers[name];
  return s && s.lastProbeAt !== null ? s.role : null;
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
  const event: PendingEvent = {
    id: `${version}-0`,
    detailType: 'MONITORING_STATE_CHANGED',
    detail: { previous: prev.monitoringState, new: 'MONITORING', primaryUrl: prev.primaryUrl, epoch: prev.epoch, occurredAt: new Date(now).toISOString() },
  } as PendingEvent;
  return { state, events: [event], significant: true, switchover: 'refused' };
}
