import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startLocalStack, type LocalStack } from '../../local/runtime.js';
import { call, eventually, login } from '../support/client.js';

/** Two gateway nodes (a in this process, b in a worker) sharing one embedded DynamoDB. */
let stack: LocalStack;
let a: string;
let b: string;
let admin: string;

const roleOn = async (base: string) => (await call(base, 'GET', '/ag/api/v1/state', { token: admin })).body.node_role as string;

beforeAll(async () => {
  // Grants cached for long on each node: a decision that still uses the cache is seen to.
  stack = await startLocalStack({ nodes: 2, env: { GRANT_CACHE_MS: '60000' } });
  a = stack.nodes.get('a')!.url;
  b = stack.nodes.get('b')!.url;
  admin = await login(a, 'gateway-svc', 'gateway-svc-pass');
}, 60_000);
afterAll(async () => stack?.close());

describe('the availability group', () => {
  it("reports each node's role with BlueCat's field names", async () => {
    const sa = await call(a, 'GET', '/ag/api/v1/state', { token: admin });
    expect(sa.status).toBe(200);
    expect(sa.body).toMatchObject({
      node_id: 'a',
      node_role: 'primary',
      primary_node: 'a',
      heartbeat_method: 'shared-table',
      last_heartbeat_time: expect.any(String),
      last_updated: expect.any(String),
    });
    expect(await roleOn(b)).toBe('secondary');
    const group = await call(b, 'GET', '/ag/api/v1/group', { token: admin });
    expect(group.body).toMatchObject({ primary_node: 'a', health_report_interval: 1, health_check_interval: 1, allowed_absence_interval: 3 });
    expect(group.body.nodes.map((n: { node_id: string; node_role: string; available: boolean }) => `${n.node_id}:${n.node_role}:${n.available}`)).toEqual(['a:primary:true', 'b:secondary:true']);
  });

  it('a session created on one node works on the other', async () => {
    const alice = await login(a, 'alice', 'alice-pass');
    const r = await call(b, 'GET', '/failover_rest_endpoints/get_configurations', { token: alice });
    expect(r.status).toBe(200);
    expect(r.body.configurations).toContain('Production');
  });

  it('needs the availability_group permission (admins have it)', async () => {
    const bob = await login(b, 'bob', 'bob-pass');
    expect((await call(b, 'GET', '/ag/api/v1/state', { token: bob })).status).toBe(403);
    expect((await call(b, 'PUT', '/ag/api/v1/failover', { token: bob })).status).toBe(403);
    expect((await call(b, 'GET', '/ag/api/v1/state')).status).toBe(401);
    await call(a, 'PUT', '/admin/users/bob/permissions/availability_group', { token: admin });
    expect((await call(b, 'GET', '/ag/api/v1/state', { token: bob })).status).toBe(200);
  });

  it('a group failover is authorised from the grants as they are now: a revoke made on the other node refuses it at once', async () => {
    const bob = await login(b, 'bob', 'bob-pass');
    expect((await call(b, 'GET', '/ag/api/v1/state', { token: bob })).status).toBe(200); // node b now holds "bob may" in its cache
    expect((await call(a, 'DELETE', '/admin/users/bob/permissions/availability_group', { token: admin })).status).toBe(200);
    const r = await call(b, 'PUT', '/ag/api/v1/failover', { token: bob });
    expect(r.status).toBe(403);
    expect(await roleOn(a)).toBe('primary');
  });

  it('answers unknown group routes with a JSON 404', async () => {
    for (const [method, path] of [
      ['POST', '/ag/api/v1/failover'],
      ['PUT', '/ag/api/v1/state'],
      ['GET', '/ag/api/v1/nothing'],
    ] as const) {
      const r = await call(b, method, path, { token: admin });
      expect(r.status, `${method} ${path}`).toBe(404);
      expect(r.body.code).toBe('NotFound');
    }
  });

  it('a manual failover on node b makes b Primary and a Secondary', async () => {
    const r = await call(b, 'PUT', '/ag/api/v1/failover', { token: admin });
    expect(r.status).toBe(200);
    expect(r.body).toMatchObject({ previous_primary: 'a', primary_node: 'b' });
    expect(await roleOn(b)).toBe('primary');
    expect(await roleOn(a)).toBe('secondary');
  });

  it('stopping the Primary node makes the other one Primary; the old one returns as Secondary', async () => {
    await call(a, 'POST', '/_local/nodes/b/stop');
    const stoppedAt = Date.now();
    await eventually(async () => (await roleOn(a)) === 'primary', 10_000, 'node a takes over');
    expect(Date.now() - stoppedAt).toBeLessThan(6000);
    expect((await fetch(`${b}/ag/api/v1/state`).catch((e: Error) => e)) instanceof Error).toBe(true); // b's API is down
    const noTarget = await call(a, 'PUT', '/ag/api/v1/failover', { token: admin });
    expect(noTarget.status).toBe(409);
    expect(noTarget.body.code).toBe('NoFailoverTarget');
    await call(a, 'POST', '/_local/nodes/b/start');
    expect(await roleOn(b)).toBe('secondary');
  });

  it('the bus shows NODE_ROLE_CHANGED for gateway nodes and BAM servers, delivered to the sample subscriber and the event recorder', async () => {
    await eventually(
      async () => {
        const events = (await call(a, 'GET', '/_local/events')).body.events as { 'detail-type': string; detail: any; deliveries: { subscriber: string; status: string }[] }[];
        const roles = events.filter((e) => e['detail-type'] === 'NODE_ROLE_CHANGED');
        return roles.every((e) => e.deliveries.length === 2 && e.deliveries.every((d) => d.status === 'delivered')) && roles.length >= 8 ? roles : false;
      },
      10_000,
      'deliveries',
    );
    const events = (await call(a, 'GET', '/_local/events')).body.events as { 'detail-type': string; detail: any; deliveries: { subscriber: string }[] }[];
    const gateway = events.filter((e) => e['detail-type'] === 'NODE_ROLE_CHANGED' && e.detail.node.kind === 'gateway').map((e) => `${e.detail.node.id}:${e.detail.previous}->${e.detail.new}`);
    expect(gateway).toEqual(['a:null->PRIMARY', 'b:NOT_IN_GROUP->SECONDARY', 'a:PRIMARY->SECONDARY', 'b:SECONDARY->PRIMARY', 'b:PRIMARY->SECONDARY', 'a:SECONDARY->PRIMARY']);
    const bam = events.filter((e) => e['detail-type'] === 'NODE_ROLE_CHANGED' && e.detail.node.kind === 'address-manager').map((e) => `${e.detail.node.id}:${e.detail.new}`);
    expect(bam).toEqual(['bam1:PRIMARY', 'bam2:STANDBY']);
    expect(new Set(events.flatMap((e) => e.deliveries.map((d) => d.subscriber)))).toEqual(new Set(['RoleChangeLogger', 'EventRecorder']));
  });

  it("workflows can read this node's state through platform.availability.getNodeState()", async () => {
    const { withRouteHandler } = await import('../support/runners.js');
    const r = await withRouteHandler(
      'ip_space',
      0,
      async ({ platform }) => platform.availability.getNodeState(),
      () => call(a, 'GET', '/ip_space/blocks?configuration=Lab', { token: admin }),
    );
    expect(r.body).toMatchObject({ node_id: 'a', node_role: 'primary', heartbeat_method: 'shared-table' });
  });
});
