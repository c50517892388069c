import type { BamRole, BamServer } from '../../kernel/bam-types.js';
import type { MonitoringStateChanged, NodeRoleChanged, PendingEvent } from '../../events/domain/events.js';
import type { PrimaryClaims } from './primary-claims.js';
import type { MonitorState, ServerStatus } from './monitor-state.js';

/** What one transition tells subscribers (docs/events.md), in the order they happened. */

/** An event before the transition numbers it. */
export type UnnumberedEvent = PendingEvent extends infer E ? (E extends PendingEvent ? Omit<E, 'id'> : never) : never;

/** Stable ids from the version that produced them: a consumer can drop the rare duplicate of an at-least-once delivery. */
export function numbered(version: number, events: UnnumberedEvent[]): PendingEvent[] {
  return events.map((e, i) => ({ ...e, id: `${version}-${i}` }) as PendingEvent);
}

/** Two or more servers claiming Primary where there was no split brain before (fenced ones included). */
export function splitBrainDetected(prev: MonitorState, claims: PrimaryClaims, servers: Record<string, ServerStatus>, occurredAt: string): UnnumberedEvent[] {
  if (claims.claimants.length < 2 || prev.splitBrain) return [];
  return [{ detailType: 'SPLIT_BRAIN_DETECTED', detail: { servers: claims.claimants.map((n) => ({ name: n, url: servers[n]!.url })), epoch: prev.epoch, occurredAt } }];
}

/** One event per server whose role moved, in configured order. */
export function roleChanges(prev: MonitorState, configured: BamServer[], servers: Record<string, ServerStatus>, epoch: number, occurredAt: string): UnnumberedEvent[] {
  return configured.flatMap((conf): UnnumberedEvent[] => {
    const s = servers[conf.name]!;
    const before = prev.servers[conf.name]?.role ?? 'UNKNOWN';
    if (s.role === before) return [];
    const detail: NodeRoleChanged = {
      node: { kind: 'address-manager', id: conf.name, url: conf.url },
      previous: previousRole(prev, conf.name),
      new: s.role,
      epoch,
      occurredAt,
      reason: roleChangeReason(prev, s, before),
    };
    return [{ detailType: 'NODE_ROLE_CHANGED', detail }];
  });
}

/** Why a server's role moved, as subscribers read it. */
function roleChangeReason(prev: MonitorState, s: ServerStatus, before: BamRole): string {
  const sw = prev.switchover;
  if (sw !== undefined && (s.name === sw.from || s.name === sw.target)) return 'planned-switchover';
  if (s.mode === 'DISABLED' || prev.servers[s.name]?.mode === 'DISABLED') return 'maintenance';
  if (s.role === 'UNKNOWN') return 'unreachable';
  if (before === 'UNKNOWN') return 'reachable';
  return s.role === 'PRIMARY' ? 'promoted' : 'demoted';
}

/** `previous` is null for a server the monitor had never seen answer. */
function previousRole(prev: MonitorState, name: string): string | null {
  const s = prev.servers[name];
  return s && s.lastProbeAt !== null ? s.role : null;
}

/** The monitoring state or the Primary's URL changed. */
export function monitoringStateChanged(prev: Pick<MonitorState, 'monitoringState' | 'primaryUrl'>, next: Omit<MonitoringStateChanged, 'previous'>): UnnumberedEvent[] {
  if (next.new === prev.monitoringState && next.primaryUrl === prev.primaryUrl) return [];
  return [{ detailType: 'MONITORING_STATE_CHANGED', detail: { previous: prev.monitoringState, ...next } }];
}
