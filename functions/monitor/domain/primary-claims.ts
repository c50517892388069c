import type { BamRole, BamServer, ProbeResult } from '../../kernel/bam-types.js';
import type { MonitorState, ServerStatus } from './monitor-state.js';

/**
 * Who claims Primary this round, who may be confirmed, and whether the claims are a split brain.
 * Those that answered this round saying so claim it; a server last known as Primary that missed
 * this round but is not DOWN yet still counts: one slow answer must neither hand its role to
 * another claimant nor end a split brain. A fenced claimant is never eligible.
 */
export interface PrimaryClaims {
  /** Servers that answered this round as Primary, in configured order. */
  claimants: string[];
  /** Claimants kept from being confirmed: an old Primary back with stale data, until it reports Standby. */
  fenced: string[];
  /** Claimants that may be confirmed. */
  eligible: string[];
  /** Servers last known as Primary that did not answer this round and are not DOWN. */
  silentPrimaries: string[];
  /** More than one server may be Primary: none is confirmed. */
  contested: boolean;
  splitBrain: boolean;
  /** The one server to confirm as Primary, if exactly one reachable server claims it and no other Primary is merely silent. */
  only: string | null;
}

/** Whether `name` answered this round (as `role`, when given). */
export function answeredAs(probes: ProbeResult[], name: string, role?: BamRole): boolean {
  return probes.some((p) => p.server === name && p.ok && (role === undefined || p.role === role));
}

export function primaryClaims(prev: MonitorState, probes: ProbeResult[], configured: BamServer[], servers: Record<string, ServerStatus>): PrimaryClaims {
  const claimants = configured.filter((c) => answeredAs(probes, c.name, 'PRIMARY')).map((c) => c.name);
  const fenced = fencedAfterRound(prev, probes, claimants);
  const eligible = claimants.filter((n) => !fenced.includes(n));
  const silentPrimaries = configured
    .filter((c) => !answeredAs(probes, c.name) && !fenced.includes(c.name) && prev.servers[c.name]?.role === 'PRIMARY' && servers[c.name]!.health !== 'DOWN')
    .map((c) => c.name);
  const contested = eligible.length >= 2 || (prev.splitBrain && eligible.length + silentPrimaries.length >= 2);
  const splitBrain = contested || claimants.some((n) => fenced.includes(n));
  const only = !contested && eligible.length === 1 && silentPrimaries.every((n) => n === eligible[0]) ? eligible[0]! : null;
  return { claimants, fenced, eligible, silentPrimaries, contested, splitBrain, only };
}

/**
 * Fencing: while the confirmed Primary answers as Primary, any other claimant is fenced. A fenced
 * server is released when it reports Standby (an operator re-added it); all are, when the
 * confirmed Primary itself reports Standby.
 */
function fencedAfterRound(prev: MonitorState, probes: ProbeResult[], claimants: string[]): string[] {
  const confirmed = prev.monitoringState === 'MONITORING' ? prev.primary : null;
  const reportsStandby = (name: string) => answeredAs(probes, name, 'STANDBY');
  const kept = confirmed && reportsStandby(confirmed) ? [] : (prev.fenced ?? []).filter((n) => !reportsStandby(n));
  if (!confirmed || !claimants.includes(confirmed)) return kept;
  return [...new Set([...kept, ...claimants.filter((n) => n !== confirmed)])];
}
