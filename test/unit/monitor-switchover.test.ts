import { describe, expect, it } from 'vitest';
import { abortSwitchover, advance, initialState, switchoverTarget, type HostModes, type MonitorState, type Transition } from '../../functions/monitor/domain/monitor-machine.js';
import type { BamRole, ProbeResult } from '../../functions/bam/probe.js';

/** The planned switchover of the Primary in the failover machine (docs/maintenance.md). */
const servers = [
  { name: 'bam1', url: 'http://bam1' },
  { name: 'bam2', url: 'http://bam2' },
  { name: 'bam3', url: 'http://bam3' },
];
const settings = { failuresBeforeFailover: 2, probeIntervalMs: 500, switchoverBoundMs: 10_000 };

type Obs = BamRole | 'down';
const probes = (obs: Record<string, Obs>, at: number): ProbeResult[] =>
  Object.entries(obs).map(([server, o]) => (o === 'down' ? { server, ok: false, error: 'refused', latencyMs: 1, at } : { server, ok: true, role: o, latencyMs: 1, at }));

/** Runs rounds at the given times, from a cluster with bam1 Primary confirmed at t=0. */
function cluster() {
  let state: MonitorState = advance(initialState(servers, 0), probes({ bam1: 'PRIMARY', bam2: 'STANDBY', bam3: 'STANDBY' }, 0), 0, settings, servers, {}).state;
  const log: Transition[] = [];
  return {
    get state() {
      return state;
    },
    log,
    round(at: number, obs: Record<string, Obs>, modes: HostModes) {
      const t = advance(state, probes(obs, at), at, settings, servers, modes);
      state = t.state;
      log.push(t);
      return t;
    },
  };
}

const all = { bam1: 'PRIMARY', bam2: 'STANDBY', bam3: 'STANDBY' } as const;
const pause = { bam1: 'down', bam2: 'down', bam3: 'STANDBY' } as const;
const swapped = { bam1: 'STANDBY', bam2: 'PRIMARY', bam3: 'STANDBY' } as const;
const roleEvents = (ts: Transition[]) =>
  ts
    .flatMap((t) => t.events)
    .filter((e) => e.detailType === 'NODE_ROLE_CHANGED')
    .map((e) => {
      const d = e.detail as unknown as { node: { id: string }; previous: string; new: string; reason: string };
      return `${d.node.id}:${d.previous}->${d.new}:${d.reason}`;
    });

describe('a planned switchover of the Primary', () => {
  it('starts when the Primary is drained and a healthy ENABLED Standby answers; the epoch and Primary stay until the handover', () => {
    const c = cluster();
    const epoch = c.state.epoch;
    const t = c.round(1000, all, { bam1: 'NO_NEW_SESSIONS' });
    expect(t.switchover).toBe('started');
    expect(c.state).toMatchObject({ monitoringState: 'SWITCHOVER_IN_PROGRESS', primary: 'bam1', epoch, switchover: { from: 'bam1', target: 'bam2', startedAt: 1000, deadline: 11_000 } });
    expect(t.events.map((e) => e.detailType)).toContain('MONITORING_STATE_CHANGED');
  });

  it('never picks a drained, disabled or failing Standby as the target', () => {
    const c = cluster();
    c.round(1000, all, { bam1: 'DISABLED', bam2: 'NO_NEW_SESSIONS' });
    expect(c.state.switchover?.target).toBe('bam3');
    const d = cluster();
    d.round(1000, { ...all, bam2: 'down' }, { bam1: 'DISABLED' });
    expect(d.state.switchover?.target).toBe('bam3');
    const e = cluster();
    e.round(1000, { ...all, bam2: 'down', bam3: 'down' }, { bam1: 'DISABLED' });
    expect(e.state.monitoringState).toBe('MONITORING');
    expect(e.state.switchover).toBeUndefined();
  });

  it('rides out the pause without a failover, then confirms the target in a new epoch with reason planned-switchover', () => {
    const c = cluster();
    const epoch = c.state.epoch;
    c.round(1000, all, { bam1: 'NO_NEW_SESSIONS' });
    for (const at of [1500, 2000, 2500, 3000]) c.round(at, pause, { bam1: 'NO_NEW_SESSIONS' });
    expect(c.state.monitoringState).toBe('SWITCHOVER_IN_PROGRESS');
    expect(c.state.servers.bam1!.health).toBe('UP'); // not DOWN: the pause was asked for
    expect(c.state.servers.bam2!.health).toBe('UP');
    const t = c.round(3500, swapped, { bam1: 'NO_NEW_SESSIONS' });
    expect(t.switchover).toBe('completed');
    expect(c.state).toMatchObject({ monitoringState: 'MONITORING', primary: 'bam2', primaryUrl: 'http://bam2', epoch: epoch + 1, primarySinceEpoch: epoch + 1 });
    expect(c.state.switchover).toBeUndefined();
    expect(c.state.lastSwitchover).toMatchObject({ from: 'bam1', target: 'bam2', outcome: 'completed', epoch: epoch + 1 });
    expect(roleEvents(c.log)).toEqual(['bam1:PRIMARY->STANDBY:planned-switchover', 'bam2:STANDBY->PRIMARY:planned-switchover']);
    expect(c.log.flatMap((x) => x.events).some((e) => e.detailType === 'MONITORING_STATE_CHANGED' && (e.detail as { new: string }).new === 'FAILOVER_IN_PROGRESS')).toBe(false);
  });

  it('a server answering only its liveness at the end of the pause (role not told) keeps its role: no UNKNOWN events', () => {
    const c = cluster();
    c.round(1000, all, { bam1: 'NO_NEW_SESSIONS' });
    c.round(1500, pause, { bam1: 'NO_NEW_SESSIONS' });
    c.round(2000, { bam1: 'UNKNOWN', bam2: 'UNKNOWN', bam3: 'STANDBY' }, { bam1: 'NO_NEW_SESSIONS' });
    expect(c.state.monitoringState).toBe('SWITCHOVER_IN_PROGRESS');
    c.round(2500, swapped, { bam1: 'NO_NEW_SESSIONS' });
    expect(c.state).toMatchObject({ monitoringState: 'MONITORING', primary: 'bam2' });
    expect(roleEvents(c.log)).toEqual(['bam1:PRIMARY->STANDBY:planned-switchover', 'bam2:STANDBY->PRIMARY:planned-switchover']);
  });

  it('ends the sessions pinned to the old Primary when it hands over (a Standby serves no API)', () => {
    const c = cluster();
    const before = c.state.servers.bam1!.incarnation;
    c.round(1000, all, { bam1: 'NO_NEW_SESSIONS' });
    c.round(2000, swapped, { bam1: 'NO_NEW_SESSIONS' });
    expect(c.state.servers.bam1).toMatchObject({ incarnation: before + 1, maintenanceIncarnation: before + 1 });
  });

  it('completes while the old Primary is still silent after its pause', () => {
    const c = cluster();
    c.round(1000, all, { bam1: 'DISABLED' });
    c.round(2000, { bam1: 'down', bam2: 'PRIMARY', bam3: 'STANDBY' }, { bam1: 'DISABLED' });
    expect(c.state).toMatchObject({ monitoringState: 'MONITORING', primary: 'bam2' });
    expect(c.state.servers.bam1!.role).toBe('UNKNOWN');
    expect(c.state.servers.bam1!.health).toBe('MAINTENANCE');
  });

  it('falls back to an unplanned failover at the deadline; the same Primary still answering is confirmed again and keeps its sessions', () => {
    const c = cluster();
    const epoch = c.state.epoch;
    c.round(1000, all, { bam1: 'NO_NEW_SESSIONS' });
    c.round(5000, all, { bam1: 'NO_NEW_SESSIONS' }); // BAM refused the handover: nothing moves
    expect(c.state.monitoringState).toBe('SWITCHOVER_IN_PROGRESS');
    const t = c.round(11_000, all, { bam1: 'NO_NEW_SESSIONS' });
    expect(t.switchover).toBe('timed-out');
    expect(c.state).toMatchObject({ monitoringState: 'FAILOVER_IN_PROGRESS', primary: null, epoch: epoch + 1, lastSwitchover: { outcome: 'timed-out', from: 'bam1' } });
    c.round(11_500, all, { bam1: 'NO_NEW_SESSIONS' });
    expect(c.state).toMatchObject({ monitoringState: 'MONITORING', primary: 'bam1', epoch: epoch + 2 });
    expect(c.state.primarySinceEpoch).toBeLessThanOrEqual(epoch); // alias sessions of bam1 survive
  });

  it('does not try again on the same Primary until it is seen ENABLED and drained anew', () => {
    const c = cluster();
    c.round(1000, all, { bam1: 'NO_NEW_SESSIONS' });
    c.round(11_000, all, { bam1: 'NO_NEW_SESSIONS' });
    expect(c.state.lastSwitchover).toMatchObject({ outcome: 'timed-out', blocked: true });
    for (const at of [11_500, 12_000, 100_000]) c.round(at, all, { bam1: 'NO_NEW_SESSIONS' });
    expect(c.state.monitoringState).toBe('MONITORING');
    c.round(101_000, all, {});
    expect(c.state.lastSwitchover?.blocked).toBe(false);
    c.round(102_000, all, { bam1: 'NO_NEW_SESSIONS' });
    expect(c.state.monitoringState).toBe('SWITCHOVER_IN_PROGRESS');
  });

  it('a refused handover returns to MONITORING with the same Primary and epoch, blocked, with one state event', () => {
    const c = cluster();
    c.round(1000, all, { bam1: 'DISABLED' });
    const t = abortSwitchover(c.state, 1200, '409: Server bam2 is not reachable')!;
    expect(t.state).toMatchObject({
      monitoringState: 'MONITORING',
      primary: 'bam1',
      epoch: c.state.epoch,
      lastSwitchover: { outcome: 'refused', blocked: true, detail: '409: Server bam2 is not reachable' },
    });
    expect(t.state.switchover).toBeUndefined();
    expect(t.state.version).toBe(c.state.version + 1);
    expect(t.events.map((e) => [e.detailType, (e.detail as { new: string }).new])).toEqual([['MONITORING_STATE_CHANGED', 'MONITORING']]);
    expect(abortSwitchover(t.state, 1300, 'again')).toBeUndefined(); // nothing running
  });

  it('the validator, the machine and the login hold agree on the target: answering Standby, ENABLED, UP, no failure, not fenced', () => {
    const c = cluster();
    expect(switchoverTarget(c.state, 'bam1')).toBe('bam2');
    c.round(1000, { ...all, bam2: 'down' }, {});
    expect(switchoverTarget(c.state, 'bam1')).toBe('bam3');
    c.round(2000, { ...all, bam2: 'down', bam3: 'STANDBY' }, { bam3: 'NO_NEW_SESSIONS' });
    expect(switchoverTarget(c.state, 'bam1')).toBeUndefined();
  });

  it('starts nothing for a Primary that stays ENABLED, or while in split brain', () => {
    const c = cluster();
    c.round(1000, all, { bam2: 'DISABLED' });
    expect(c.state.monitoringState).toBe('MONITORING');
    const d = cluster();
    d.round(1000, { bam1: 'PRIMARY', bam2: 'PRIMARY', bam3: 'STANDBY' }, { bam1: 'DISABLED' });
    expect(d.state.switchover).toBeUndefined();
  });

  it('records since when a host is DISABLED, and forgets it when it is enabled again', () => {
    const c = cluster();
    c.round(1000, all, { bam3: 'DISABLED' });
    c.round(2000, all, { bam3: 'DISABLED' });
    expect(c.state.servers.bam3!.disabledSince).toBe(1000);
    c.round(3000, all, {});
    expect(c.state.servers.bam3!.disabledSince).toBeUndefined();
  });
});

describe('the metric behind the alarm on a host left DISABLED', () => {
  it('is how long the longest-DISABLED host has been out, 0 when none is', async () => {
    const { longestDisabledSeconds } = await import('../../functions/monitor/monitor-metrics.js');
    const c = cluster();
    expect(longestDisabledSeconds(c.state, 5000)).toBe(0);
    c.round(1000, all, { bam3: 'DISABLED' });
    c.round(3000, all, { bam2: 'DISABLED', bam3: 'DISABLED' });
    expect(longestDisabledSeconds(c.state, 61_000)).toBe(60);
  });
});
