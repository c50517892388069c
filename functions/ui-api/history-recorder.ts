import type { MonitorStore } from '../adapters/monitor-store.js';
import type { GroupIntervals, GroupState } from '../domain/group.js';
import { sampleOf, worthRecording, type HistorySample } from '../domain/history.js';

export interface HistoryRecorderOptions {
  history: { append(sample: HistorySample): Promise<unknown> };
  /** The availability group as this process knows it (no read per sample where the agent ticks here). */
  group?: () => Promise<GroupState | undefined>;
  intervals?: GroupIntervals;
  now?: () => number;
  onError?: (err: unknown) => void;
}

/**
 * The monitor's store, keeping the dashboard's last hour on the side: after each committed state
 * (a transition, or the monitor's periodic write, every 10 s when nothing changes) one sample goes
 * to the history ring, unless it adds nothing to the last one this process kept. The write is not
 * awaited: a monitor round (and the calls held on it) never waits for the picture of itself.
 */
export function recordingHistory(store: MonitorStore, o: HistoryRecorderOptions): MonitorStore {
  const now = o.now ?? Date.now;
  let last: HistorySample | undefined;
  const record = async (state: Parameters<MonitorStore['commit']>[0]) => {
    const group = o.group ? await o.group().catch(() => undefined) : undefined;
    const sample = sampleOf(state, group, o.intervals, now());
    if (!worthRecording(last, sample)) return;
    last = sample;
    await o.history.append(sample);
  };
  return {
    get outbox() {
      return store.outbox;
    },
    get: () => store.get(),
    async commit(next, events) {
      const ok = await store.commit(next, events);
      if (ok) void record(next).catch((err: unknown) => o.onError?.(err));
      return ok;
    },
    getServiceSession: (epoch) => store.getServiceSession(epoch),
    claimServiceSession: (...a) => store.claimServiceSession(...a),
    completeServiceSession: (...a) => store.completeServiceSession(...a),
  };
}
