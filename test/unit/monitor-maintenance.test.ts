import { describe, expect, it } from 'vitest';
import { advance, initialState, type HostModes, type MonitorState } from '../../functions/monitor/domain/monitor-machine.js';
import type { BamRole, ProbeResult } from '../../functions/bam/probe.js';

/** The failover machine with host modes (docs/maintenance.md): a DISABLED server is probed but in MAINTENANCE. */
const servers = [
  { name: 'bam1', url: 'http://bam1' },
  { name: 'bam2', url: 'http://bam2' },
];
const settings = { failuresBeforeFailover: 2 };

type Obs = BamRole | 'down';
function round(obs: Record<string, Obs>, at: number): ProbeResult[] {
  return Object.entries(obs).map(([server, o]) => (o === 'down' ? { server, ok: false, error: 'refused', latencyMs: 1, at } : { server, ok: true, role: o, latencyMs: 1, at }));
}

type Step = [Record<string, Obs>, HostModes | undefined];
function run(...steps: Step[]) {
  let state: MonitorState = initialState(servers, 0);
  const events: { type: string; detail: Record<string, unknown> }[] = [];
  steps.forEach(([obs, modes], i) => {
    const t = advance(state, round(obs, i * 1000), i * 1000, settings, servers, modes);
    state = t.state;
    events.push(...t.events.map((e) => ({ type: e.detailType, detail: e.detail as unknown as Record<string, unknown> })));
  });
  return { state, events };
}

const healthy = { bam1: 'PRIMARY', bam2: 'STANDBY' } as const;
const bam2Stopped = { bam1: 'PRIMARY', bam2: 'down' } as const;
const enabled: HostModes = {};
const disabled: HostModes = { bam2: 'DISABLED' };
const draining: HostModes = { bam2: 'NO_NEW_SESSIONS' };
const roleChanges = (events: { type: string; detail: Record<string, unknown> }[]) =>
  events.filter((e) => e.type === 'NODE_ROLE_CHANGED').map((e) => `${(e.detail.node as { id: string }).id}:${e.detail.previous}->${e.detail.new}:${e.detail.reason}`);

describe('host modes in the failover machine', () => {
  it('records each server mode; ENABLED is the default and is not stored', () => {
    const { state } = run([healthy, draining]);
    expect(state.servers.bam2).toMatchObject({ mode: 'NO_NEW_SESSIONS', health: 'UP', role: 'STANDBY' });
    expect(state.servers.bam1!.mode).toBeUndefined();
  });

  it('a drained server is monitored like an enabled one: it goes DOWN when stopped', () => {
    const { state } = run([healthy, draining], [bam2Stopped, draining], [bam2Stopped, draining]);
    expect(state.servers.bam2).toMatchObject({ health: 'DOWN', role: 'UNKNOWN', mode: 'NO_NEW_SESSIONS' });
  });

  it('a DISABLED server that answers shows health MAINTENANCE and keeps its role', () => {
    const { state, events } = run([healthy, enabled], [healthy, disabled]);
    expect(state.servers.bam2).toMatchObject({ mode: 'DISABLED', health: 'MAINTENANCE', role: 'STANDBY', consecutiveFailures: 0 });
    expect(events.filter((e) => e.type === 'NODE_ROLE_CHANGED')).toHaveLength(2); // only the discovery round
  });

  it('entering DISABLED starts a new incarnation (pinned sessions end) and remembers it as the maintenance one', () => {
    const before = run([healthy, enabled]).state.servers.bam2!;
    const { state } = run([healthy, enabled], [healthy, disabled], [healthy, disabled]);
    expect(state.servers.bam2).toMatchObject({ incarnation: before.incarnation + 1, maintenanceIncarnation: before.incarnation + 1 });
  });

  it('a stopped DISABLED server is still probed but never DOWN, raises no failover, and its role change says maintenance', () => {
    const { state, events } = run([healthy, disabled], [bam2Stopped, disabled], [bam2Stopped, disabled], [bam2Stopped, disabled]);
    expect(state.servers.bam2).toMatchObject({ health: 'MAINTENANCE', role: 'UNKNOWN', consecutiveFailures: 3, lastProbeAt: 3000 });
    expect(state).toMatchObject({ monitoringState: 'MONITORING', primary: 'bam1', epoch: 1 });
    expect(roleChanges(events)).toEqual(['bam1:null->PRIMARY:reachable', 'bam2:null->STANDBY:maintenance', 'bam2:STANDBY->UNKNOWN:maintenance']);
    expect(events.some((e) => e.type === 'MONITORING_STATE_CHANGED' && e.detail.new === 'FAILOVER_IN_PROGRESS')).toBe(false);
  });

  it('one failed probe of a DISABLED server changes no role (the same hysteresis)', () => {
    const { state } = run([healthy, disabled], [bam2Stopped, disabled]);
    expect(state.servers.bam2).toMatchObject({ health: 'MAINTENANCE', role: 'STANDBY', consecutiveFailures: 1 });
  });

  it('a DISABLED server restarted comes back with reason maintenance, still in MAINTENANCE', () => {
    const { state, events } = run([healthy, disabled], [bam2Stopped, disabled], [bam2Stopped, disabled], [healthy, disabled]);
    expect(state.servers.bam2).toMatchObject({ health: 'MAINTENANCE', role: 'STANDBY' });
    expect(roleChanges(events).at(-1)).toBe('bam2:UNKNOWN->STANDBY:maintenance');
  });

  it('re-enabled and answering: UP, no new incarnation, no role event', () => {
    const mid = run([healthy, disabled], [healthy, disabled]).state.servers.bam2!;
    const { state, events } = run([healthy, disabled], [healthy, disabled], [healthy, enabled]);
    expect(state.servers.bam2).toMatchObject({ health: 'UP', role: 'STANDBY', incarnation: mid.incarnation });
    expect(state.servers.bam2!.mode).toBeUndefined();
    expect(roleChanges(events)).toHaveLength(2);
  });

  it('re-enabled while still stopped: DOWN at once (it failed long enough), a new incarnation', () => {
    const steps: Step[] = [
      [healthy, disabled],
      [bam2Stopped, disabled],
      [bam2Stopped, disabled],
    ];
    const mid = run(...steps).state.servers.bam2!;
    const { state } = run(...steps, [bam2Stopped, enabled]);
    expect(state.servers.bam2).toMatchObject({ health: 'DOWN', role: 'UNKNOWN', incarnation: mid.incarnation + 1 });
  });

  it('re-enabled mid-streak: the failures counted in maintenance count on toward DOWN', () => {
    const { state } = run([healthy, disabled], [bam2Stopped, disabled], [bam2Stopped, enabled]);
    expect(state.servers.bam2).toMatchObject({ health: 'DOWN', consecutiveFailures: 2 });
    const one = run([healthy, disabled], [bam2Stopped, enabled]).state.servers.bam2!;
    expect(one).toMatchObject({ health: 'UP', consecutiveFailures: 1, role: 'STANDBY' });
  });

  it('unreadable modes (undefined) keep each server its last known mode', () => {
    const { state } = run([healthy, disabled], [healthy, undefined]);
    expect(state.servers.bam2).toMatchObject({ mode: 'DISABLED', health: 'MAINTENANCE' });
  });

  it('a mode change alone is significant (worth a write)', () => {
    const first = advance(initialState(servers, 0), round(healthy, 0), 0, settings, servers, enabled);
    const t = advance(first.state, round(healthy, 1000), 1000, settings, servers, draining);
    expect(t.significant).toBe(true);
    expect(t.events).toEqual([]);
    const same = advance(t.state, round(healthy, 2000), 2000, settings, servers, draining);
    expect(same.significant).toBe(false);
  });

  it('a DISABLED Standby that claims Primary after a promote is still confirmed (the cluster decides, not the mode)', () => {
    const { state } = run([healthy, disabled], [{ bam1: 'down', bam2: 'PRIMARY' }, disabled], [{ bam1: 'down', bam2: 'PRIMARY' }, disabled]);
    expect(state).toMatchObject({ primary: 'bam2', monitoringState: 'MONITORING' });
    expect(state.servers.bam2).toMatchObject({ health: 'MAINTENANCE', role: 'PRIMARY' });
  });
});
