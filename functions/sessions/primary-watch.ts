import type { BamServer } from './domain/servers.js';
import { FailoverInProgressError } from '../kernel/errors.js';
import type { MonitorState } from '../monitor/domain/monitor-machine.js';

/** How long a call through the alias may go unanswered, with its server serving nothing since it was sent, before it probes. */
export const STALL_MS = 200;

export interface PrimaryWatchDeps {
  /** A probe round (shared with any begun less than `minGapMs` ago). */
  probeNow?: (minGapMs?: number) => Promise<unknown>;
  /** When this process last received an answer the server at `url` served. */
  answeredAt: (url: string) => number | undefined;
  /** Every monitor state this process adopts from now on; answers the unsubscribe. */
  subscribe?: (listener: (state: MonitorState) => void) => () => void;
  /** The latest state this process adopted (the decision may have come just before the call). */
  latest?: () => MonitorState | undefined;
  retryAfterSeconds: () => number;
  now: () => number;
}

/**
 * A call through the alias to `server`, the Primary in `epoch`, watched while it waits for BAM:
 * - it went STALL_MS without an answer while its server served nothing since it was sent (a hung
 *   server accepts and never answers): it probes, once, so the monitor counts the hang from then,
 *   not from its next scheduled round;
 * - this process sees the monitor decide the Primary is lost (FAILOVER_IN_PROGRESS in a newer
 *   epoch, or already another Primary that no planned switchover from it brought): it answers the
 *   failover 503 at once instead of waiting out the BAM timeout. The call
 *   itself runs on to its timeout; what it answers then is dropped. A call BAM may apply later gets
 *   what a timed-out one gets (the 503), so only the client decides to send it again.
 */
export function watchPrimaryCall<T>(call: Promise<T>, server: BamServer, epoch: number, d: PrimaryWatchDeps): Promise<T> {
  const sentAt = d.now();
  let stop = () => {};
  const lost = new Promise<never>((_, reject) => {
    const check = (state: MonitorState | undefined) => {
      if (state && state.epoch > epoch && lostFrom(state, server.name)) reject(new FailoverInProgressError(d.retryAfterSeconds()));
    };
    const unsubscribe = d.subscribe?.(check) ?? (() => undefined);
    check(d.latest?.());
    const stall = setTimeout(() => {
      if ((d.answeredAt(server.url) ?? Number.NEGATIVE_INFINITY) < sentAt) void d.probeNow?.(STALL_MS).catch(() => undefined);
    }, STALL_MS);
    stop = () => {
      clearTimeout(stall);
      unsubscribe();
    };
  });
  lost.catch(() => undefined);
  return Promise.race([call, lost]).finally(() => stop());
}

/**
 * Whether `state` says `server` was lost as the Primary. Not after a planned switchover away from
 * it: the server answers 503 during and after the handover, which the hold path rides out.
 */
function lostFrom(state: MonitorState, server: string): boolean {
  if (state.monitoringState === 'FAILOVER_IN_PROGRESS') return true;
  const planned = state.lastSwitchover?.outcome === 'completed' && state.lastSwitchover.from === server && state.lastSwitchover.epoch === state.epoch;
  return state.monitoringState === 'MONITORING' && state.primary !== server && !planned;
}
