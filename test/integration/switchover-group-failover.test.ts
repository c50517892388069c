import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startLocalStack, type LocalStack } from '../../local/runtime.js';
import { call, eventually, login } from '../support/client.js';

/**
 * A planned switchover of the BAM Primary while the gateway-node group fails over (docs/maintenance.md): node
 * a, whose monitor started the switchover, stops in the middle; node b carries it to the end from
 * the stored state, and a restorable session held on b continues with the same token.
 */
let stack: LocalStack;
let a: string;
let b: string;
let svc: string;

beforeAll(async () => {
  stack = await startLocalStack({ nodes: 2 });
  a = stack.nodes.get('a')!.url;
  b = stack.nodes.get('b')!.url;
  svc = await login(a, 'gateway-svc', 'gateway-svc-pass');
  expect((await call(b, 'POST', '/_local/bam/switchover-pause', { json: { ms: 4000 } })).status).toBe(200);
}, 60_000);
afterAll(async () => stack?.close());

const status = async () => (await call(b, 'GET', '/failover_monitoring/status', { token: svc })).body;

describe('a planned switchover across a gateway-node failover', () => {
  it('node b completes the switchover node a started, and the held call on b is served by the new Primary', async () => {
    const created = await call(b, 'POST', '/airlock/rest/session/create', { token: svc });
    const cookie = created.headers.get('set-cookie')!.split(';')[0]!;
    const rest = (method: string, path: string, body?: unknown) =>
      call(b, method, `/airlock/rest${path}`, { headers: { cookie, 'content-type': 'application/json' }, ...(body !== undefined ? { body: JSON.stringify(body) } : {}) });
    expect((await rest('POST', '/configuration/configurations/load-active')).status).toBe(204);
    expect((await rest('POST', '/configuration/back-end-groups/1/host-mode', { data: { type: 'back-end-host-mode-change', attributes: { hostName: 'bam1', mode: 'DISABLED' } } })).status).toBe(200);
    expect((await rest('POST', '/configuration/configurations/activate', { comment: 'patch bam1' })).status).toBe(200);

    await eventually(async () => (await status()).monitoring_state === 'SWITCHOVER_IN_PROGRESS', 8000, 'the switchover starts');
    expect((await call(b, 'POST', '/_local/nodes/a/stop')).status).toBe(200);
    const held = await call(b, 'GET', '/failover_rest_endpoints/get_configurations', { token: svc });
    expect(held.status).toBe(200);
    expect(held.body.primary_url).toBe(stack.cluster!.server('bam2').url);

    const after = await status();
    expect(after).toMatchObject({ monitoring_state: 'MONITORING', primary_url: stack.cluster!.server('bam2').url, switchover: { state: 'COMPLETED', from: 'bam1', target: 'bam2' } });
    await eventually(async () => (await call(b, 'GET', '/ag/api/v1/state', { token: svc })).body.node_role === 'primary', 10_000, 'node b takes over');
  });
});
