import { describe, expect, it } from 'vitest';
import { FailoverMonitor } from '../../functions/monitor/failover-monitor.js';
import type { MonitorOptions } from '../../functions/monitor/monitor-options.js';
import type { EventPublisher } from '../../functions/events/ports.js';
import type { Switchover } from '../../functions/monitor/domain/monitor-machine.js';
import type { BamRole, ProbeResult } from '../../functions/bam/probe.js';
import { InMemoryMonitorStore } from '../support/fakes/monitor-store.js';
import { BamHttpError, BamUnreachableError } from '../../functions/bam/http.js';
import { switchoversNotCompleted } from '../../functions/monitor/monitor-metrics.js';

/**
 * The planned switchover driven by monitors sharing one stored state (two gateway nodes, or
 * overlapping Lambda runs): the Primary is asked to hand over once, and a refusal ends the wait.
 */
const servers = [
  { name: 'bam1', url: 'http://bam1' },
  { name: 'bam2', url: 'http://bam2' },
];
const roles: Record<string, BamRole | 'down'> = {};
const probe = async (server: string): Promise<ProbeResult> => {
  await new Promise((r) => setTimeout(r, Math.random() * 5)); // interleave racing monitors
  const r = roles[server];
  return r === 'down' || r === undefined ? { server, ok: false, error: 'refused', latencyMs: 1, at: Date.now() } : { server, ok: true, role: r, latencyMs: 1, at: Date.now() };
};
const publisher: EventPublisher = { publish: async (events) => ({ published: events.map((e) => e.id), failed: [] }) };

/** One shared state item, as the monitors of two nodes (or two overlapping Lambda runs) see it. */
const store = async () => new InMemoryMonitorStore();

/** A monitor on the shared state `s`, bam1 drained, handing over with `handover` (prepared, then sent or cancelled). */
const monitorWith = (s: InMemoryMonitorStore, handover: MonitorOptions['handover'], onHandoverError?: MonitorOptions['onHandoverError']) =>
  new FailoverMonitor({
    servers,
    settings: { failuresBeforeFailover: 2, switchoverBoundMs: 60_000 },
    probeTimeoutMs: 100,
    store: s,
    publisher,
    probe: (name) => probe(name),
    refreshMs: 0,
    modes: async () => ({ bam1: 'NO_NEW_SESSIONS' }),
    handover,
    ...(onHandoverError ? { onHandoverError } : {}),
  });

/** As above, with a handover that is only ever sent (nothing to log out). */
const monitorOn = (s: InMemoryMonitorStore, handover: (sw: Switchover) => Promise<void>) => monitorWith(s, (sw) => ({ send: () => handover(sw), cancel: async () => undefined }));

describe('monitors driving a planned switchover', () => {
  it('two racing monitors ask the Primary to hand over exactly once, and both see the new Primary', async () => {
    Object.assign(roles, { bam1: 'PRIMARY', bam2: 'STANDBY' });
    const s = await store();
    const asked: Switchover[] = [];
    const handover = async (sw: Switchover) => {
      asked.push(sw);
      setTimeout(() => Object.assign(roles, { bam1: 'STANDBY', bam2: 'PRIMARY' }), 20); // BAM swaps after a pause
    };
    const a = monitorOn(s, handover);
    const b = monitorOn(s, handover);
    // The first round confirms bam1 (ENABLED until then as far as the machine knows); later ones start and finish the switch.
    for (let i = 0; i < 6; i++) {
      await Promise.all([a.round(), b.round()]);
      await new Promise((r) => setTimeout(r, 15));
    }
    expect(asked).toHaveLength(1);
    expect(asked[0]).toMatchObject({ from: 'bam1', target: 'bam2' });
    const stored = (await s.get())!.state;
    expect(stored).toMatchObject({ monitoringState: 'MONITORING', primary: 'bam2', lastSwitchover: { outcome: 'completed' } });
  });

  it('a handover BAM refuses ends the switchover at once, back in MONITORING with the same Primary and epoch, and is not tried again', async () => {
    Object.assign(roles, { bam1: 'PRIMARY', bam2: 'STANDBY' });
    const s = await store();
    let asked = 0;
    const m = monitorOn(s, async () => {
      asked++;
      throw new BamHttpError(409, 'Replication failover must be performed on the Primary server', '');
    });
    await m.round(); // bam1 confirmed
    const epoch = (await s.get())!.state.epoch;
    await m.round(); // switchover started, handover refused, aborted in the same round
    const after = (await s.get())!.state;
    expect(after).toMatchObject({
      monitoringState: 'MONITORING',
      primary: 'bam1',
      epoch,
      lastSwitchover: { outcome: 'refused', from: 'bam1', blocked: true, detail: expect.stringMatching(/^409: Replication failover/) },
    });
    expect(switchoversNotCompleted(after)).toBe(1); // the alarm's metric, from the stored state
    expect(switchoversNotCompleted(after)).toBe(0); // counted once
    for (let i = 0; i < 3; i++) await m.round();
    expect(asked).toBe(1);
    expect((await s.get())!.state.monitoringState).toBe('MONITORING');
  });

  it('a handover that timed out on our side is left to complete: BAM may have done it', async () => {
    Object.assign(roles, { bam1: 'PRIMARY', bam2: 'STANDBY' });
    const s = await store();
    const m = monitorOn(s, async () => {
      setTimeout(() => Object.assign(roles, { bam1: 'STANDBY', bam2: 'PRIMARY' }), 20);
      throw new BamUnreachableError('http://bam1/Services/REST/v1/failoverReplication', 'timeout', 'no answer in time');
    });
    await m.round();
    await m.round();
    expect((await s.get())!.state.monitoringState).toBe('SWITCHOVER_IN_PROGRESS');
    await new Promise((r) => setTimeout(r, 40));
    await m.round();
    expect((await s.get())!.state).toMatchObject({ monitoringState: 'MONITORING', primary: 'bam2', lastSwitchover: { outcome: 'completed' } });
  });

  it("prepares the handover (BAM's login) while the switchover's write is made; a monitor whose write lost cancels it, and only the winner sends", async () => {
    Object.assign(roles, { bam1: 'PRIMARY', bam2: 'STANDBY' });
    const s = await store();
    const order: string[] = [];
    const commit = s.commit.bind(s);
    s.commit = async (next, events) => {
      const starts = next.monitoringState === 'SWITCHOVER_IN_PROGRESS' && (await s.get())?.state.monitoringState !== 'SWITCHOVER_IN_PROGRESS';
      if (starts) await new Promise((r) => setTimeout(r, 20)); // a write that takes a while
      const won = await commit(next, events);
      if (starts) order.push(won ? 'write won' : 'write lost');
      return won;
    };
    const handover: MonitorOptions['handover'] = () => {
      order.push('prepared');
      return { send: async () => void order.push('sent'), cancel: async () => void order.push('cancelled') };
    };
    const [a, b] = [monitorWith(s, handover), monitorWith(s, handover)];
    await Promise.all([a.round(), b.round()]); // bam1 confirmed
    await Promise.all([a.round(), b.round()]); // both decide to start the switchover; one write wins
    expect(order.filter((e) => e === 'sent')).toHaveLength(1);
    expect(order.indexOf('prepared')).toBeLessThan(order.indexOf('write won')); // the login ran during the write
    expect(order.indexOf('write won')).toBeLessThan(order.indexOf('sent'));
    // Both decided to start it from the same state: the loser's login is logged out, never used.
    expect(order.filter((e) => e === 'prepared')).toHaveLength(2);
    expect(order.filter((e) => e === 'cancelled')).toHaveLength(1);
  });

  it('a write that fails cancels the prepared handover (its session logged out before the round ends), and nothing is sent', async () => {
    Object.assign(roles, { bam1: 'PRIMARY', bam2: 'STANDBY' });
    const s = await store();
    const order: string[] = [];
    const m = monitorWith(s, () => ({
      send: async () => void order.push('sent'),
      cancel: async () => {
        await new Promise((r) => setTimeout(r, 10)); // a logout that takes a while
        order.push('logged out');
      },
    }));
    await m.round(); // bam1 confirmed
    s.commit = async () => {
      throw new Error('table unavailable');
    };
    await expect(m.round()).rejects.toThrow('table unavailable');
    expect(order).toEqual(['logged out']);
  });

  it('a handover that cannot even be prepared is reported, and the switchover written is left to complete or time out', async () => {
    Object.assign(roles, { bam1: 'PRIMARY', bam2: 'STANDBY' });
    const s = await store();
    const reported: unknown[] = [];
    const m = monitorWith(
      s,
      () => {
        throw new TypeError('no such server');
      },
      (err) => reported.push(err),
    );
    await m.round();
    await m.round();
    expect((await s.get())!.state.monitoringState).toBe('SWITCHOVER_IN_PROGRESS');
    expect(reported).toEqual([new TypeError('no such server')]);
  });
});
