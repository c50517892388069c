import { describe, expect, it } from 'vitest';
import { encodeSample, parseStored, sampleOf, slotKey, worthRecording, minuteOf, type HistorySample } from '../../functions/monitor/domain/history.js';
import { decodeSample } from '../../ui/src/history-codec.js';
import { advance, initialState, type MonitorState } from '../../functions/monitor/domain/monitor-machine.js';
import { historyRecorder } from '../../functions/ui-api/history-recorder.js';
import type { GroupState } from '../../functions/group/domain/group.js';

const servers = [
  { name: 'bam1', url: 'http://bam1' },
  { name: 'bam2', url: 'http://bam2' },
];
const intervals = { healthReportMs: 1000, healthCheckMs: 1000, allowedAbsenceMs: 3000 };
const group: GroupState = {
  version: 3,
  epoch: 1,
  primary: 'a',
  heartbeatSeq: 9,
  lastHeartbeatAt: 10_000,
  updatedAt: 10_000,
  members: { a: { id: 'a', url: null, joinedAt: 0, lastSeen: 10_000 }, b: { id: 'b', url: null, joinedAt: 0, lastSeen: 2_000 } },
} as GroupState;

/** bam1 Primary and bam2 Standby after one round; then bam1 stops answering. */
function states(): { healthy: MonitorState; failing: MonitorState } {
  const settings = { failuresBeforeFailover: 2 };
  const healthy = advance(
    initialState(servers, 0),
    [
      { server: 'bam1', ok: true, role: 'PRIMARY', latencyMs: 6, at: 1000 },
      { server: 'bam2', ok: true, role: 'STANDBY', latencyMs: 4, at: 1000 },
    ],
    1000,
    settings,
    servers,
  ).state;
  const failing = advance(
    healthy,
    [
      { server: 'bam1', ok: false, error: 'refused', latencyMs: 1000, at: 2000 },
      { server: 'bam2', ok: true, role: 'STANDBY', latencyMs: 5, at: 2000 },
    ],
    2000,
    settings,
    servers,
  ).state;
  return { healthy, failing };
}

describe("history samples (the dashboard's last hour)", () => {
  it('hold each server and node as the dashboard draws them; a failed probe has no latency, a node past its absence is unavailable', () => {
    const { healthy, failing } = states();
    expect(sampleOf(healthy, undefined, undefined, 1000)).toEqual({
      t: 1000,
      state: 'MONITORING',
      split_brain: false,
      servers: { bam1: { role: 'PRIMARY', health: 'UP', latency_ms: 6, mode: 'ENABLED' }, bam2: { role: 'STANDBY', health: 'UP', latency_ms: 4, mode: 'ENABLED' } },
    });
    const s = sampleOf(failing, group, intervals, 10_500);
    expect(s.servers.bam1!.latency_ms).toBeNull(); // the 1000 ms it waited is not how fast bam1 answers
    expect(s.nodes).toEqual({ a: { role: 'PRIMARY', available: true }, b: { role: 'SECONDARY', available: false } });
  });

  it('are stored as a short string that the web UI reads back the same', () => {
    const { failing } = states();
    const s = sampleOf(failing, group, intervals, 10_500);
    const raw = encodeSample(s);
    expect(raw.length).toBeLessThan(120);
    expect(decodeSample(parseStored(raw))).toEqual(s);
    expect(parseStored('not json')).toBeUndefined();
    expect(decodeSample([1, '?', 0, []])).toBeUndefined();
  });

  it('are kept when the picture changed or 10 s passed, not for every round', () => {
    const { healthy } = states();
    const a = sampleOf(healthy, undefined, undefined, 0);
    const later = (ms: number, change?: Partial<HistorySample>): HistorySample => ({ ...a, t: a.t + ms, ...change });
    expect(worthRecording(undefined, a)).toBe(true);
    expect(worthRecording(a, later(1000))).toBe(false);
    expect(worthRecording(a, later(9000))).toBe(false);
    expect(worthRecording(a, later(10_000))).toBe(true);
    expect(worthRecording(a, later(1000, { state: 'FAILOVER_IN_PROGRESS' }))).toBe(true);
    expect(worthRecording(a, later(0, { state: 'FAILOVER_IN_PROGRESS' }))).toBe(false); // not older nor the same moment
  });

  it('go to one of 60 slots, one per minute of the hour', () => {
    expect(slotKey(minuteOf(0))).toBe('HISTORY#00');
    expect(slotKey(minuteOf(59 * 60_000 + 59_999))).toBe('HISTORY#59');
    expect(slotKey(minuteOf(60 * 60_000))).toBe('HISTORY#00');
  });
});

describe('the monitor loop keeping the history', () => {
  it("samples a round's state when the picture changed or 10 s passed, never a state that did not move", async () => {
    const { healthy, failing } = states();
    const kept: HistorySample[] = [];
    const record = historyRecorder({ history: { append: async (s) => void kept.push(s) }, now: () => 2000 });
    const settle = () => new Promise((r) => setTimeout(r, 5));
    record(undefined); // no round yet
    record(healthy);
    await settle();
    record(healthy); // a Secondary's monitor skips its rounds: the same state again
    record({ ...healthy, updatedAt: 1500 }); // same picture, half a second later
    await settle();
    record(failing);
    await settle();
    record({ ...failing, updatedAt: 12_000 });
    await settle();
    expect(kept.map((s) => s.t)).toEqual([1000, 2000, 12_000]);
  });
});
