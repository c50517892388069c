import { describe, expect, it } from 'vitest';
import { GroupAgent } from '../../functions/group/group-agent.js';
import { primaryLeaseMs, type NodeRole } from '../../functions/group/domain/group.js';
import { InMemoryGroupStore } from '../support/fakes/group-store.js';
import { partitioned } from '../support/fakes/partition.js';
import { RecordingPublisher } from '../support/fakes/event-publisher.js';

/**
 * A node cut off from the table (its region lost the quorum of the strongly consistent global
 * table) must never act as Primary: it steps down when its lease runs out, which is before the
 * other node can take over. Each node reaches the shared store through its own link, so a
 * partition cuts only that node. (The table's own conditions: test/integration/group.test.ts.)
 */
const iv = { healthReportMs: 1000, healthCheckMs: 1000, allowedAbsenceMs: 3000 };

async function group() {
  const table = new InMemoryGroupStore();
  let now = 1_000_000;
  const bus = new RecordingPublisher();
  const events = bus.seen;
  const node = (id: string) => {
    const link = partitioned(table);
    const changes: string[] = [];
    const agent = new GroupAgent({
      nodeId: id,
      nodeUrl: `http://${id}`,
      intervals: iv,
      store: link.port,
      publisher: bus,
      now: () => now,
      onRoleChange: (from: NodeRole, to: NodeRole) => changes.push(`${from}->${to}`),
    });
    return { agent, link, changes, tick: () => agent.tick().catch(() => agent.role) };
  };
  const a = node('a');
  const b = node('b');
  await a.tick();
  await b.tick();
  a.changes.length = b.changes.length = 0; // only what follows the group's creation
  return {
    a,
    b,
    events,
    advance: (ms: number) => void (now += ms),
    roles: () => events.map((e) => `${(e.detail as { node: { id: string } }).node.id}:${(e.detail as { new: string }).new}@${e.detail.epoch}`),
  };
}

describe('a node cut off from the table', () => {
  it('as Primary, steps down once its lease runs out, before the other node can take over', async () => {
    const g = await group();
    expect([g.a.agent.role, g.b.agent.role]).toEqual(['PRIMARY', 'SECONDARY']);
    g.a.link.cut();
    // Time passes in heartbeat-sized steps; both keep ticking. At no instant are both Primary.
    let tookOverAt: number | undefined;
    for (let ms = 0; ms <= 6000; ms += 250) {
      g.advance(250);
      await g.a.tick();
      await g.b.tick();
      expect([g.a.agent.role, g.b.agent.role].filter((r) => r === 'PRIMARY').length, `at +${ms} ms`).toBeLessThanOrEqual(1);
      if (g.b.agent.role === 'PRIMARY' && tookOverAt === undefined) tookOverAt = ms;
    }
    expect(tookOverAt).toBeDefined();
    expect(g.a.agent.role).toBe('SECONDARY');
    expect(g.a.changes).toEqual(['PRIMARY->SECONDARY']); // told once, though it could write nothing
    expect(g.b.agent.state).toMatchObject({ primary: 'b', epoch: 2 });
  });

  it('keeps the role through one refused heartbeat: the lease spans more than one report interval', async () => {
    const g = await group();
    expect(primaryLeaseMs(iv)).toBeGreaterThan(iv.healthReportMs);
    g.a.link.cut();
    g.advance(iv.healthReportMs);
    await g.a.tick();
    expect(g.a.agent.role).toBe('PRIMARY');
    g.a.link.heal();
    g.advance(iv.healthReportMs);
    await g.a.tick();
    g.advance(iv.healthReportMs);
    await g.a.tick();
    expect(g.a.agent.role).toBe('PRIMARY');
    expect(g.a.changes).toEqual([]);
  });

  it('once healed, the old Primary finds the new one and stays Secondary; each role event goes out once', async () => {
    const g = await group();
    g.a.link.cut();
    for (let i = 0; i < 20 && g.b.agent.role !== 'PRIMARY'; i++) {
      g.advance(500);
      await g.a.tick();
      await g.b.tick();
    }
    g.a.link.heal();
    g.advance(500);
    await g.a.tick();
    await g.b.tick();
    expect([g.a.agent.role, g.b.agent.role]).toEqual(['SECONDARY', 'PRIMARY']);
    expect(g.roles()).toEqual(['a:PRIMARY@1', 'b:SECONDARY@1', 'a:SECONDARY@2', 'b:PRIMARY@2']);
    expect(new Set(g.events.map((e) => e.id)).size).toBe(g.events.length);
  });

  it('as Secondary, never takes over while cut off, nor right after it heals: the Primary kept heartbeating', async () => {
    const g = await group();
    g.b.link.cut();
    for (let i = 0; i < 20; i++) {
      g.advance(500);
      await g.a.tick();
      await g.b.tick();
    }
    expect([g.a.agent.role, g.b.agent.role]).toEqual(['PRIMARY', 'SECONDARY']);
    g.b.link.heal();
    await g.b.tick();
    expect(g.b.agent.state).toMatchObject({ primary: 'a', epoch: 1 });
    expect(g.b.agent.role).toBe('SECONDARY');
  });
});
