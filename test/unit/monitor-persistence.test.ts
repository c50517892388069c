import { describe, expect, it } from 'vitest';
import { FailoverMonitor } from '../../functions/monitor/failover-monitor.js';
import type { EventPublisher } from '../../functions/events/ports.js';
import type { BamRole, ProbeResult } from '../../functions/monitor/domain/bam-server.js';
import { InMemoryMonitorStore } from '../support/fakes/monitor-store.js';
import { RecordingPublisher } from '../support/fakes/event-publisher.js';

/**
 * The monitor's rounds on a shared state item (in memory, with the table's conditions): racing
 * monitors, a failure between the write and the publishing, a process that may not publish. The
 * item's conditions on DynamoDB and the EventBridge publisher: test/integration/monitor-persistence.test.ts.
 */
const servers = [
  { name: 'bam1', url: 'http://bam1' },
  { name: 'bam2', url: 'http://bam2' },
];

/** A cluster whose answers the test sets: what each server reports, or 'down'. */
function fakeCluster(initial: Record<string, BamRole | 'down'>) {
  const now = { roles: { ...initial } };
  const probe = async (server: string): Promise<ProbeResult> => {
    await new Promise((r) => setTimeout(r, Math.random() * 5)); // interleave racing monitors
    const r = now.roles[server];
    return r === 'down' || r === undefined ? { server, ok: false, error: 'refused', latencyMs: 1, at: Date.now() } : { server, ok: true, role: r, latencyMs: 1, at: Date.now() };
  };
  return { now, probe };
}

const storeForTest = async () => new InMemoryMonitorStore();

const monitorOn = (store: InMemoryMonitorStore, probe: (s: string) => Promise<ProbeResult>, publisher: EventPublisher) =>
  new FailoverMonitor({ servers, settings: { failuresBeforeFailover: 2 }, probeTimeoutMs: 100, store, publisher, probe: (name) => probe(name), refreshMs: 0 });

describe('two monitors at once', () => {
  it('never record a transition twice or interleave: versions are a single sequence, each event published once', async () => {
    const store = await storeForTest();
    const cluster = fakeCluster({ bam1: 'PRIMARY', bam2: 'STANDBY' });
    const bus = new RecordingPublisher();
    const a = monitorOn(store, cluster.probe, bus);
    const b = monitorOn(store, cluster.probe, bus);
    const racedRounds = async (k: number) => {
      for (let i = 0; i < k; i++) await Promise.all([a.round(), b.round()]);
    };
    await racedRounds(3);
    cluster.now.roles.bam1 = 'down';
    await racedRounds(4);
    cluster.now.roles.bam2 = 'PRIMARY';
    await racedRounds(3);
    cluster.now.roles.bam1 = 'STANDBY';
    await racedRounds(3);

    const stored = (await store.get())!;
    expect(stored.state).toMatchObject({ monitoringState: 'MONITORING', primary: 'bam2', epoch: 3 });
    const ids = bus.seen.map((e) => e.id);
    expect(new Set(ids).size).toBe(ids.length); // nothing published twice
    const states = bus.seen.filter((e) => e.detailType === 'MONITORING_STATE_CHANGED').map((e) => (e.detail as { new: string }).new);
    expect(states).toEqual(['MONITORING', 'FAILOVER_IN_PROGRESS', 'MONITORING']);
    const roles = bus.seen.filter((e) => e.detailType === 'NODE_ROLE_CHANGED').map((e) => `${(e.detail as { node: { id: string } }).node.id}:${(e.detail as { new: string }).new}`);
    expect(roles).toEqual(['bam1:PRIMARY', 'bam2:STANDBY', 'bam1:UNKNOWN', 'bam2:PRIMARY', 'bam1:STANDBY']);
    expect(stored.outbox).toEqual([]);
  });
});

describe('the new-Primary hook', () => {
  it('may probe (as a failed service login does) without the round waiting on itself', async () => {
    const store = await storeForTest();
    const cluster = fakeCluster({ bam1: 'PRIMARY', bam2: 'STANDBY' });
    const monitor = monitorOn(store, cluster.probe, new RecordingPublisher());
    let hookRan = false;
    monitor.onNewPrimary = async () => {
      await monitor.probeNow(0); // before the fix: waited for the round that was waiting for this hook
      hookRan = true;
    };
    const timeout = new Promise((_, reject) => setTimeout(() => reject(new Error('round deadlocked')), 3000));
    await Promise.race([monitor.round(), timeout]);
    let k = 0;
    await Promise.race([monitor.loop(1, () => k++ < 1), timeout]); // the loop waits for hooks before returning
    expect(hookRan).toBe(true);
  });
});

describe('a failure in the middle of a transition', () => {
  it('a failed publish leaves the events in the outbox; the next run publishes them', async () => {
    const store = await storeForTest();
    const cluster = fakeCluster({ bam1: 'PRIMARY', bam2: 'STANDBY' });
    let failing = true;
    const seen: string[] = [];
    const flaky: EventPublisher = {
      publish: async (events) => {
        if (failing) throw new Error('EventBridge unavailable');
        seen.push(...events.map((e) => e.id));
        return { published: events.map((e) => e.id), failed: [] };
      },
    };
    // The crash happens after the state committed, before the outbox was drained.
    await expect(monitorOn(store, cluster.probe, flaky).round()).rejects.toThrow('EventBridge unavailable');
    const stored = (await store.get())!;
    expect(stored.state.monitoringState).toBe('MONITORING');
    expect(stored.outbox.map((e) => e.id)).toEqual(['1-0', '1-1', '1-2']);
    failing = false;
    // A new run (another Lambda) picks them up once the lease of the crashed one has run out.
    const next = new FailoverMonitor({ servers, settings: { failuresBeforeFailover: 2 }, probeTimeoutMs: 100, store, publisher: flaky, probe: cluster.probe, now: () => Date.now() + 60_000 });
    await next.flushOutbox();
    expect(seen).toEqual(['1-0', '1-1', '1-2']);
    expect((await store.get())!.outbox).toEqual([]);
  });

  it('a failed state write (DynamoDB error) changes nothing; the next round makes the transition', async () => {
    const store = await storeForTest();
    const cluster = fakeCluster({ bam1: 'PRIMARY', bam2: 'STANDBY' });
    const bus = new RecordingPublisher();
    const monitor = monitorOn(store, cluster.probe, bus);
    await monitor.round();
    cluster.now.roles.bam1 = 'down';
    await monitor.round();
    const realCommit = store.commit.bind(store);
    store.commit = async () => {
      throw Object.assign(new Error('Throughput exceeds the current capacity'), { name: 'ProvisionedThroughputExceededException' });
    };
    const errors: unknown[] = [];
    let rounds = 0;
    await monitor.loop(
      1,
      () => rounds++ < 1,
      (e) => errors.push(e),
    );
    expect(errors).toHaveLength(1);
    expect((await store.get())!.state.monitoringState).toBe('MONITORING'); // no half state
    store.commit = realCommit;
    await monitor.round();
    expect((await store.get())!.state).toMatchObject({ monitoringState: 'FAILOVER_IN_PROGRESS', epoch: 2 });
  });
});

describe('a process that may not publish (an API function: only the monitor function may put monitor events)', () => {
  it('commits its events to the outbox and publishes none; the monitor finds them waiting and publishes each once', async () => {
    const store = await storeForTest();
    const cluster = fakeCluster({ bam1: 'PRIMARY', bam2: 'STANDBY' });
    const bus = new RecordingPublisher();
    const monitor = monitorOn(store, cluster.probe, bus);
    await monitor.round(); // the monitor's own first events, published
    const first = bus.seen.length;
    const api = new FailoverMonitor({
      servers,
      settings: { failuresBeforeFailover: 2 },
      probeTimeoutMs: 100,
      store,
      publisher: bus,
      publishes: false,
      probe: (name) => cluster.probe(name),
      refreshMs: 0,
    });
    cluster.now.roles.bam2 = 'down';
    await api.round();
    await api.round(); // bam2 DOWN, committed by the API process
    expect(bus.seen).toHaveLength(first);
    const waiting = (await store.get())!.outbox.map((e) => e.id);
    expect(waiting.length).toBeGreaterThan(0);
    await monitor.round(); // its cached state is stale: its write loses, it reads the item and finds them
    expect(bus.seen.slice(first).map((e) => e.id)).toEqual(waiting);
    expect((await store.get())!.outbox).toEqual([]);
  });
});
