import { describe, expect, it } from 'vitest';
import { drainProgress } from '../../ui/src/drain-progress.js';
import { latencyOf, markersOf, nodeValue, SAMPLE_HOLD_MS, segmentsOf, serverValue } from '../../ui/src/history-model.js';
import { incidentsOf, lastFailover, labelOf, severityOf } from '../../ui/src/incidents.js';
import { duration, failureLabel } from '../../ui/src/labels.js';
import { nodeRow, serverRow } from '../../ui/src/server-view.js';
import type { LoggedEvent, Sample } from '../../ui/src/types.js';
import { iso, node, NOW, server } from './ui-fixtures.js';

describe('truthful rows', () => {
  it('a dead server: no green tag, no stale latency, what it last reported, why and for how long', () => {
    const dead = serverRow(server('bam1', { role: 'UNKNOWN', health: 'DOWN', latency_ms: 1000, consecutive_failures: 5, failing_since: iso(NOW - 125_000), last_failure: 'liveness: timeout' }), NOW);
    expect(dead).toEqual({
      role: { text: 'Unknown', colour: 'gray' },
      reported: 'last reported Primary',
      health: { text: 'Down', colour: 'red' },
      problem: 'Down for 2 min 5 s: health check did not answer in time',
      latency: '—',
      mode: { text: 'Enabled', colour: 'gray' },
    });
  });

  it('a server failing but not yet down says so; a healthy one shows its latency and never a green mode', () => {
    const failing = serverRow(server('bam1', { consecutive_failures: 1, failing_since: iso(NOW - 1000), last_failure: 'failover-api: unreachable' }), NOW);
    expect(failing.problem).toBe('1 failed probe for 1 s: Failover API refuses connections');
    expect(failing.latency).toBe('—');
    const fine = serverRow(server('bam2', { mode: 'NO_NEW_SESSIONS' }), NOW);
    expect(fine).toMatchObject({ problem: null, latency: '6 ms', reported: null, mode: { text: 'Draining', colour: 'purple' } });
    expect(serverRow(server('bam2', { role: 'PRIMARY', reported_role: 'Standalone' }), NOW).reported).toBe('reports Standalone');
  });

  it('a node without heartbeat is down with the heartbeat age', () => {
    expect(nodeRow(node('b', { available: false, last_seen: iso(NOW - 42_000) }), NOW)).toEqual({
      role: { text: 'Secondary', colour: 'gray' },
      state: { text: 'Down', colour: 'red' },
      heartbeat: 'no heartbeat for 42 s',
    });
    expect(nodeRow(node('a'), NOW).heartbeat).toBe('1 s ago');
  });

  it('words for failures and durations', () => {
    expect(failureLabel('system-info: rejected')).toBe("REST API rejected the gateway's credentials");
    expect(failureLabel('odd')).toBe('odd');
    expect([duration(59_400), duration(120_000), duration(7_500_000)]).toEqual(['59 s', '2 min', '2 h 5 min']);
  });

  it('a drain shows sessions left out of the most it had, and forgets them when it ends', () => {
    const peaks = new Map<string, number>();
    expect(drainProgress(peaks, 'bam2', 'NO_NEW_SESSIONS', 4)).toEqual({ value: 0, max: 4, done: false, text: '4 of 4 sessions left' });
    expect(drainProgress(peaks, 'bam2', 'NO_NEW_SESSIONS', 1)).toMatchObject({ value: 3, text: '1 of 4 sessions left' });
    expect(drainProgress(peaks, 'bam2', 'NO_NEW_SESSIONS', 0)).toMatchObject({ done: true, text: 'No sessions left: safe to disable.' });
    expect(drainProgress(peaks, 'bam2', 'ENABLED', 3)).toBeNull();
    expect(peaks.size).toBe(0);
  });
});

const sample = (t: number, bam1: Partial<Sample['servers'][string]>, extra: Partial<Sample> = {}): Sample => ({
  t,
  state: 'MONITORING',
  split_brain: false,
  servers: { bam1: { role: 'PRIMARY', health: 'UP', latency_ms: 5, mode: 'ENABLED', ...bam1 }, bam2: { role: 'STANDBY', health: 'UP', latency_ms: 4, mode: 'ENABLED' } },
  nodes: { a: { role: 'PRIMARY', available: true }, b: { role: 'SECONDARY', available: t < NOW - 20_000 } },
  ...extra,
});

describe('the last hour drawn', () => {
  const from = NOW - 3_600_000;
  const samples = [
    sample(NOW - 60_000, {}),
    sample(NOW - 50_000, {}),
    sample(NOW - 40_000, { role: 'UNKNOWN', health: 'DOWN', latency_ms: null }, { state: 'FAILOVER_IN_PROGRESS' }),
    sample(NOW - 30_000, { role: 'UNKNOWN', health: 'DOWN', latency_ms: null }),
    sample(NOW - 20_000, { mode: 'NO_NEW_SESSIONS', role: 'STANDBY' }, { split_brain: true }),
  ];

  it('joins samples into segments per row, each holding until the next sample, gaps left empty', () => {
    expect(segmentsOf(samples, (s) => serverValue(s, 'bam1'), from, NOW)).toEqual([
      { from: NOW - 60_000, to: NOW - 40_000, value: 'PRIMARY' },
      { from: NOW - 40_000, to: NOW - 20_000, value: 'DOWN' },
      { from: NOW - 20_000, to: NOW, value: 'STANDBY_DRAINING' },
    ]);
    expect(segmentsOf(samples, (s) => nodeValue(s, 'b'), from, NOW).map((s) => s.value)).toEqual(['SECONDARY', 'DOWN']);
    // A sample an hour old with nothing after it holds only SAMPLE_HOLD_MS: then no data.
    expect(segmentsOf([sample(NOW - 600_000, {})], (s) => serverValue(s, 'bam1'), from, NOW)).toEqual([{ from: NOW - 600_000, to: NOW - 600_000 + SAMPLE_HOLD_MS, value: 'PRIMARY' }]);
  });

  it('draws latency with a break where a probe got no answer', () => {
    expect(latencyOf(samples, 'bam1', from).map((p) => p.ms)).toEqual([5, 5, null, null, 5]);
  });

  it('marks the failover from its events and the split brain from the samples', () => {
    const events: LoggedEvent[] = [
      { id: '1', type: 'MONITORING_STATE_CHANGED', time: iso(NOW - 40_000), detail: { previous: 'MONITORING', new: 'FAILOVER_IN_PROGRESS' } },
      { id: '2', type: 'MONITORING_STATE_CHANGED', time: iso(NOW - 25_000), detail: { previous: 'FAILOVER_IN_PROGRESS', new: 'MONITORING', primaryUrl: 'http://bam2:8080' } },
    ];
    expect(markersOf(events, samples, from, NOW)).toEqual([
      { kind: 'failover', from: NOW - 40_000, to: NOW - 25_000, label: 'Failover' },
      { kind: 'split-brain', from: NOW - 20_000, to: NOW, label: 'Split brain' },
    ]);
    expect(lastFailover(events)).toEqual({ start: NOW - 40_000, end: NOW - 25_000, primaryUrl: 'http://bam2:8080' });
    expect(lastFailover(events.slice(0, 1))).toEqual({ start: NOW - 40_000, end: null, primaryUrl: null });
  });
});

describe('events for people', () => {
  const ev = (id: string, secondsAgo: number, type: string, detail: Record<string, unknown>): LoggedEvent => ({ id, type, time: iso(NOW - secondsAgo * 1000), detail });
  const events = [
    ev('a', 100, 'BACKEND_HOST_MODE_CHANGED', { host: { name: 'bam2' }, previous: 'ENABLED', new: 'NO_NEW_SESSIONS', by: 'op' }),
    ev('b', 90, 'CONFIGURATION_ACTIVATED', { version: 4, hosts: ['bam2'] }),
    ev('c', 60, 'MONITORING_STATE_CHANGED', { previous: 'MONITORING', new: 'FAILOVER_IN_PROGRESS' }),
    ev('d', 58, 'NODE_ROLE_CHANGED', { node: { kind: 'address-manager', id: 'bam1' }, previous: 'PRIMARY', new: 'UNKNOWN', reason: 'unreachable' }),
    ev('e', 46, 'MONITORING_STATE_CHANGED', { previous: 'FAILOVER_IN_PROGRESS', new: 'MONITORING', primaryUrl: 'http://bam2:8080' }),
    ev('f', 30, 'SPLIT_BRAIN_DETECTED', { servers: [{ name: 'bam1' }, { name: 'bam2' }] }),
    ev('g', 10, 'BACKEND_HOST_MODE_CHANGED', { host: { name: 'bam2' }, previous: 'NO_NEW_SESSIONS', new: 'ENABLED' }),
  ];

  it('groups incidents with their events and durations, whatever the order they come in', () => {
    const incidents = incidentsOf([...events].reverse());
    expect(incidents.map((i) => [i.kind, i.title, i.end === null ? null : (i.end - i.start) / 1000, i.eventIds])).toEqual([
      ['maintenance', 'Maintenance of bam2', 90, ['a', 'b', 'g']],
      ['failover', 'Failover', 14, ['c', 'd', 'e']],
      ['split-brain', 'Split brain: bam1 and bam2 claim to be Primary', 0, ['f']],
    ]);
  });

  it('says what happened in words, with a severity', () => {
    expect(events.map((e) => [severityOf(e), labelOf(e)])).toEqual([
      ['info', 'bam2: Enabled → Draining by op'],
      ['info', 'Maintenance configuration v4 activated'],
      ['critical', 'Failover started: the Primary was lost'],
      ['warning', 'Address Manager bam1: Primary → Unknown (it stopped answering)'],
      ['ok', 'Failover ended: new Primary http://bam2:8080'],
      ['critical', 'Split brain: bam1 and bam2 claim to be Primary'],
      ['ok', 'bam2: Draining → Enabled'],
    ]);
  });
});
