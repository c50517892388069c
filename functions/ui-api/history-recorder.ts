import type { GroupIntervals, GroupState } from '../group/domain/group.js';
import { sampleOf, worthRecording, type HistorySample } from '../monitor/domain/history.js';
import type { MonitorState } from '../monitor/domain/monitor-machine.js';

export interface HistoryRecorderOptions {
  history: { append(sample: HistorySample): Promise<unknown> };
  /** The availability group as this process knows it (no read per sample where the agent ticks here). */
  group?: () => Promise<GroupState | undefined>;
  intervals?: GroupIntervals;
  now?: () => number;
  onError?: (err: unknown) => void;
}

/**
 * The dashboard's last hour, kept by the monitor's loop (lambdas/monitor.ts calls the answer once
 * per round with the state that round left): a sample when the picture changed or 10 s passed.
 * A state that did not move (a Secondary node's monitor skips its rounds) is never sampled twice.
 * The write is not awaited: a round never waits for the picture of itself.
 */
export function historyRecorder(o: HistoryRecorderOptions): (state: MonitorState | undefined) => void {
  const now = o.now ?? Date.now;
  let last: HistorySample | undefined;
  let busy = false;
  const record = async (state: MonitorState) => {
    const group = o.group ? await o.group().catch(() => undefined) : undefined;
    const sample = sampleOf(state, group, o.intervals, now());
    if (!worthRecording(last, sample)) return;
    last = sample;
    await o.history.append(sample);
  };
  return (state) => {
    if (!state || busy || (last && state.updatedAt <= last.t)) return;
    busy = true;
    void record(state)
      .catch((err: unknown) => o.onError?.(err))
      .finally(() => {
        busy = false;
      });
  };
}
