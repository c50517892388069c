import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { mockClient } from 'aws-sdk-client-mock';
import { EventBridgeClient, PutEventsCommand, type PutEventsRequestEntry } from '@aws-sdk/client-eventbridge';
import { DynamoMonitorStore } from '../../functions/adapters/monitor-store.js';
import { EventBridgePublisher } from '../../functions/adapters/eventbridge-publisher.js';
import { FailoverMonitor } from '../../functions/monitor/failover-monitor.js';
import type { EventPublisher } from '../../functions/events/ports.js';
import type { PendingEvent } from '../../functions/events/domain/events.js';
import type { BamRole, ProbeResult } from '../../functions/bam/probe.js';
import { freshTable } from '../support/dynamo.js';
import { InMemoryMonitorStore } from '../support/fakes/monitor-store.js';
import type { MonitorStore } from '../../functions/monitor/ports.js';

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

/** Collects published events, as the bus would hold them. */
class RecordingPublisher implements EventPublisher {
  readonly seen: PendingEvent[] = [];
  async publish(events: PendingEvent[]) {
    this.seen.push(...events);
    return { published: events.map((e) => e.id), failed: [] };
  }
}

let t: Awaited<ReturnType<typeof freshTable>>;
beforeAll(async () => {
  t = await freshTable();
});
afterAll(async () => t.close());

let n = 0;
/** Each test gets its own table-prefix-free store: a new table would be slower, so use a new dynalite table name. */
async function storeForTest() {
  const { createGatewayTable } = await import('../../local/dynamo.js');
  const name = `mon-${++n}-${Date.now()}`;
  await createGatewayTable(t.endpoint, name);
  return new DynamoMonitorStore(t.db, name);
}

const monitorOn = (store: MonitorStore, probe: (s: string) => Promise<ProbeResult>, publisher: EventPublisher) =>
  new FailoverMonitor({ servers, settings: { failuresBeforeFailover: 2 }, probeTimeoutMs: 100, store, publisher, probe: (name) => probe(name), refreshMs: 0 });

/**
 * The state item's conditions, on DynamoDB and on the in-memory fake the monitor's rules are tested
 * on (test/unit/monitor-persistence.test.ts); and the EventBridge publisher.
 */
const stores: [string, () => Promise<MonitorStore>][] = [
  ['DynamoDB', storeForTest],
  ['the in-memory fake', async () => new InMemoryMonitorStore()],
];

describe.each(stores)('the state item on %s', (_, storeFor) => {
  it('a stale writer loses the conditional write and leaves the stored state untouched', async () => {
    const store = await storeFor();
    const cluster = fakeCluster({ bam1: 'PRIMARY', bam2: 'STANDBY' });
    const bus = new RecordingPublisher();
    await monitorOn(store, cluster.probe, bus).round();
    const before = (await store.get())!.state;
    const stale = { ...before, monitoringState: 'FAILOVER_IN_PROGRESS' as const };
    expect(await store.commit({ ...stale, version: before.version }, [])).toBe(false); // same version again
    expect(await store.commit({ ...stale, version: before.version + 5 }, [])).toBe(false); // skipping versions
    expect((await store.get())!.state).toEqual(before);
  });
});

describe('EventBridge publisher', () => {
  const eb = mockClient(EventBridgeClient);
  afterEach(() => eb.reset());
  // The mock replaces EventBridgeClient's send for the whole thread, whose modules later files share: undone here.
  afterAll(() => eb.restore());

  const events = (k: number): PendingEvent[] =>
    Array.from({ length: k }, (_, i) => ({
      id: `7-${i}`,
      detailType: 'MONITORING_STATE_CHANGED',
      detail: { previous: 'MONITORING', new: 'FAILOVER_IN_PROGRESS', primaryUrl: null, epoch: 7, occurredAt: 'x' },
    }));

  it('sends at most 10 entries per call and resends only the failed entries: none lost, none twice', async () => {
    const onBus: string[] = [];
    let call = 0;
    eb.on(PutEventsCommand).callsFake((input: { Entries: PutEventsRequestEntry[] }) => {
      call++;
      expect(input.Entries.length).toBeLessThanOrEqual(10);
      // The first call fails every third entry; later calls succeed.
      const Entries = input.Entries.map((e, i) => {
        if (call === 1 && i % 3 === 0) return { ErrorCode: 'InternalFailure', ErrorMessage: 'try again' };
        onBus.push(JSON.parse(e.Detail!).eventId);
        return { EventId: `eb-${onBus.length}` };
      });
      return { FailedEntryCount: Entries.filter((x) => 'ErrorCode' in x).length, Entries };
    });
    const result = await new EventBridgePublisher('bus', new EventBridgeClient({}), 3, 1).publish(events(23));
    expect(result.failed).toEqual([]);
    expect(result.published.sort()).toEqual(
      events(23)
        .map((e) => e.id)
        .sort(),
    );
    expect(onBus.sort()).toEqual(
      events(23)
        .map((e) => e.id)
        .sort(),
    ); // each exactly once
    expect(eb.commandCalls(PutEventsCommand).length).toBe(4); // 10 + 10 + 3, then one retry of the 4 failed
  });

  it('reports what still fails after its attempts, so it stays in the outbox', async () => {
    eb.on(PutEventsCommand).rejects(Object.assign(new Error('Rate exceeded'), { name: 'ThrottlingException' }));
    const result = await new EventBridgePublisher('bus', new EventBridgeClient({}), 2, 1).publish(events(3));
    expect(result).toEqual({ published: [], failed: ['7-0', '7-1', '7-2'] });
  });

  it('with the monitor: partial failures across runs still put every event on the bus exactly once', async () => {
    const store = await storeForTest();
    const cluster = fakeCluster({ bam1: 'PRIMARY', bam2: 'STANDBY' });
    const onBus: string[] = [];
    let fail = true;
    eb.on(PutEventsCommand).callsFake((input: { Entries: PutEventsRequestEntry[] }) => {
      const Entries = input.Entries.map((e, i) => {
        if (fail && i === 0) return { ErrorCode: 'InternalFailure' };
        onBus.push(JSON.parse(e.Detail!).eventId);
        return { EventId: 'ok' };
      });
      return { FailedEntryCount: 0, Entries };
    });
    const monitor = monitorOn(store, cluster.probe, new EventBridgePublisher('bus', new EventBridgeClient({}), 2, 1));
    await monitor.round(); // 3 events, the first fails twice: stays in the outbox
    expect((await store.get())!.outbox.map((e) => e.id)).toEqual(['1-0']);
    expect(monitor.outboxBacklog).toBe(1); // what the OutboxBacklog alarm watches
    fail = false;
    cluster.now.roles.bam2 = 'down';
    await monitor.round();
    await monitor.round(); // bam2 DOWN: one more event; the leftover goes out with it
    expect((await store.get())!.outbox).toEqual([]);
    expect(onBus.sort()).toEqual(['1-0', '1-1', '1-2', '3-0']);
  });
});
