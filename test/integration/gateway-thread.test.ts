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
    await stack.probe(); // answered by the thread once its round is done
    // What a user then waits for: the status showing MONITORING on the new Primary, from a probe made
    // since they asked. Within a bound, not after this one round: on a loaded machine the monitor's
    // own round may confirm it first, and a state that changes nothing is rewritten (with its probe
    // times) only at the next refresh, up to 10 s later.
    await eventually(
      async () => {
        const status = (await call(stack.url, 'GET', '/failover_monitoring/status', { token: svc })).body;
        const bam2 = status.servers?.find((s: { name: string }) => s.name === 'bam2');
        return status.monitoring_state === 'MONITORING' && status.primary_url === stack.cluster!.server('bam2').url && Date.parse(bam2?.last_probe_time) >= before;
      },
      25_000,
      'MONITORING on bam2, probed since the request',
    );
    expect((await call(stack.url, 'GET', '/failover_rest_endpoints/get_configurations', { token: svc })).status).toBe(200);
  }, 60_000);
});
