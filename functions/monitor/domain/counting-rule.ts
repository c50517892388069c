import type { MachineSettings, ServerStatus } from './monitor-state.js';

/**
 * The counting rule: when failed probes add up to a lost server. Failures count as consecutive
 * only with no success between them (HAProxy's `fall`), and a call the server served is a success
 * as much as a failed probe is a failure. N of them must also span (N−1) probe intervals, so
 * request-triggered probes may confirm a loss sooner than the schedule but never on less evidence.
 */

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

/** A streak of failed probes: how many, and when the first began (null: none). */
export interface Streak {
  count: number;
  since: number | null;
}

/**
 * The failure streak a round starts from: a call sent since the streak began, and served, ends it.
 * A DOWN server is not brought back by calls (only a probe that answers does).
 */
export function streakAfterServedCall(before: ServerStatus, servedAt: number | undefined): Streak {
  const broken = before.health !== 'DOWN' && before.consecutiveFailures > 0 && servedAt !== undefined && servedAt >= (before.failingSince ?? Infinity);
  return broken ? { count: 0, since: null } : { count: before.consecutiveFailures, since: before.failingSince ?? null };
}

/** Whether a failed probe adds to the streak: one sent before the server last served a call is one slow answer, not a failure in a row. */
export function failedProbeCounts(before: ServerStatus, servedAt: number | undefined, probeAt: number): boolean {
  return before.health === 'DOWN' || servedAt === undefined || probeAt > servedAt;
}

/** The streak after a failed probe. A streak stored before `failingSince` existed began no later than this probe. */
export function streakAfterFailure(streak: Streak, counts: boolean, probeAt: number): Streak {
  if (!counts) return streak;
  return { count: streak.count + 1, since: streak.count > 0 ? (streak.since ?? probeAt) : probeAt };
}
