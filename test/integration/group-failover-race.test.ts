import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { setAuditSink, type AuditEntry } from '../../functions/kernel/audit.js';
import { startLocalStack, type LocalStack } from '../../local/runtime.js';
import { call, eventually, login } from '../support/client.js';

/** Two real gateway nodes (a in this process, b in a worker thread) on one table. */
let stack: LocalStack;
let a: string;
let b: string;
let admin: string;
const audited: AuditEntry[] = []; // node a's entries (node b logs its own)

const primaryOf = async () => (await call(a, 'GET', '/ag/api/v1/group', { token: admin })).body.primary_node as string;
const epochOf = async () => (await call(a, 'GET', '/ag/api/v1/state', { token: admin })).body.epoch as number;

beforeAll(async () => {
  stack = await startLocalStack({ nodes: 2 });
  a = stack.nodes.get('a')!.url;
  b = stack.nodes.get('b')!.url;
  admin = await login(a, 'gateway-svc', 'gateway-svc-pass');
  setAuditSink((e) => audited.push(e));
}, 60_000);
afterAll(async () => stack?.close());

describe('PUT /ag/api/v1/failover', () => {
  it('two failovers racing on the two nodes: one wins (200), the other gets a 409, and the Primary moved', async () => {
    const before = await primaryOf();
    const epoch = await epochOf();
    const [ra, rb] = await Promise.all([call(a, 'PUT', '/ag/api/v1/failover', { token: admin }), call(b, 'PUT', '/ag/api/v1/failover', { token: admin })]);
    expect([ra.status, rb.status].sort()).toEqual([200, 409]);
    const loser = ra.status === 409 ? ra : rb;
    expect(loser.body).toEqual({ code: 'GroupChanged', message: expect.any(String), status: 409 });
    const after = await primaryOf();
    expect(after).not.toBe(before);
    expect(await epochOf()).toBe(epoch + 1);
    expect(audited.filter((e) => e.action === 'group-failover')).toEqual([
      expect.objectContaining({ actor: 'gateway-svc', sourceIp: '127.0.0.1', outcome: ra.status === 200 ? 'success' : 'failure' }),
    ]);
  });

  it('once the new Primary has heartbeated, a later failover is accepted again', async () => {
    const before = await primaryOf();
    const r = await eventually(
      async () => {
        const res = await call(a, 'PUT', '/ag/api/v1/failover', { token: admin });
        return res.status === 200 ? res : false;
      },
      10_000,
      'the group settles',
    );
    expect(r.body.previous_primary).toBe(before);
    expect(await primaryOf()).not.toBe(before);
  });

  it('honours an expected-epoch precondition (If-Match or expected_epoch): a stale one is a 412, nothing changes', async () => {
    await eventually(async () => (await call(a, 'GET', '/ag/api/v1/group', { token: admin })).body.nodes.every((n: { available: boolean }) => n.available), 10_000, 'both nodes seen');
    const epoch = await epochOf();
    const primary = await primaryOf();
    const stale = await call(b, 'PUT', '/ag/api/v1/failover', { token: admin, headers: { 'if-match': `"${epoch - 1}"` } });
    expect(stale.status).toBe(412);
    expect(stale.body).toMatchObject({ code: 'EpochChanged', status: 412 });
    const staleBody = await call(a, 'PUT', '/ag/api/v1/failover', { token: admin, json: { expected_epoch: epoch - 1 } });
    expect(staleBody.status).toBe(412);
    expect(await primaryOf()).toBe(primary);
    expect(audited.at(-1)).toMatchObject({ action: 'group-failover', outcome: 'failure', actor: 'gateway-svc', reason: 'EpochChanged' });

    const current = await eventually(
      async () => {
        const res = await call(a, 'PUT', '/ag/api/v1/failover', { token: admin, json: { expected_epoch: epoch } });
        return res.status === 200 ? res : false;
      },
      10_000,
      'the group settles',
    );
    expect(current.body.epoch).toBe(epoch + 1);
    expect((await call(a, 'PUT', '/ag/api/v1/failover', { token: admin, json: { expected_epoch: 'x' } })).status).toBe(400);
  });
});
