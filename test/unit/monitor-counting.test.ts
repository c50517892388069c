import { describe, expect, it } from 'vitest';
import { advance, initialState, type MachineSettings, type MonitorState, type ServerStatus } from '../../functions/monitor/domain/monitor-machine.js';
import type { ProbeResult } from '../../functions/bam/probe.js';

/**
 * Issue 24 item 3: failures are consecutive only with no success between them (HAProxy's `fall`),
 * and a call the server served is a success as much as a failed probe is a failure.
 */
const servers = [
  { name: 'bam1', url: 'http://bam1' },
  { name: 'bam2', url: 'http://bam2' },
];
const settings: MachineSettings = { failuresBeforeFailover: 2, probeIntervalMs: 1000 };

const ok = (server: string, at: number, role: 'PRIMARY' | 'STANDBY'): ProbeResult => ({ server, ok: true, role, latencyMs: 1, at });
const failed = (server: string, at: number): ProbeResult => ({ server, ok: false, error: 'refused', failure: 'unreachable', lastFailure: 'liveness: unreachable', latencyMs: 1, at });

/** bam1 the confirmed Primary at t=0, with the given streak already stored for it. */
function withStreak(streak: Partial<ServerStatus>): MonitorState {
  const s = advance(initialState(servers, 0), [ok('bam1', 0, 'PRIMARY'), ok('bam2', 0, 'STANDBY')], 0, settings, servers).state;
  return { ...s, servers: { ...s.servers, bam1: { ...s.servers.bam1!, ...streak } } };
}

type Row = {
  name: string;
  streak: Partial<ServerStatus>;
  served?: number;
  /** bam1's probe this round: a failure at that time, or none. */
  failureAt?: number;
  expect: Partial<ServerStatus>;
  outagesAdded: number;
};

const rows: Row[] = [
  { name: 'a first failure starts a streak (and counts an outage)', streak: {}, failureAt: 1000, expect: { consecutiveFailures: 1, failingSince: 1000, health: 'UP' }, outagesAdded: 1 },
  {
    name: 'a second failure an interval later with nothing served since the first: DOWN',
    streak: { consecutiveFailures: 1, failingSince: 1000, lastProbeAt: 1000 },
    served: 900,
    failureAt: 2000,
    expect: { consecutiveFailures: 2, failingSince: 1000, health: 'DOWN' },
    outagesAdded: 0,
  },
  {
    name: 'a call served between the two failures: the streak starts again at the second',
    streak: { consecutiveFailures: 1, failingSince: 1000, lastProbeAt: 1000 },
    served: 1500,
    failureAt: 2000,
    expect: { consecutiveFailures: 1, failingSince: 2000, health: 'UP' },
    outagesAdded: 1,
  },
  {
    name: 'a call served the very moment the streak began ends it too',
    streak: { consecutiveFailures: 1, failingSince: 1000, lastProbeAt: 1000 },
    served: 1000,
    failureAt: 2000,
    expect: { consecutiveFailures: 1, failingSince: 2000, health: 'UP' },
    outagesAdded: 1,
  },
  {
    name: 'a failed probe sent before the last served call does not count (one slow answer)',
    streak: { consecutiveFailures: 1, failingSince: 1000, lastProbeAt: 1000 },
    served: 2100,
    failureAt: 2000,
    expect: { consecutiveFailures: 0, failingSince: null, health: 'UP' },
    outagesAdded: 0,
  },
  { name: 'nor does a first failure sent before a served call', streak: {}, served: 1200, failureAt: 1000, expect: { consecutiveFailures: 0, failingSince: null, health: 'UP' }, outagesAdded: 0 },
  {
    name: 'a call served ends a streak even in a round that did not probe the server',
    streak: { consecutiveFailures: 1, failingSince: 1000, lastProbeAt: 1000 },
    served: 1500,
    expect: { consecutiveFailures: 0, failingSince: null, health: 'UP' },
    outagesAdded: 0,
  },
  {
    name: 'a failure older than the last probe applied (rounds settled out of order) is stale: it does not count',
    streak: { consecutiveFailures: 1, failingSince: 2000, lastProbeAt: 2000 },
    failureAt: 1000,
    expect: { consecutiveFailures: 1, failingSince: 2000, lastProbeAt: 2000, health: 'UP' },
    outagesAdded: 0,
  },
  {
    name: 'a DOWN server is not brought back by calls: only a probe that answers does',
    streak: { consecutiveFailures: 2, failingSince: 0, health: 'DOWN', lastProbeAt: 1000 },
    served: 5000,
    failureAt: 6000,
    expect: { consecutiveFailures: 3, failingSince: 0, health: 'DOWN' },
    outagesAdded: 0,
  },
];

describe('the counting rule (HAProxy fall)', () => {
  it.each(rows)('$name', (row) => {
    const prev = withStreak(row.streak);
    const probes = [ok('bam2', row.failureAt ?? 2000, 'STANDBY'), ...(row.failureAt !== undefined ? [failed('bam1', row.failureAt)] : [])];
    const next = advance(prev, probes, (row.failureAt ?? 2000) + 5, settings, servers, undefined, row.served === undefined ? {} : { bam1: row.served }).state;
    expect(next.servers.bam1).toMatchObject(row.expect);
    expect((next.servers.bam1!.outages ?? 0) - (prev.servers.bam1!.outages ?? 0)).toBe(row.outagesAdded);
  });
});

describe('rounds that settle out of order', () => {
  it('a stale answer never overrides a newer one: the Primary confirmed since is not lost to what it said before its promote', () => {
    // bam1 hung and lost; bam2 promoted and confirmed by a round begun at 3000 that did not wait for bam1.
    let s = advance(initialState(servers, 0), [ok('bam1', 0, 'PRIMARY'), ok('bam2', 0, 'STANDBY')], 0, settings, servers).state;
    s = advance(s, [failed('bam1', 1000), ok('bam2', 1000, 'STANDBY')], 2000, settings, servers).state;
    s = advance(s, [failed('bam1', 2000), ok('bam2', 2000, 'STANDBY')], 3000, settings, servers).state;
    expect(s.monitoringState).toBe('FAILOVER_IN_PROGRESS');
    s = advance(s, [ok('bam2', 3000, 'PRIMARY')], 3010, settings, servers).state;
    expect(s).toMatchObject({ monitoringState: 'MONITORING', primary: 'bam2', epoch: 3 });
    // A round begun at 2500, before the promote, settles now: bam2 said Standby then.
    const late = advance(s, [failed('bam1', 2500), ok('bam2', 2500, 'STANDBY')], 3500, settings, servers);
    expect(late.state).toMatchObject({ monitoringState: 'MONITORING', primary: 'bam2', epoch: 3 });
    expect(late.state.servers.bam2).toMatchObject({ role: 'PRIMARY', lastProbeAt: 3000 });
    expect(late.events).toEqual([]);
  });
});

describe('a Primary that answers between short outages (stopped 100 ms ten times, 500 ms apart)', () => {
  /** Each outage is seen by a request-triggered probe; calls are served between outages, and scheduled probes may land in an outage. */
  function flap(withCalls: boolean) {
    let state = advance(initialState(servers, 0), [ok('bam1', 0, 'PRIMARY'), ok('bam2', 0, 'STANDBY')], 0, settings, servers).state;
    const states: MonitorState[] = [];
    for (let k = 1; k <= 10; k++) {
      const outage = k * 500;
      const served: Record<string, number> = withCalls ? { bam1: outage - 10 } : {};
      state = advance(state, [failed('bam1', outage + 5), ok('bam2', outage + 5, 'STANDBY')], outage + 10, settings, servers, undefined, served).state;
      states.push(state);
    }
    return { state, states };
  }

  it('with calls served between the outages: never DOWN, no new epoch; every outage is counted and the last failure shows', () => {
    const { state, states } = flap(true);
    expect(states.every((s) => s.monitoringState === 'MONITORING' && s.epoch === 1)).toBe(true);
    expect(state.servers.bam1).toMatchObject({ health: 'UP', consecutiveFailures: 1, failingSince: 5005, outages: 10, lastFailure: 'liveness: unreachable', lastFailureAt: 5005 });
  });

  it('with nothing seen between them the same failures are consecutive: the Primary is lost (what the rule guards against)', () => {
    expect(flap(false).state).toMatchObject({ monitoringState: 'FAILOVER_IN_PROGRESS', epoch: 2 });
  });

  it('the last failure stays visible once the server answers again', () => {
    const s = flap(true).state;
    const back = advance(s, [ok('bam1', 6000, 'PRIMARY'), ok('bam2', 6000, 'STANDBY')], 6000, settings, servers).state;
    expect(back.servers.bam1).toMatchObject({ consecutiveFailures: 0, failingSince: null, lastFailure: 'liveness: unreachable', lastFailureAt: 5005, outages: 10 });
  });
});
