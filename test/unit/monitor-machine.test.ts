import { describe, expect, it } from 'vitest';
import { advance, initialState, type MonitorState, type Transition } from '../../functions/monitor/domain/monitor-machine.js';
import type { BamRole, ProbeResult } from '../../functions/bam/probe.js';

const servers = [
  { name: 'bam1', url: 'http://bam1' },
  { name: 'bam2', url: 'http://bam2' },
];
const settings = { failuresBeforeFailover: 2 };

type Obs = BamRole | 'down';
/** One probe round: what each server answered ('down' = no answer). */
function round(obs: Record<string, Obs>, at = 0): ProbeResult[] {
  return Object.entries(obs).map(([server, o]) => (o === 'down' ? { server, ok: false, error: 'refused', latencyMs: 1, at } : { server, ok: true, role: o, latencyMs: 1, at }));
}

/** Runs rounds from a fresh state and returns the final transition plus all events. */
function run(...rounds: Record<string, Obs>[]) {
  let state: MonitorState = initialState(servers, 0);
  const events: { type: string; detail: Record<string, unknown> }[] = [];
  let last: Transition | undefined;
  rounds.forEach((r, i) => {
    last = advance(state, round(r, i * 1000), i * 1000, settings, servers);
    state = last.state;
    events.push(...last.events.map((e) => ({ type: e.detailType, detail: e.detail as unknown as Record<string, unknown> })));
  });
  return { state, events, last: last! };
}

const healthy = { bam1: 'PRIMARY', bam2: 'STANDBY' } as const;
const roleChanges = (events: { type: string; detail: Record<string, unknown> }[]) =>
  events.filter((e) => e.type === 'NODE_ROLE_CHANGED').map((e) => `${(e.detail.node as { id: string }).id}:${e.detail.previous}->${e.detail.new}`);

describe('failover state machine', () => {
  it('discovers the Primary on the first round: MONITORING, epoch 1, one role event per server', () => {
    const { state, events } = run(healthy);
    expect(state).toMatchObject({ monitoringState: 'MONITORING', primary: 'bam1', primaryUrl: 'http://bam1', epoch: 1, version: 1 });
    expect(roleChanges(events)).toEqual(['bam1:null->PRIMARY', 'bam2:null->STANDBY']);
    expect(events.filter((e) => e.type === 'MONITORING_STATE_CHANGED')[0]?.detail).toMatchObject({ previous: 'STOPPED', new: 'MONITORING', primaryUrl: 'http://bam1', epoch: 1 });
  });

  it('stays STOPPED while no server claims Primary', () => {
    const { state, events } = run({ bam1: 'STANDBY', bam2: 'down' });
    expect(state.monitoringState).toBe('STOPPED');
    expect(state.primary).toBeNull();
    expect(events.some((e) => e.type === 'MONITORING_STATE_CHANGED')).toBe(false);
  });

  it('one failed probe below the threshold is not a failover', () => {
    const { state, last } = run(healthy, { bam1: 'down', bam2: 'STANDBY' });
    expect(state).toMatchObject({ monitoringState: 'MONITORING', primary: 'bam1', epoch: 1 });
    expect(state.servers.bam1).toMatchObject({ health: 'UP', role: 'PRIMARY', consecutiveFailures: 1 });
    expect(last.events).toEqual([]);
  });

  it('loses the Primary after N consecutive failed probes: FAILOVER_IN_PROGRESS, epoch +1, Primary role UNKNOWN', () => {
    const { state, last } = run(healthy, { bam1: 'down', bam2: 'STANDBY' }, { bam1: 'down', bam2: 'STANDBY' });
    expect(state).toMatchObject({ monitoringState: 'FAILOVER_IN_PROGRESS', primary: null, primaryUrl: null, epoch: 2, failoverStartedAt: 2000 });
    expect(state.servers.bam1).toMatchObject({ health: 'DOWN', role: 'UNKNOWN', incarnation: 1 });
    expect(roleChanges(last.events.map((e) => ({ type: e.detailType, detail: e.detail as unknown as Record<string, unknown> })))).toEqual(['bam1:PRIMARY->UNKNOWN']);
    expect(last.events.find((e) => e.detailType === 'MONITORING_STATE_CHANGED')?.detail).toMatchObject({ previous: 'MONITORING', new: 'FAILOVER_IN_PROGRESS', primaryUrl: null, epoch: 2 });
  });

  it('a slow (timed-out) answer followed by a good one resets the count: no failover', () => {
    const { state } = run(healthy, { bam1: 'down', bam2: 'STANDBY' }, healthy, { bam1: 'down', bam2: 'STANDBY' });
    expect(state).toMatchObject({ monitoringState: 'MONITORING', primary: 'bam1', epoch: 1 });
    expect(state.servers.bam1!.consecutiveFailures).toBe(1);
  });

  it('confirms a new Primary when exactly one reachable server reports Primary: MONITORING, epoch +1 again', () => {
    const { state, last } = run(healthy, { bam1: 'down', bam2: 'STANDBY' }, { bam1: 'down', bam2: 'STANDBY' }, { bam1: 'down', bam2: 'PRIMARY' });
    expect(state).toMatchObject({ monitoringState: 'MONITORING', primary: 'bam2', primaryUrl: 'http://bam2', epoch: 3, failoverStartedAt: null });
    expect(last.events.map((e) => e.detailType)).toEqual(['NODE_ROLE_CHANGED', 'MONITORING_STATE_CHANGED']);
    expect(last.events[0]!.detail).toMatchObject({ previous: 'STANDBY', new: 'PRIMARY', reason: 'promoted', epoch: 3 });
  });

  it('the old Primary returning as Standby changes its role, not the Primary', () => {
    const { state, last } = run(healthy, { bam1: 'down', bam2: 'STANDBY' }, { bam1: 'down', bam2: 'STANDBY' }, { bam1: 'down', bam2: 'PRIMARY' }, { bam1: 'STANDBY', bam2: 'PRIMARY' });
    expect(state).toMatchObject({ monitoringState: 'MONITORING', primary: 'bam2', epoch: 3 });
    expect(state.servers.bam1).toMatchObject({ health: 'UP', role: 'STANDBY', incarnation: 1 });
    expect(last.events.map((e) => e.detailType)).toEqual(['NODE_ROLE_CHANGED']);
    expect(last.events[0]!.detail).toMatchObject({ previous: 'UNKNOWN', new: 'STANDBY' });
  });

  it('a promotion while both servers answer switches the Primary directly (epoch +1, no failover state)', () => {
    const { state, last } = run(healthy, { bam1: 'STANDBY', bam2: 'PRIMARY' });
    expect(state).toMatchObject({ monitoringState: 'MONITORING', primary: 'bam2', epoch: 2 });
    expect(roleChanges(last.events.map((e) => ({ type: e.detailType, detail: e.detail as unknown as Record<string, unknown> })))).toEqual(['bam1:PRIMARY->STANDBY', 'bam2:STANDBY->PRIMARY']);
  });

  it('a Primary that answers but calls itself Standby, with no other claimant, is lost at once', () => {
    const { state } = run(healthy, { bam1: 'STANDBY', bam2: 'STANDBY' });
    expect(state).toMatchObject({ monitoringState: 'FAILOVER_IN_PROGRESS', primary: null, epoch: 2 });
  });

  it('a lost Standby is shown DOWN without a failover', () => {
    const { state, last } = run(healthy, { bam1: 'PRIMARY', bam2: 'down' }, { bam1: 'PRIMARY', bam2: 'down' });
    expect(state).toMatchObject({ monitoringState: 'MONITORING', primary: 'bam1', epoch: 1 });
    expect(state.servers.bam2).toMatchObject({ health: 'DOWN', role: 'UNKNOWN', incarnation: 1 });
    expect(last.events.map((e) => e.detailType)).toEqual(['NODE_ROLE_CHANGED']);
  });

  it('all servers down: FAILOVER_IN_PROGRESS, both DOWN, and it stays there', () => {
    const down = { bam1: 'down', bam2: 'down' } as const;
    const { state, last } = run(healthy, down, down, down, down);
    expect(state).toMatchObject({ monitoringState: 'FAILOVER_IN_PROGRESS', epoch: 2 });
    expect(state.servers.bam1!.health).toBe('DOWN');
    expect(state.servers.bam2!.health).toBe('DOWN');
    expect(last.events).toEqual([]);
    expect(last.significant).toBe(false);
  });

  it('split brain: two servers claim Primary: never switches, raises SPLIT_BRAIN_DETECTED once', () => {
    const both = { bam1: 'PRIMARY', bam2: 'PRIMARY' } as const;
    const { state, events } = run(healthy, both, both);
    expect(state).toMatchObject({ monitoringState: 'MONITORING', primary: 'bam1', epoch: 1, splitBrain: true });
    expect(state.servers.bam2!.role).toBe('STANDBY');
    const alarms = events.filter((e) => e.type === 'SPLIT_BRAIN_DETECTED');
    expect(alarms).toHaveLength(1);
    expect(alarms[0]!.detail.servers).toEqual([
      { name: 'bam1', url: 'http://bam1' },
      { name: 'bam2', url: 'http://bam2' },
    ]);
    expect(roleChanges(events).filter((c) => c.startsWith('bam2:STANDBY'))).toEqual([]);
  });

  it('split brain during a failover keeps FAILOVER_IN_PROGRESS; it clears when one claimant remains', () => {
    const lost = { bam1: 'down', bam2: 'STANDBY' } as const;
    const withThird = [...servers, { name: 'bam3', url: 'http://bam3' }];
    let s = initialState(withThird, 0);
    const step = (obs: Record<string, Obs>) => (s = advance(s, round(obs), 0, settings, withThird).state);
    step({ ...healthy, bam3: 'STANDBY' });
    step({ ...lost, bam3: 'STANDBY' });
    step({ ...lost, bam3: 'STANDBY' });
    step({ bam1: 'down', bam2: 'PRIMARY', bam3: 'PRIMARY' });
    expect(s).toMatchObject({ monitoringState: 'FAILOVER_IN_PROGRESS', splitBrain: true, primary: null });
    step({ bam1: 'down', bam2: 'PRIMARY', bam3: 'STANDBY' });
    expect(s).toMatchObject({ monitoringState: 'MONITORING', splitBrain: false, primary: 'bam2' });
  });

  it('split brain: one slow answer from the Primary does not hand its role to the other claimant', () => {
    const both = { bam1: 'PRIMARY', bam2: 'PRIMARY' } as const;
    const { state, events } = run(healthy, both, { bam1: 'down', bam2: 'PRIMARY' });
    expect(state).toMatchObject({ monitoringState: 'MONITORING', primary: 'bam1', epoch: 1, splitBrain: true });
    expect(state.servers.bam2!.role).toBe('STANDBY');
    expect(events.filter((e) => e.type === 'SPLIT_BRAIN_DETECTED')).toHaveLength(1);
    expect(events.filter((e) => e.type === 'MONITORING_STATE_CHANGED')).toHaveLength(1); // only the discovery
  });

  it('a promotion while the old Primary is only silent waits until it is DOWN, then switches', () => {
    const r1 = run(healthy, { bam1: 'down', bam2: 'PRIMARY' });
    expect(r1.state).toMatchObject({ monitoringState: 'MONITORING', primary: 'bam1', epoch: 1, splitBrain: false });
    expect(r1.state.servers.bam2!.role).toBe('STANDBY');
    expect(r1.last.events).toEqual([]);
    const r2 = run(healthy, { bam1: 'down', bam2: 'PRIMARY' }, { bam1: 'down', bam2: 'PRIMARY' });
    expect(r2.state).toMatchObject({ monitoringState: 'MONITORING', primary: 'bam2', epoch: 2 });
  });

  it('flapping: a Primary that drops and comes back as Primary is lost, then re-confirmed (epoch +2)', () => {
    const lost = { bam1: 'down', bam2: 'STANDBY' } as const;
    const { state, events } = run(healthy, lost, lost, healthy, lost, healthy);
    expect(state).toMatchObject({ monitoringState: 'MONITORING', primary: 'bam1', epoch: 3 });
    const transitions = events.filter((e) => e.type === 'MONITORING_STATE_CHANGED').map((e) => e.detail.new);
    expect(transitions).toEqual(['MONITORING', 'FAILOVER_IN_PROGRESS', 'MONITORING']);
  });

  it('gives each event a stable id from the state version', () => {
    const { last } = run(healthy);
    expect(last.events.map((e) => e.id)).toEqual(['1-0', '1-1', '1-2']);
  });
});
