import type { DashboardAnswer } from './types.js';

/** Polling proportional to change: slow while steady, fast while something moves. */
export const STEADY_MS = 10_000;
export const FAST_MS = 2000;
/** After a change (seen in the data, or made by the user) the page keeps reading fast this long. */
export const AFTER_CHANGE_MS = 30_000;
/** The gateway did not answer: try again at this pace, neither hammering it nor waiting long. */
export const RETRY_MS = 5000;

/** Everything a change of which should speed polling up: states, roles, health, modes, nodes. Not latencies or ages. */
export function changeKey(a: DashboardAnswer): string {
  const st = a.status;
  const servers = st.servers.map((s) => `${s.name}:${s.role}:${s.health}:${s.mode}:${s.consecutive_failures > 0}`);
  const nodes = a.group.visible && a.group.in_group ? a.group.nodes.map((n) => `${n.node_id}:${n.node_role}:${n.available}`) : [];
  return [st.monitoring_state, st.primary_url, st.epoch, st.split_brain, ...servers, '|', ...nodes].join(',');
}

export interface PollInput {
  last: DashboardAnswer | null;
  /** When a change was last seen or made (local clock), or 0. */
  changedAt: number;
  now: number;
  failed: boolean;
}

/** How long to wait before the next read. */
export function nextDelayMs({ last, changedAt, now, failed }: PollInput): number {
  if (failed) return RETRY_MS;
  const state = last?.status.monitoring_state;
  if (state === 'FAILOVER_IN_PROGRESS' || state === 'SWITCHOVER_IN_PROGRESS') return FAST_MS;
  if (now - changedAt < AFTER_CHANGE_MS) return FAST_MS;
  return STEADY_MS;
}
