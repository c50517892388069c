import { describe, expect, it } from 'vitest';
import { GroupAgent } from '../../functions/group/group-agent.js';
import { FailoverMonitor } from '../../functions/monitor/failover-monitor.js';
import { bootstrap, join, roleOf } from '../../functions/group/domain/group.js';
import { InMemoryGroupStore } from '../support/fakes/group-store.js';
import { InMemoryMonitorStore } from '../support/fakes/monitor-store.js';
import { RecordingPublisher } from '../support/fakes/event-publisher.js';

/**
 * The group agents' rules on the store in memory, on a clock the test moves: each agent ticks when
 * its loop would (nextTickAt). The table's own conditions are tested in test/integration/group.test.ts.
 */
const iv = { healthReportMs: 50, healthCheckMs: 50, allowedAbsenceMs: 250 };

/** Moves the clock in 10 ms steps for `ms`, ticking each running agent when its next tick is due. */
async function run(clock: { now: number }, agents: GroupAgent[], ms: number, until: () => boolean = () => false): Promise<void> {
  const next = new Map(agents.map((a) => [a, clock.now]));
  for (const end = clock.now + ms; clock.now <= end && !until(); clock.now += 10) {
    for (const a of agents) {
      if (clock.now < next.get(a)!) continue;
      const started = clock.now;
      await a.tick();
      next.set(a, a.nextTickAt(started));
    }
  }
}

describe('group agents', () => {
  it('create and join the group, take over when the Primary goes silent, and the old Primary returns as Secondary', async () => {
    const group = new InMemoryGroupStore();
    const bus = new RecordingPublisher();
    const clock = { now: 1_000_000 };
    const agent = (id: string) => new GroupAgent({ nodeId: id, nodeUrl: `http://${id}`, intervals: iv, store: group, publisher: bus, now: () => clock.now });
    const a = agent('a');
    const b = agent('b');
    await a.tick();
    await run(clock, [a, b], 300);
    expect([a.role, b.role]).toEqual(['PRIMARY', 'SECONDARY']);

    const stoppedAt = clock.now; // node a stops: no more heartbeats
    await run(clock, [b], 3000, () => b.role === 'PRIMARY');
    const took = clock.now - stoppedAt;
    expect(b.role).toBe('PRIMARY');
    expect(took).toBeGreaterThanOrEqual(iv.allowedAbsenceMs - 60);

    const a2 = agent('a'); // node a starts again
    await a2.tick();
    expect(a2.role).toBe('SECONDARY');
    expect(bus.roles()).toEqual(['a:null->PRIMARY', 'b:NOT_IN_GROUP->SECONDARY', 'a:PRIMARY->SECONDARY', 'b:SECONDARY->PRIMARY']);
    const ids = bus.seen.map((e) => e.id);
    expect(new Set(ids).size).toBe(ids.length);
  });
});

describe('which node runs the BAM monitor', () => {
  it("only the group's Primary: the Secondary's monitor skips its rounds", async () => {
    const group = new InMemoryGroupStore();
    const store = new InMemoryMonitorStore();
    await group.create({ state: join(bootstrap('a', null, 0).state, 'b', null, 0).state, events: [] });
    const probe = async (server: string) => ({ server, ok: true as const, role: 'PRIMARY' as const, latencyMs: 1, at: Date.now() });
    const monitorFor = (id: string) =>
      new FailoverMonitor({
        servers: [{ name: 'bam1', url: 'http://bam1' }],
        settings: { failuresBeforeFailover: 2 },
        probeTimeoutMs: 100,
        store,
        publisher: new RecordingPublisher(),
        probe,
        gate: async () => roleOf(await group.get(), id) === 'PRIMARY',
      });
    let k = 0;
    await monitorFor('b').loop(1, () => k++ < 3);
    expect(await store.get()).toBeUndefined(); // the Secondary probed nothing, wrote nothing
    k = 0;
    await monitorFor('a').loop(1, () => k++ < 1);
    expect((await store.get())!.state).toMatchObject({ monitoringState: 'MONITORING', primary: 'bam1' });
  });
});
