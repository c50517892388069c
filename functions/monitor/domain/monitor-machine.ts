import type { BamRole, BamServer, ProbeResult } from '../../kernel/bam-types.js';
import { answeredAs, primaryClaims, type PrimaryClaims } from './primary-claims.js';
import { primaryDecision } from './primary-decision.js';
import { serverAfterRound } from './server-health.js';
import { endPinnedSessions, oldPrimaryRole, startedSwitchover, switchoverProgress, unblockedSwitchover } from './switchover.js';
import { monitoringStateChanged, numbered, roleChanges, splitBrainDetected } from './transition-events.js';
import { blankServer, clusterOf, type ClusterDecision, type HostModes, type MachineSettings, type MonitorState, type ServerStatus, type Transition } from './monitor-state.js';

// The machine's vocabulary, for its callers: one import for the state, its rules and advance().
export { DEFAULT_SWITCHOVER_BOUND_MS, initialState } from './monitor-state.js';
export type { Health, HostMode, HostModes, MachineSettings, MonitorState, MonitoringState, ServerStatus, Switchover, SwitchoverOutcome, Transition } from './monitor-state.js';
export { nextConfirmingProbeMs, streakIsDown } from './counting-rule.js';
export { abortSwitchover, eligibleTarget, switchoverTarget } from './switchover.js';

/**
 * The Address Manager failover monitor as a pure state machine:
 * advance(previous state, one round of probe results, time) → next state + events.
 * No I/O here; the monitor runner probes, calls advance, and persists the result atomically.
 *
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
  const fresh = freshProbes(prev, probes);
  // 1. Each server's health, and the role it reported.
  const round = serversAfterRound(prev, fresh, configured, { now, settings, modes, served });
  // 2. Who claims Primary, and whether that is a split brain.
  const claims = primaryClaims(prev, fresh, configured, round.servers);
  // 3. The cluster: a switchover moves on, or a Primary is confirmed or lost; then a planned switchover may start.
  const decided = clusterDecision(prev, claims, round, configured, now, settings);
  // 4. The roles the round settles on.
  const roles = settledRoles(prev, fresh, claims, decided, round.roles);
  const servers: Record<string, ServerStatus> = {};
  for (const { name } of configured) {
    const s = name === decided.handedOverBy ? endPinnedSessions(round.servers[name]!) : round.servers[name]!;
    servers[name] = { ...s, role: roles[name]! };
  }
  // 5. What subscribers are told.
  const { cluster, step } = decided;
  const primaryUrl = cluster.primary ? servers[cluster.primary]!.url : null;
  const occurredAt = new Date(now).toISOString();
  const version = prev.version + 1;
  const events = numbered(version, [
    ...splitBrainDetected(prev, claims, servers, occurredAt),
    ...roleChanges(prev, configured, servers, cluster.epoch, occurredAt),
    ...monitoringStateChanged(prev, { new: cluster.monitoringState, primaryUrl, epoch: cluster.epoch, occurredAt }),
  ]);
  const { switchover, lastSwitchover, ...rest } = cluster;
  const state: MonitorState = {
    version,
    ...rest,
    primaryUrl,
    splitBrain: claims.splitBrain,
    ...(claims.fenced.length ? { fenced: claims.fenced } : {}),
    ...(switchover ? { switchover } : {}),
    ...(lastSwitchover ? { lastSwitchover } : {}),
    servers,
    updatedAt: now,
  };
  const significant = events.length > 0 || step !== undefined || changedBeyondBookkeeping(prev, claims, configured, servers);
  return { state, events, significant, ...(step ? { switchover: step } : {}) };
}

/** Rounds may settle out of order (one waits on a hung server, a later one does not): a result older than the last one applied for its server is stale and never counts, nor overrides it. */
function freshProbes(prev: MonitorState, probes: ProbeResult[]): ProbeResult[] {
  return probes.filter((p) => p.at >= (prev.servers[p.server]?.lastProbeAt ?? Number.NEGATIVE_INFINITY));
}

interface ServersRound {
  servers: Record<string, ServerStatus>;
  /** The role each server reported this round (or kept). */
  roles: Record<string, BamRole>;
}

function serversAfterRound(
  prev: MonitorState,
  probes: ProbeResult[],
  configured: BamServer[],
  r: { now: number; settings: MachineSettings; modes: HostModes | undefined; served: Record<string, number> },
): ServersRound {
  const out: ServersRound = { servers: {}, roles: {} };
  const sw = prev.switchover;
  for (const conf of configured) {
    const before = prev.servers[conf.name] ?? blankServer(conf);
    const probe = probes.find((p) => p.server === conf.name);
    const switching = sw !== undefined && (conf.name === sw.from || conf.name === sw.target);
    const { status, role } = serverAfterRound(before, conf, probe, { now: r.now, settings: r.settings, modes: r.modes, servedAt: r.served[conf.name], switching });
    out.servers[conf.name] = status;
    out.roles[conf.name] = role;
  }
  return out;
}

function clusterDecision(prev: MonitorState, claims: PrimaryClaims, round: ServersRound, configured: BamServer[], now: number, settings: MachineSettings): ClusterDecision {
  const before = clusterOf(prev);
  const decided =
    prev.monitoringState === 'SWITCHOVER_IN_PROGRESS' && prev.switchover ? switchoverProgress(before, prev.switchover, claims, now) : primaryDecision(before, claims, round.servers, round.roles, now);
  const cluster = unblockedSwitchover(decided.cluster, round.servers);
  if (decided.step) return { ...decided, cluster };
  return startedSwitchover(cluster, { prev, claims, servers: round.servers, roles: round.roles, configured, now, settings }) ?? { cluster };
}

/** The old Primary of a completed switchover is a Standby once it says so; a claim that was not confirmed (split brain, or another Primary only silent) changes no role yet. */
function settledRoles(prev: MonitorState, probes: ProbeResult[], claims: PrimaryClaims, decided: ClusterDecision, reported: Record<string, BamRole>): Record<string, BamRole> {
  const roles = { ...reported };
  if (decided.handedOverBy) roles[decided.handedOverBy] = oldPrimaryRole(answeredAs(probes, decided.handedOverBy, 'STANDBY'));
  for (const name of claims.claimants) if (name !== decided.cluster.primary) roles[name] = prev.servers[name]?.role ?? 'UNKNOWN';
  return roles;
}

/** A change worth a write even without events: split brain or fencing, or a server's health, URL or mode. */
function changedBeyondBookkeeping(prev: MonitorState, claims: PrimaryClaims, configured: BamServer[], servers: Record<string, ServerStatus>): boolean {
  if (claims.splitBrain !== prev.splitBrain || claims.fenced.join() !== (prev.fenced ?? []).join()) return true;
  return configured.some(({ name }) => {
    const [s, p] = [servers[name]!, prev.servers[name]];
    return s.health !== p?.health || s.url !== p?.url || s.mode !== p?.mode;
  });
}
