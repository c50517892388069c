import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startLocalStack, type LocalStack } from '../../local/runtime.js';
import { call, login } from '../support/client.js';

/**
 * The monitor loop here probes once per 10 minutes: only requests can notice the failover.
 * Requests that cannot reach the Primary (or find none) probe at once.
 */
let stack: LocalStack;
let base: string;
const pause = () => new Promise((r) => setTimeout(r, 250)); // request-triggered probes are at most one per 200 ms

beforeAll(async () => {
  stack = await startLocalStack({ env: { MONITOR_PROBE_INTERVAL_MS: '600000' } });
  base = stack.url;
});
afterAll(async () => stack?.close());

describe('a request that cannot reach the Primary', () => {
  it('probes at once: the failover is detected and restored without the monitor loop', async () => {
    const svc = await login(base, 'gateway-svc', 'gateway-svc-pass');
    const get = () => call(base, 'GET', '/failover_rest_endpoints/get_configurations', { token: svc });
    await call(base, 'POST', '/_local/bam/bam1/stop');
    await pause();

    const first = await get(); // one failed probe: below the threshold, not yet a failover
    expect(first.status).toBe(502);
    expect(first.body.code).toBe('AddressManagerUnreachable');
    await pause();
    const second = await get(); // the second failed probe: failover in progress
    expect(second.status).toBe(503);
    expect(second.body.status).toBe('FailoverProcessing');

    await call(base, 'POST', '/_local/bam/bam2/promote');
    await pause();
    const restored = await get();
    expect(restored.status).toBe(200);
    expect(restored.body.primary_url).toBe(stack.cluster!.server('bam2').url);
  });
});
