import { describe, expect, it } from 'vitest';
import { advance, initialState, streakIsDown, type MachineSettings, type MonitorState } from '../../functions/monitor/domain/monitor-machine.js';
import type { BamRole, ProbeResult } from '../../functions/bam/probe.js';

/** docs/failover.md: a server is DOWN after N consecutive failed probes spanning at least (N−1) probe intervals. */
const servers = [
  { name: 'bam1', url: 'http://bam1' },
  { name: 'bam2', url: 'http://bam2' },
];
const timed: MachineSettings = { failuresBeforeFailover: 2, probeIntervalMs: 1000 };

type Obs = BamRole | 'down';
const healthy = { bam1: 'PRIMARY', bam2: 'STANDBY' } as const;
const lost = { bam1: 'down', bam2: 'STANDBY' } as const;

function round(obs: Record<string, Obs>, at: number): ProbeResult[] {
  return Object.entries(obs).map(([server, o]) => (o === 'down' ? { server, ok: false, error: 'refused', latencyMs: 1, at } : { server, ok: true, role: o, latencyMs: 1, at }));
}

/** Rounds at given times (ms): [time, observation]; starts from a healthy first round at t=0. */
function runAt(settings: MachineSettings, ...rounds: [number, Record<string, Obs>][]) {
  let state: MonitorState = initialState(servers, 0);
  const states: MonitorState[] = [];
  for (const [at, obs] of [[0, healthy] as [number, Record<string, Obs>], ...rounds]) {
    state = advance(state, round(obs, at), at, settings, servers).state;
    states.push(state);
  }
  return { state, states };
}

describe('streakIsDown', () => {
  const cases: [MachineSettings, number, number, number, boolean][] = [
    // settings, failures, failingSince, lastFailureAt, DOWN?
    [timed, 1, 0, 5000, false], // one failure is never a loss, however old
    [timed, 2, 0, 200, false], // request-triggered probes 200 ms apart: inside the window
    [timed, 5, 0, 800, false], // many failures still inside the window
    [timed, 2, 0, 949, false],
    [timed, 2, 0, 950, true], // a scheduled round a little early (timer jitter) still counts
    [timed, 2, 0, 1000, true],
    [{ failuresBeforeFailover: 3, probeIntervalMs: 1000 }, 3, 0, 1000, false], // N=3 needs two intervals
    [{ failuresBeforeFailover: 3, probeIntervalMs: 1000 }, 3, 0, 2000, true],
    [{ failuresBeforeFailover: 3, probeIntervalMs: 1000 }, 2, 0, 9000, false], // and three failures
    [{ failuresBeforeFailover: 1, probeIntervalMs: 1000 }, 1, 0, 0, true], // N=1: every failure is a loss
    [{ failuresBeforeFailover: 2 }, 2, 0, 0, true], // no interval given: count only
  ];
  it.each(cases)('%j: %i failures from %i to %i → %s', (settings, failures, since, last, down) => {
    expect(streakIsDown(failures, since, last, settings)).toBe(down);
  });
});

describe('hysteresis in time', () => {
  it('request-triggered probes every 200 ms during a 400 ms blip: no DOWN, no epoch change', () => {
    const { state, states } = runAt(timed, [1100, lost], [1300, lost], [1500, lost], [1700, healthy]);
    expect(states.every((s) => s.monitoringState === 'MONITORING' && s.epoch === 1)).toBe(true);
    expect(state.servers.bam1).toMatchObject({ health: 'UP', consecutiveFailures: 0, failingSince: null, incarnation: 0 });
  });

  it('probes every 200 ms confirm the loss once the streak spans an interval, not before', () => {
    const { states } = runAt(timed, [1100, lost], [1300, lost], [1500, lost], [1700, lost], [1900, lost], [2100, lost]);
    expect(states.map((s) => s.monitoringState)).toEqual(['MONITORING', 'MONITORING', 'MONITORING', 'MONITORING', 'MONITORING', 'MONITORING', 'FAILOVER_IN_PROGRESS']);
    expect(states.at(-1)!.servers.bam1).toMatchObject({ health: 'DOWN', failingSince: 1100, consecutiveFailures: 6 });
  });

  it('scheduled rounds an interval apart lose the Primary on the Nth failure, as before', () => {
    const { state } = runAt(timed, [1000, lost], [1995, lost]);
    expect(state).toMatchObject({ monitoringState: 'FAILOVER_IN_PROGRESS', epoch: 2 });
  });

  it('a good answer ends the streak: the next failure starts a new window', () => {
    const { state } = runAt(timed, [1000, lost], [1500, healthy], [1700, lost], [2100, lost]);
    expect(state).toMatchObject({ monitoringState: 'MONITORING', epoch: 1 });
    expect(state.servers.bam1).toMatchObject({ failingSince: 1700, consecutiveFailures: 2, health: 'UP' });
  });

  it('applies to a Standby too: DOWN only after the window', () => {
    const standbyLost = { bam1: 'PRIMARY', bam2: 'down' } as const;
    const early = runAt(timed, [1000, standbyLost], [1200, standbyLost]);
    expect(early.state.servers.bam2!.health).toBe('UP');
    const late = runAt(timed, [1000, standbyLost], [2000, standbyLost]);
    expect(late.state.servers.bam2).toMatchObject({ health: 'DOWN', incarnation: 1 });
  });

  it('a stored streak without failingSince (older state) counts from its next failure', () => {
    const s0 = runAt(timed, [1000, lost]).state;
    const legacy: MonitorState = { ...s0, servers: { ...s0.servers, bam1: { ...s0.servers.bam1!, failingSince: undefined } } };
    const next = advance(legacy, round(lost, 1200), 1200, timed, servers).state;
    expect(next.servers.bam1).toMatchObject({ health: 'UP', failingSince: 1200 });
  });
});

describe('the epoch since which the Primary has been Primary', () => {
  it('is the epoch of the first confirmation', () => {
    expect(runAt(timed).state).toMatchObject({ epoch: 1, primarySinceEpoch: 1, lastPrimary: 'bam1' });
  });

  it('survives a loss after which the same server is confirmed again (epoch +2)', () => {
    const { state, states } = runAt(timed, [1000, lost], [2000, lost], [3000, healthy]);
    expect(states[2]).toMatchObject({ monitoringState: 'FAILOVER_IN_PROGRESS', primary: null, lastPrimary: 'bam1', primarySinceEpoch: 1 });
    expect(state).toMatchObject({ monitoringState: 'MONITORING', primary: 'bam1', epoch: 3, primarySinceEpoch: 1 });
  });

  it('moves to the new epoch when another server is confirmed', () => {
    const promoted = { bam1: 'down', bam2: 'PRIMARY' } as const;
    const { state } = runAt(timed, [1000, lost], [2000, lost], [3000, promoted]);
    expect(state).toMatchObject({ primary: 'bam2', epoch: 3, primarySinceEpoch: 3 });
  });

  it('moves on a direct switch too, and back: bam1 → bam2 → bam1 is a new epoch for bam1', () => {
    const switched = { bam1: 'STANDBY', bam2: 'PRIMARY' } as const;
    const { states } = runAt(timed, [1000, switched], [2000, healthy]);
    expect(states[1]).toMatchObject({ primary: 'bam2', epoch: 2, primarySinceEpoch: 2 });
    expect(states[2]).toMatchObject({ primary: 'bam1', epoch: 3, primarySinceEpoch: 3 });
  });
});
