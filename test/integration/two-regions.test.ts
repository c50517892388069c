import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startLocalStack, type LocalStack } from '../../local/runtime.js';
import { call, eventually, login } from '../support/client.js';

/**
 * The local "two regions": nodes a and b each reach the table through their own link, and
 * `POST /_local/nodes/{id}/partition` cuts one off, as a region that lost the quorum of the strongly
 * consistent global table. The other node takes over; the cut-off node never acts as Primary;
 * sessions from either node go on working; role events are published once each (at least once).
 */
let stack: LocalStack;
let a: string;
let b: string;
let admin: string;
let aliceOnA: string;
let aliceOnB: string;

const state = async (base: string) => (await call(base, 'GET', '/ag/api/v1/state', { token: admin })).body as { node_role: string; epoch: number; primary_node: string };
const configurations = async (base: string, token: string) => call(base, 'GET', '/failover_rest_endpoints/get_configurations', { token });

type BusEvent = { 'detail-type': string; detail: { node: { kind: string; id: string }; previous: string | null; new: string; epoch: number; eventId: string } };
const gatewayRoleEvents = async () => ((await call(b, 'GET', '/_local/events')).body.events as BusEvent[]).filter((e) => e['detail-type'] === 'NODE_ROLE_CHANGED' && e.detail.node.kind === 'gateway');

beforeAll(async () => {
  stack = await startLocalStack({ nodes: 2 });
  a = stack.nodes.get('a')!.url;
  b = stack.nodes.get('b')!.url;
  admin = await login(a, 'gateway-svc', 'gateway-svc-pass');
  aliceOnA = await login(a, 'alice', 'alice-pass');
  aliceOnB = await login(b, 'alice', 'alice-pass');
}, 60_000);
afterAll(async () => stack?.close());

describe('two "regions": a node cut off from the table', () => {
  it('the controls answer for each node, and refuse unknown nodes', async () => {
    const r = await call(b, 'POST', '/_local/nodes/c/partition');
    expect(r.status).toBe(404);
    const s = await call(b, 'GET', '/_local/state');
    expect(s.body.nodes.map((n: { id: string; partitioned: boolean; role: string }) => `${n.id}:${n.role}:${n.partitioned}`)).toEqual(['a:primary:false', 'b:secondary:false']);
  });

  it('the Primary cut off: the other node takes over, and the cut-off one serves nothing as Primary', async () => {
    const before = await state(b);
    expect(before).toMatchObject({ node_role: 'secondary', primary_node: 'a' });
    const cut = await call(b, 'POST', '/_local/nodes/a/partition');
    expect(cut.status).toBe(200);
    expect(cut.body.node).toMatchObject({ id: 'a', partitioned: true });
    await eventually(async () => (await state(b)).node_role === 'primary', 15_000, 'node b takes over');
    expect(await state(b)).toMatchObject({ primary_node: 'b', epoch: before.epoch + 1 });
    // Node a cannot read the table: it answers no request as if it were anything, let alone Primary.
    const onA = await call(a, 'GET', '/ag/api/v1/state', { token: admin });
    expect(onA.status).toBeGreaterThanOrEqual(500);
    expect(JSON.stringify(onA.body)).not.toContain('"primary"');
    expect((await configurations(a, aliceOnA)).status).toBeGreaterThanOrEqual(500);
    const local = await call(b, 'GET', '/_local/state');
    expect(local.body.nodes.map((n: { id: string; partitioned: boolean; role: string }) => `${n.id}:${n.role}:${n.partitioned}`)).toEqual(['a:secondary:true', 'b:primary:false']);
  });

  it('sessions created on either node keep working on the new Primary', async () => {
    for (const token of [aliceOnA, aliceOnB]) {
      const r = await configurations(b, token);
      expect(r.status).toBe(200);
      expect(r.body.configurations).toContain('Production');
    }
  });

  it('healed, the old Primary finds it is Secondary, and its sessions work there again', async () => {
    expect((await call(b, 'POST', '/_local/nodes/a/heal')).body.node).toMatchObject({ id: 'a', partitioned: false });
    await eventually(async () => (await call(a, 'GET', '/ag/api/v1/state', { token: admin })).status === 200, 10_000, 'node a reaches the table');
    expect(await state(a)).toMatchObject({ node_role: 'secondary', primary_node: 'b' });
    for (const token of [aliceOnA, aliceOnB]) expect((await configurations(a, token)).status).toBe(200);
  });

  it('the Secondary cut off: nothing changes, and it does not take over when healed', async () => {
    const before = await state(a);
    await call(a, 'POST', '/_local/nodes/a/partition');
    await new Promise((r) => setTimeout(r, 4500)); // longer than allowed_absence_interval (3 s)
    await call(a, 'POST', '/_local/nodes/a/heal');
    await eventually(async () => (await call(a, 'GET', '/ag/api/v1/state', { token: admin })).status === 200, 10_000, 'node a reaches the table');
    await new Promise((r) => setTimeout(r, 1500));
    expect(await state(b)).toMatchObject({ node_role: 'primary', epoch: before.epoch });
    expect(await state(a)).toMatchObject({ node_role: 'secondary', epoch: before.epoch });
  });

  it('every role change was published, each event id once: none lost, none doubled', async () => {
    const events = await eventually(
      async () => {
        const es = await gatewayRoleEvents();
        return es.length >= 4 ? es : false;
      },
      10_000,
      "the takeover's role events",
    );
    const ids = events.map((e) => e.detail.eventId);
    expect(ids.every(Boolean)).toBe(true);
    expect(new Set(ids).size).toBe(ids.length);
    expect(events.map((e) => `${e.detail.node.id}:${e.detail.previous}->${e.detail.new}@${e.detail.epoch}`)).toEqual([
      'a:null->PRIMARY@1',
      'b:NOT_IN_GROUP->SECONDARY@1',
      'a:PRIMARY->SECONDARY@2',
      'b:SECONDARY->PRIMARY@2',
    ]);
  });
});
