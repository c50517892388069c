import type { BamRole, BamServer, ProbeResult } from '../../kernel/bam-types.js';
import type { AnsweredProbe, FailedProbe } from './bam-server.js';
import { failedProbeCounts, streakAfterFailure, streakAfterServedCall, streakIsDown, type Streak } from './counting-rule.js';
import { modeThisRound, withMode } from './maintenance-mode.js';
import type { HostModes, MachineSettings, ServerStatus } from './monitor-state.js';

/**
 * From one round's probe of a server to that server's health and the role it reported. A
 * reachable server's answer about its own role is authoritative; an unreachable one is declared
 * DOWN (role UNKNOWN) only once the counting rule says so. Who is Primary is decided afterwards,
 * from every server's answer (primary-claims.ts, primary-decision.ts).
 */

export interface ServerRoundInput {
  now: number;
  settings: MachineSettings;
  /** The active configuration's host modes; undefined: the configuration could not be read. */
  modes: HostModes | undefined;
  /** When the latest call this server served (as the caller saw) was sent, epoch ms. */
  servedAt: number | undefined;
  /** The server is one of a planned switchover's two: it stops answering for the switch's pause, which is expected. */
  switching: boolean;
}

export interface ServerRound {
  status: ServerStatus;
  /** The role the server reported this round (or kept): not yet the role the round settles on. */
  role: BamRole;
}

interface Context {
  before: ServerStatus;
  disabled: boolean;
  streak: Streak;
  input: ServerRoundInput;
}

/** The server after this round: its mode, then what its probe (if one settled in time) says about its health. */
export function serverAfterRound(before: ServerStatus, conf: BamServer, probe: ProbeResult | undefined, input: ServerRoundInput): ServerRound {
  const mode = modeThisRound(before, conf.name, input.modes);
  const s = withMode({ ...before, url: conf.url }, before, mode, input.now);
  const c: Context = { before, disabled: mode === 'DISABLED', streak: streakAfterServedCall(before, input.servedAt), input };
  if (probe?.ok) return answered(s, probe, c);
  if (probe) return failed(s, probe, c);
  return notProbed(s, c);
}

/** It answered: UP (MAINTENANCE while DISABLED), its streak over, and its own word on its role. */
function answered(s: ServerStatus, probe: AnsweredProbe, c: Context): ServerRound {
  const { lastError: _cleared, ...rest } = s;
  const status: ServerStatus = {
    ...rest,
    health: c.disabled ? 'MAINTENANCE' : 'UP',
    consecutiveFailures: 0,
    failingSince: null,
    lastProbeAt: probe.at,
    latencyMs: probe.latencyMs,
    reportedRole: probe.reportedRole ?? null,
    ...(probe.source ? { probeSource: probe.source } : {}),
    ...(probe.lastFailure ? { lastFailure: probe.lastFailure, lastFailureAt: probe.at } : {}),
  };
  // A server of the switchover that is alive but cannot tell its role yet (its services restart
  // at the end of the pause) keeps the role it had: no UNKNOWN in between for subscribers.
  const role = c.input.switching && probe.role === 'UNKNOWN' ? c.before.role : probe.role;
  return { status, role };
}

/** It failed: the streak grows (if the failure counts); DOWN once the counting rule says the server is lost. */
function failed(s: ServerStatus, probe: FailedProbe, c: Context): ServerRound {
  const counts = failedProbeCounts(c.before, c.input.servedAt, probe.at);
  const streak = streakAfterFailure(c.streak, counts, probe.at);
  // A new streak is an outage, even if it never adds up to a loss (a planned switchover's pause or maintenance is none).
  const outageBegins = counts && c.streak.count === 0 && !c.disabled && !c.input.switching;
  const failure = probe.lastFailure ?? probe.failure;
  const status: ServerStatus = {
    ...s,
    consecutiveFailures: streak.count,
    failingSince: streak.since,
    ...(outageBegins ? { outages: (c.before.outages ?? 0) + 1 } : {}),
    lastProbeAt: probe.at,
    latencyMs: probe.latencyMs,
    lastError: probe.error,
    ...(failure ? { lastFailure: failure, lastFailureAt: probe.at } : {}),
  };
  const lost = streak.since !== null && streakIsDown(streak.count, streak.since, probe.at, c.input.settings);
  // Out for maintenance: a stopped server is expected, so no DOWN (no alarm, no failover); its role is unknown.
  if (c.disabled) return { status: { ...status, health: 'MAINTENANCE' }, role: lost ? 'UNKNOWN' : c.before.role };
  if (c.before.health !== 'DOWN' && lost && !c.input.switching) return { status: { ...status, health: 'DOWN', incarnation: status.incarnation + 1 }, role: 'UNKNOWN' };
  // Re-enabled and not failing long enough to be DOWN: UP.
  const health = c.before.health === 'MAINTENANCE' ? 'UP' : status.health;
  return { status: { ...status, health }, role: health === 'DOWN' ? 'UNKNOWN' : c.before.role };
}

/** No probe settled in time (the round did not wait for it): only a served call or a mode change moves it. */
function notProbed(s: ServerStatus, c: Context): ServerRound {
  const status: ServerStatus = { ...s, consecutiveFailures: c.streak.count, failingSince: c.streak.since };
  if (c.before.health === 'MAINTENANCE' && !c.disabled) status.health = c.before.consecutiveFailures > 0 ? 'DOWN' : 'UP';
  else if (c.disabled) status.health = 'MAINTENANCE';
  return { status, role: c.before.role };
}
