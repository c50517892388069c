import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startLocalStack, type LocalStack } from '../../local/runtime.js';
import { call, eventually, login } from '../support/client.js';

/**
 * `gatewayThread`: the single gateway node in a worker thread of its own (bench:switchover runs it
 * so, so that the simulated BAM servers and DynamoDB, other machines in production, do not share
 * its event loop). It must be the same gateway: logins, workflows, the local controls, a failover.
 */
let stack: LocalStack;
beforeAll(async () => {
  stack = await startLocalStack({ gatewayThread: true });
});
afterAll(async () => stack?.close());

describe('a gateway node in its own thread', () => {
  it('knows the Primary at once, serves logins and workflows, and the local controls through its API', async () => {
    const state = (await call(stack.url, 'GET', '/_local/state')).body;
    expect(state.monitoring).toMatchObject({ monitoring_state: 'MONITORING', primary_url: stack.cluster!.server('bam1').url });
    expect(state.nodes).toEqual([expect.objectContaining({ id: 'a', url: stack.url, running: true, partitioned: false })]);
    const alice = await login(stack.url, 'alice', 'alice-pass');
    expect((await call(stack.url, 'GET', '/failover_rest_endpoints/get_configurations', { token: alice })).status).toBe(200);
  });

  it('goes through a failover driven by the controls, and stack.probe runs a round in the thread', async () => {
    const svc = await login(stack.url, 'gateway-svc', 'gateway-svc-pass');
    expect((await call(stack.url, 'POST', '/_local/bam/bam1/stop')).status).toBe(200);
    await eventually(async () => (await call(stack.url, 'GET', '/_local/state')).body.monitoring.monitoring_state === 'FAILOVER_IN_PROGRESS', 10_000, 'the failover');
    expect((await call(stack.url, 'POST', '/_local/bam/bam2/promote')).status).toBe(200);
    const before = Date.now();
    await stack.probe();
    // A round ran in the thread (bam2 was probed since); the new Primary is confirmed within the
    // bound a user waits for (a loaded machine may need the monitor's next round, not this one).
    const status = (await call(stack.url, 'GET', '/failover_monitoring/status', { token: svc })).body;
    expect(Date.parse(status.servers.find((s: { name: string }) => s.name === 'bam2').last_probe_time)).toBeGreaterThanOrEqual(before - 5);
    await eventually(
      async () => {
        const m = (await call(stack.url, 'GET', '/_local/state')).body.monitoring;
        return m.monitoring_state === 'MONITORING' && m.primary_url === stack.cluster!.server('bam2').url;
      },
      10_000,
      'MONITORING on bam2',
    );
    expect((await call(stack.url, 'GET', '/failover_rest_endpoints/get_configurations', { token: svc })).status).toBe(200);
  });
});
