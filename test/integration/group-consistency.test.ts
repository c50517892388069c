import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DynamoGroupStore } from '../../functions/adapters/group-store.js';
import { DynamoMonitorStore } from '../../functions/adapters/monitor-store.js';
import { makeDocumentClient } from '../../functions/adapters/dynamo.js';
import { GroupAgent } from '../../functions/group/group-agent.js';
import { FailoverMonitor } from '../../functions/monitor/failover-monitor.js';
import { flushOutbox } from '../../functions/events/outbox-flusher.js';
import { changePrimary, roleOf } from '../../functions/group/domain/group.js';
import type { EventPublisher } from '../../functions/events/ports.js';
import type { PendingEvent } from '../../functions/events/domain/events.js';
import { freshTable } from '../support/dynamo.js';
import { recordCalls, type RecordedCall } from '../support/table-faults.js';

/**
 * The audit behind the two-region group (docs/availability-group.md on a strongly consistent global table): on the
 * items that decide roles (the group's and the monitor's state), every read is strongly consistent
 * and every write is conditional. An eventually consistent read could show a node a stale Primary;
 * an unconditional write could make two Primaries in one epoch.
 */
let t: Awaited<ReturnType<typeof freshTable>>;
let calls: RecordedCall[];
beforeAll(async () => {
  t = await freshTable();
  const db = makeDocumentClient(t.endpoint);
  calls = recordCalls(db);
  const group = new DynamoGroupStore(db, t.tableName);
  const monitorStore = new DynamoMonitorStore(db, t.tableName);
  const bus: EventPublisher = { publish: async (events: PendingEvent[]) => ({ published: events.map((e) => e.id), failed: [] }) };
  const iv = { healthReportMs: 1000, healthCheckMs: 1000, allowedAbsenceMs: 3000 };
  let now = 1_000_000;
  const agent = (id: string) => new GroupAgent({ nodeId: id, nodeUrl: `http://${id}`, intervals: iv, store: group, publisher: bus, now: () => now });
  const a = agent('a');
  const b = agent('b');
  await a.tick(); // bootstrap
  await b.tick(); // join
  await a.tick(); // heartbeat
  await b.tick(); // wait (touch)
  now += 5000;
  await b.tick(); // a silent too long: takeover
  await a.tick(); // refused heartbeat, re-read
  await b.tick(); // heartbeat
  // A manual failover, as PUT /ag/api/v1/failover writes it.
  const seen = (await group.get())!;
  expect(await group.change(seen, changePrimary(seen, 'a', 'manual-failover', now), undefined, { settled: true })).toBe(true);
  await flushOutbox(group.outbox, bus, 'http-test', now);
  // The Primary's monitor round, gated on the group role.
  const monitor = (id: string) =>
    new FailoverMonitor({
      servers: [{ name: 'bam1', url: 'http://bam1' }],
      settings: { failuresBeforeFailover: 2 },
      probeTimeoutMs: 100,
      store: monitorStore,
      publisher: bus,
      probe: async (server: string) => ({ server, ok: true as const, role: 'PRIMARY' as const, latencyMs: 1, at: Date.now() }),
      gate: async () => roleOf(await group.get(), id) === 'PRIMARY',
    });
  let k = 0;
  await monitor('a').loop(1, () => k++ < 2);
  k = 0;
  await monitor('b').loop(1, () => k++ < 1);
}, 30_000);
afterAll(async () => t?.close());

const roleItems = (c: RecordedCall) => (c.pk === 'GROUP' && c.sk === 'STATE') || c.pk === 'MONITOR';
const isRead = (c: RecordedCall) => /^(Get|Query|BatchGet)/.test(c.command);
const isWrite = (c: RecordedCall) => /^(Put|Update|Delete)/.test(c.command);

describe('group and monitor state: strong consistency everywhere', () => {
  it('the scenario exercised every kind of role read and write (bootstrap, join, heartbeat, touch, takeover, failover, outbox, monitor)', () => {
    const updates = calls.filter((c) => c.pk === 'GROUP' && isWrite(c)).map((c) => c.update ?? 'put');
    expect(updates).toContain('put');
    expect(updates.some((u) => u.includes('heartbeatSeq = heartbeatSeq + :one'))).toBe(true);
    expect(updates.some((u) => u.includes('epoch = :e'))).toBe(true);
    expect(updates.some((u) => u === 'SET #members.#me.lastSeen = :now')).toBe(true);
    expect(updates.some((u) => u.startsWith('SET outboxLease'))).toBe(true);
    expect(calls.some((c) => c.pk === 'MONITOR' && isWrite(c))).toBe(true);
  });

  it('every read of them is a strongly consistent read', () => {
    const reads = calls.filter((c) => roleItems(c) && isRead(c));
    expect(reads.length).toBeGreaterThan(10);
    expect(reads.filter((c) => !c.consistentRead)).toEqual([]);
  });

  it('every write to them is conditional', () => {
    const writes = calls.filter((c) => roleItems(c) && isWrite(c));
    expect(writes.length).toBeGreaterThan(10);
    expect(writes.filter((c) => !c.condition)).toEqual([]);
  });

  it('a role change is conditioned on the version read, and a heartbeat on holding the epoch', () => {
    const groupWrites = calls.filter((c) => c.pk === 'GROUP' && isWrite(c));
    for (const w of groupWrites.filter((c) => c.update?.includes('#primary = :p'))) expect(w.condition).toMatch(/version = :prev/);
    for (const w of groupWrites.filter((c) => c.update?.includes('heartbeatSeq + :one'))) expect(w.condition).toBe('#primary = :me AND epoch = :e');
  });
});
