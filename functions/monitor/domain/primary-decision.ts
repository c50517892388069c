import type { BamRole } from '../../kernel/bam-types.js';
import type { PrimaryClaims } from './primary-claims.js';
import type { ClusterDecision, ClusterState, ServerStatus } from './monitor-state.js';

/**
 * The cluster-level decision of a round without a planned switchover running: confirm a new
 * Primary, declare the Primary lost, or leave the cluster as it was.
 */
export function primaryDecision(c: ClusterState, claims: PrimaryClaims, servers: Record<string, ServerStatus>, roles: Record<string, BamRole>, now: number): ClusterDecision {
  const { only } = claims;
  if (only && (only !== c.primary || c.monitoringState !== 'MONITORING')) return { cluster: confirmedPrimary(c, only) };
  if (!only && !claims.contested && c.primary && c.monitoringState === 'MONITORING' && primaryLost(servers[c.primary]!, roles[c.primary])) return { cluster: lostPrimary(c, now) };
  return { cluster: c };
}

/**
 * Exactly one reachable server claims Primary and no other Primary is merely silent: it is the
 * Primary, in a new epoch. The same server back as Primary after a loss keeps `primarySinceEpoch`:
 * no other Primary was confirmed in between, so alias sessions still hold a credential for it.
 */
export function confirmedPrimary(c: ClusterState, primary: string): ClusterState {
  const epoch = c.epoch + 1;
  return { ...c, primary, monitoringState: 'MONITORING', failoverStartedAt: null, epoch, primarySinceEpoch: primary !== c.lastPrimary ? epoch : c.primarySinceEpoch, lastPrimary: primary };
}

/** The Primary is lost when it is DOWN (unreachable past the counting rule) or now says it is a Standby. */
export function primaryLost(primary: ServerStatus, reportedRole: BamRole | undefined): boolean {
  return primary.health === 'DOWN' || reportedRole === 'STANDBY';
}

/** No Primary: a failover is in progress from now, in a new epoch (`lastPrimary` kept). */
export function lostPrimary(c: ClusterState, now: number): ClusterState {
  return { ...c, primary: null, monitoringState: 'FAILOVER_IN_PROGRESS', failoverStartedAt: now, epoch: c.epoch + 1 };
}
