import type { MonitorState } from './domain/monitor-machine.js';

/** When this run started: switchovers that ended before it were counted by an earlier run. */
let countedUntil = Date.now();

/**
 * 1 when a planned switchover ended without completing (timed out or refused) since the last
 * report, read from the stored state: whichever process recorded it (often a request that held
 * calls), the alarm sees it.
 */
export function switchoversNotCompleted(state: MonitorState): number {
  const last = state.lastSwitchover;
  if (!last || last.at <= countedUntil) return 0;
  countedUntil = last.at;
  return last.outcome === 'completed' ? 0 : 1;
}

/** The outages counted per server when last reported: the metric is what was added since. */
const outagesReported = new Map<string, number>();

/**
 * Outages begun since the last report, from the stored counters (whichever process counted them):
 * each time a server stopped answering, even briefly and with no failover. The first report of a
 * run only takes note of where the counters stand.
 */
export function newOutages(state: MonitorState): number {
  let added = 0;
  for (const s of Object.values(state.servers)) {
    const n = s.outages ?? 0;
    const before = outagesReported.get(s.name);
    if (before !== undefined && n > before) added += n - before;
    outagesReported.set(s.name, n);
  }
  return added;
}

/** How long the longest-DISABLED host has been out (0 when none is). */
export function longestDisabledSeconds(state: MonitorState, now: number): number {
  const since = Object.values(state.servers).flatMap((s) => (s.mode === 'DISABLED' && s.disabledSince !== undefined ? [s.disabledSince] : []));
  return since.length ? Math.max(0, Math.round((now - Math.min(...since)) / 1000)) : 0;
}
