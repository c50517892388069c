import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { DeleteCommand } from '@aws-sdk/lib-dynamodb';
import { DynamoGroupStore } from '../../functions/adapters/group-store.js';
import { makeDocumentClient } from '../../functions/adapters/dynamo.js';
import { GroupAgent } from '../../functions/group/group-agent.js';
import { changePrimary, failoverTarget } from '../../functions/group/domain/group.js';
import { flushOutbox } from '../../functions/events/outbox-flusher.js';
import type { EventPublisher } from '../../functions/events/ports.js';
import type { PendingEvent } from '../../functions/events/domain/events.js';
import { freshTable } from '../support/dynamo.js';
import { partitionable } from '../support/table-faults.js';

/**
 * Property: whatever the schedule of heartbeats, checks, takeovers, partitions (a node cut off from
 * the table), restarts, manual failovers and clock jumps, each epoch has one Primary, and without a
 * manual failover no two nodes act as Primary at the same instant. Real agents and the real
 * DynamoDB adapter on dynalite; a shared fake clock; each node with its own partitionable client.
 */
let t: Awaited<ReturnType<typeof freshTable>>;
beforeAll(async () => {
  t = await freshTable();
});
afterAll(async () => t?.close());

const iv = { healthReportMs: 1000, healthCheckMs: 1000, allowedAbsenceMs: 3000 };
const NODES = ['a', 'b'] as const;
type Node = (typeof NODES)[number];

type Step =
  | { kind: 'advance'; ms: number }
  | { kind: 'tick'; node: Node }
  | { kind: 'tickBoth' }
  | { kind: 'partition'; node: Node }
  | { kind: 'heal'; node: Node }
  | { kind: 'restart'; node: Node }
  | { kind: 'failover' };

const node = fc.constantFrom<Node>(...NODES);
const step: fc.Arbitrary<Step> = fc.oneof(
  { weight: 4, arbitrary: fc.record({ kind: fc.constant('advance' as const), ms: fc.oneof(fc.integer({ min: 0, max: 1500 }), fc.integer({ min: 2500, max: 4000 })) }) },
  { weight: 5, arbitrary: fc.record({ kind: fc.constant('tick' as const), node }) },
  { weight: 3, arbitrary: fc.constant({ kind: 'tickBoth' as const }) },
  { weight: 3, arbitrary: fc.record({ kind: fc.constant('partition' as const), node }) },
  { weight: 2, arbitrary: fc.record({ kind: fc.constant('heal' as const), node }) },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant('restart' as const), node }) },
  { weight: 1, arbitrary: fc.constant({ kind: 'failover' as const }) },
);

async function run(steps: Step[]): Promise<void> {
  await t.db.send(new DeleteCommand({ TableName: t.tableName, Key: { pk: 'GROUP', sk: 'STATE' } }));
  let now = 1_000_000;
  const published: PendingEvent[] = [];
  const bus: EventPublisher = { publish: async (es) => (published.push(...es), { published: es.map((e) => e.id), failed: [] }) };
  const observer = new DynamoGroupStore(t.db, t.tableName); // sees the table whatever the partitions
  const links = Object.fromEntries(
    NODES.map((id) => {
      const db = makeDocumentClient(t.endpoint);
      return [id, { db, link: partitionable(db) }];
    }),
  ) as Record<Node, { db: ReturnType<typeof makeDocumentClient>; link: ReturnType<typeof partitionable> }>;
  const agentFor = (id: Node) => new GroupAgent({ nodeId: id, nodeUrl: null, intervals: iv, store: new DynamoGroupStore(links[id].db, t.tableName), publisher: bus, now: () => now });
  const agents: Record<Node, GroupAgent> = { a: agentFor('a'), b: agentFor('b') };
  const primaryOfEpoch = new Map<number, string>();
  let failedOver = false;

  const note = (epoch: number, primary: string | null, who: string) => {
    if (primary === null) return;
    const known = primaryOfEpoch.get(epoch);
    if (known !== undefined && known !== primary) throw new Error(`epoch ${epoch} has two Primaries: ${known} and ${primary} (seen by ${who})`);
    primaryOfEpoch.set(epoch, primary);
  };
  const check = async (after: string) => {
    const table = await observer.get();
    if (table) note(table.epoch, table.primary, `the table, after ${after}`);
    const acting = NODES.filter((id) => agents[id].role === 'PRIMARY');
    for (const id of acting) {
      const s = agents[id].state!;
      if (s.primary !== id) throw new Error(`${id} acts as Primary on a state naming ${s.primary}`);
      note(s.epoch, id, `${id}, after ${after}`);
    }
    if (!failedOver && acting.length > 1) throw new Error(`two nodes act as Primary at once, after ${after}`);
  };
  const tick = (id: Node) => agents[id].tick().catch(() => undefined); // a cut-off node's tick fails

  // The group as `npm start` forms it: a creates it, b joins; the schedule starts from there.
  await tick('a');
  await tick('b');
  for (const s of steps) {
    switch (s.kind) {
      case 'advance':
        now += s.ms;
        break;
      case 'tick':
        await tick(s.node);
        break;
      case 'tickBoth':
        await Promise.all(NODES.map(tick));
        break;
      case 'partition':
        links[s.node].link.cut();
        break;
      case 'heal':
        links[s.node].link.heal();
        break;
      case 'restart':
        agents[s.node] = agentFor(s.node);
        break;
      case 'failover': {
        // PUT /ag/api/v1/failover as the operations function writes it (from any node that reaches the table).
        const seen = await observer.get();
        const to = seen && failoverTarget(seen, now, iv);
        if (seen && to && (await observer.change(seen, changePrimary(seen, to, 'manual-failover', now), undefined, { settled: true }))) {
          failedOver = true;
          await flushOutbox(observer.outbox, bus, 'http', now);
        }
        break;
      }
    }
    await check(JSON.stringify(s));
  }

  // Healed and left alone, the group settles on exactly one Primary that both nodes agree on.
  for (const id of NODES) links[id].link.heal();
  for (let i = 0; i < 12; i++) {
    now += iv.healthReportMs;
    await Promise.all(NODES.map(tick));
    await check('healing');
  }
  const acting = NODES.filter((id) => agents[id].role === 'PRIMARY');
  const table = (await observer.get())!;
  expect(acting).toEqual([table.primary]);
  expect(agents.a.state?.primary).toBe(table.primary);
  expect(agents.b.state?.primary).toBe(table.primary);

  // Every role event published agrees with the table's history, and none was published twice.
  await flushOutbox(observer.outbox, bus, 'final', now);
  for (const e of published) {
    const d = e.detail as { node: { id: string }; new: string; epoch: number };
    if (d.new === 'PRIMARY') note(d.epoch, d.node.id, `event ${e.id}`);
  }
  const ids = published.map((e) => e.id);
  expect(new Set(ids).size).toBe(ids.length);
}

describe('availability group under arbitrary schedules (fast-check)', () => {
  it('one Primary per epoch, never two acting at once without a manual failover, and one Primary once healed', async () => {
    await fc.assert(fc.asyncProperty(fc.array(step, { minLength: 1, maxLength: 30 }), run), { numRuns: 40 });
  }, 120_000);
});
