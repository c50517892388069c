import { describe, expect, it } from 'vitest';
import { advance, initialState, type MonitorState } from '../../functions/monitor/domain/monitor-machine.js';
import { gatewayRole, type ProbeResult } from '../../functions/bam/probe.js';

const servers = [
  { name: 'bam1', url: 'http://bam1' },
  { name: 'bam2', url: 'http://bam2' },
];
const settings = { failuresBeforeFailover: 2 };

/** One round; each server answers the role BAM reports ('down' = no answer). */
const round = (obs: Record<string, string>, at: number): ProbeResult[] =>
  Object.entries(obs).map(([server, o]) =>
    o === 'down' ? { server, ok: false, error: 'refused', latencyMs: 1, at } : { server, ok: true, role: gatewayRole(o), reportedRole: o, source: 'failover-api', latencyMs: 1, at },
  );

function run(...rounds: Record<string, string>[]) {
  let state: MonitorState = initialState(servers, 0);
  const events: string[] = [];
  rounds.forEach((r, i) => {
    const t = advance(state, round(r, i * 1000), i * 1000, settings, servers);
    state = t.state;
    events.push(...t.events.map((e) => e.detailType));
  });
  return { state, events };
}

const healthy = { bam1: 'Primary', bam2: 'Standby' };
const lost = { bam1: 'down', bam2: 'Standby' };
const promoted = { bam1: 'down', bam2: 'Standalone' };

describe('two-server BAM failover: the promoted Standby reports Standalone', () => {
  it('confirms the Standalone server as the new Primary and keeps what BAM reported', () => {
    const { state } = run(healthy, lost, lost, promoted);
    expect(state).toMatchObject({ monitoringState: 'MONITORING', primary: 'bam2', primaryUrl: 'http://bam2', splitBrain: false });
    expect(state.servers.bam2).toMatchObject({ role: 'PRIMARY', reportedRole: 'Standalone', probeSource: 'failover-api' });
  });

  it('the old Primary back still claiming Primary: split brain once, never switched back', () => {
    const back = { bam1: 'Primary', bam2: 'Standalone' };
    const { state, events } = run(healthy, lost, lost, promoted, back, back);
    expect(state).toMatchObject({ monitoringState: 'MONITORING', primary: 'bam2', splitBrain: true });
    expect(state.servers.bam1!.role).not.toBe('PRIMARY');
    expect(events.filter((e) => e === 'SPLIT_BRAIN_DETECTED')).toHaveLength(1);
  });

  it('stays off the old Primary even when the confirmed one misses probes or goes down', () => {
    const back = { bam1: 'Primary', bam2: 'Standalone' };
    const silent = { bam1: 'Primary', bam2: 'down' };
    const r1 = run(healthy, lost, lost, promoted, back, silent);
    expect(r1.state).toMatchObject({ monitoringState: 'MONITORING', primary: 'bam2', splitBrain: true });
    const r2 = run(healthy, lost, lost, promoted, back, silent, silent, silent);
    expect(r2.state.primary).not.toBe('bam1');
    expect(r2.state.monitoringState).toBe('FAILOVER_IN_PROGRESS');
    expect(r2.state.splitBrain).toBe(true);
  });

  it('an operator re-add (the old Primary reports Standby) ends the split brain; the Standalone reports Primary again', () => {
    const back = { bam1: 'Primary', bam2: 'Standalone' };
    const { state } = run(healthy, lost, lost, promoted, back, { bam1: 'Standby', bam2: 'Primary' });
    expect(state).toMatchObject({ monitoringState: 'MONITORING', primary: 'bam2', splitBrain: false });
    expect(state.fenced).toBeUndefined();
    expect(state.servers.bam1!.role).toBe('STANDBY');
  });

  it('three servers: the promoted Standby reports Primary and is confirmed once the old one is down', () => {
    const three = [...servers, { name: 'bam3', url: 'http://bam3' }];
    let s = initialState(three, 0);
    const step = (obs: Record<string, string>, at: number) => (s = advance(s, round(obs, at), at, settings, three).state);
    step({ ...healthy, bam3: 'Standby' }, 0);
    step({ ...lost, bam3: 'Standby' }, 1000);
    step({ ...lost, bam3: 'Standby' }, 2000);
    step({ bam1: 'down', bam2: 'Primary', bam3: 'Standby' }, 3000);
    expect(s).toMatchObject({ monitoringState: 'MONITORING', primary: 'bam2', splitBrain: false });
  });
});
