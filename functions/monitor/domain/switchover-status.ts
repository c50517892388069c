import type { MonitorState } from './monitor-machine.js';

const iso = (ms: number) => new Date(ms).toISOString();

/**
 * The planned switchover as status answers show it: the running one (state IN_PROGRESS), else the
 * last one (COMPLETED or TIMED_OUT, with when it ended), else null.
 */
export function switchoverStatus(state: MonitorState | undefined) {
  if (!state) return null;
  const sw = state.switchover;
  if (state.monitoringState === 'SWITCHOVER_IN_PROGRESS' && sw) {
    return { state: 'IN_PROGRESS', from: sw.from, target: sw.target, startedAt: iso(sw.startedAt), deadline: iso(sw.deadline) };
  }
  const last = state.lastSwitchover;
  if (!last) return null;
  return { state: last.outcome === 'completed' ? 'COMPLETED' : 'TIMED_OUT', from: last.from, target: last.target, startedAt: iso(last.startedAt), endedAt: iso(last.at) };
}
