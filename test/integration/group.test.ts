import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DynamoGroupStore } from '../../functions/adapters/group-store.js';
import { DynamoMonitorStore } from '../../functions/adapters/monitor-store.js';
import { GroupAgent } from '../../functions/group/group-agent.js';
import { FailoverMonitor } from '../../functions/monitor/failover-monitor.js';
import type { EventPublisher } from '../../functions/events/ports.js';
import type { PendingEvent } from '../../functions/events/domain/events.js';
import { bootstrap, changePrimary, join, roleOf } from '../../functions/group/domain/group.js';
import { createGatewayTable } from '../../local/dynamo.js';
import { freshTable } from '../support/dynamo.js';

let t: Awaited<ReturnType<typeof freshTable>>;
let n = 0;
beforeAll(async () => {
  t = await freshTable();
});
afterAll(async () => t.close());

async function newStore() {
  const name = `grp-${++n}-${Date.now()}`;
  await createGatewayTable(t.endpoint, name);
  return { group: new DynamoGroupStore(t.db, name), monitor: new DynamoMonitorStore(t.db, name) };
}

class Recorder implements EventPublisher {
  seen: PendingEvent[] = [];
  async publish(events: PendingEvent[]) {
    this.seen.push(...events);
    return { published: events.map((e) => e.id), failed: [] };
  }
  roles() {
    return this.seen.map((e) => {
      const d = e.detail as { node: { id: string }; previous: string | null; new: string };
      return `${d.node.id}:${d.previous}->${d.new}`;
    });
  }
}

const iv = { healthReportMs: 50, healthCheckMs: 50, allowedAbsenceMs: 250 };
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe('takeover races against DynamoDB', () => {
  it('of five nodes taking over at once from the same state, exactly one wins, every time: never two Primaries in an epoch', async () => {
    const { group } = await newStore();
    let state = bootstrap('a', null, 0).state;
    for (const id of ['b', 'c', 'd', 'e', 'f']) state = join(state, id, null, 0).state;
    expect(await group.create({ state, events: [] })).toBe(true);
    for (let round = 0; round < 15; round++) {
      const seen = (await group.get())!;
      const contenders = ['a', 'b', 'c', 'd', 'e', 'f'].filter((id) => id !== seen.primary).slice(0, 5);
      const results = await Promise.all(contenders.map((id) => group.change(seen, changePrimary(seen, id, 'primary-absent', round), seen.heartbeatSeq)));
      expect(results.filter(Boolean)).toHaveLength(1);
      const after = (await group.get())!;
      const winner = contenders[results.indexOf(true)];
      expect(after).toMatchObject({ epoch: seen.epoch + 1, primary: winner });
      expect(['a', 'b', 'c', 'd', 'e', 'f'].filter((id) => roleOf(after, id) === 'PRIMARY')).toEqual([winner]);
    }
  });

  it('a takeover loses to a heartbeat that came after what the taker saw', async () => {
    const { group } = await newStore();
    const state = join(bootstrap('a', null, 0).state, 'b', null, 0).state;
    await group.create({ state, events: [] });
    const seen = (await group.get())!;
    expect(await group.heartbeat('a', seen.epoch, 10)).toBe(true);
    expect(await group.change(seen, changePrimary(seen, 'b', 'primary-absent', 20), seen.heartbeatSeq)).toBe(false);
    expect((await group.get())!.primary).toBe('a');
  });

  it("a deposed Primary's heartbeat is refused (fencing by epoch)", async () => {
    const { group } = await newStore();
    const state = join(bootstrap('a', null, 0).state, 'b', null, 0).state;
    await group.create({ state, events: [] });
    const seen = (await group.get())!;
    await group.change(seen, changePrimary(seen, 'b', 'manual-failover', 5));
    expect(await group.heartbeat('a', seen.epoch, 10)).toBe(false);
    expect(await group.heartbeat('b', seen.epoch + 1, 10)).toBe(true);
  });
});

describe('group agents', () => {
  it('create and join the group, take over when the Primary goes silent, and the old Primary returns as Secondary', async () => {
    const { group } = await newStore();
    const bus = new Recorder();
    const agent = (id: string) => new GroupAgent({ nodeId: id, nodeUrl: `http://${id}`, intervals: iv, store: group, publisher: bus });
    const a = agent('a');
    const b = agent('b');
    let aRunning = true;
    let bRunning = true;
    await a.tick();
    const loops = [a.loop(() => aRunning), b.loop(() => bRunning)];
    await sleep(300);
    expect([a.role, b.role]).toEqual(['PRIMARY', 'SECONDARY']);

    aRunning = false; // node a stops: no more heartbeats
    await loops[0];
    const stoppedAt = Date.now();
    while (b.role !== 'PRIMARY' && Date.now() - stoppedAt < 3000) await sleep(10);
    const took = Date.now() - stoppedAt;
    expect(b.role).toBe('PRIMARY');
    expect(took).toBeGreaterThanOrEqual(iv.allowedAbsenceMs - 60);

    const a2 = agent('a'); // node a starts again
    await a2.tick();
    expect(a2.role).toBe('SECONDARY');
    bRunning = false;
    await loops[1];
    expect(bus.roles()).toEqual(['a:null->PRIMARY', 'b:NOT_IN_GROUP->SECONDARY', 'a:PRIMARY->SECONDARY', 'b:SECONDARY->PRIMARY']);
    const ids = bus.seen.map((e) => e.id);
    expect(new Set(ids).size).toBe(ids.length);
  });
});

describe('which node runs the BAM monitor', () => {
  it("only the group's Primary: the Secondary's monitor skips its rounds", async () => {
    const { group, monitor: store } = await newStore();
    await group.create({ state: join(bootstrap('a', null, 0).state, 'b', null, 0).state, events: [] });
    const probe = async (server: string) => ({ server, ok: true as const, role: 'PRIMARY' as const, latencyMs: 1, at: Date.now() });
    const monitorFor = (id: string) =>
      new FailoverMonitor({
        servers: [{ name: 'bam1', url: 'http://bam1' }],
        settings: { failuresBeforeFailover: 2 },
        probeTimeoutMs: 100,
        store,
        publisher: new Recorder(),
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
