import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startLocalStack, type LocalStack } from '../../local/runtime.js';
import { call, login } from '../support/client.js';

/**
 * The monitor loop here probes once per 10 minutes: only requests probe. A request that cannot
 * reach the Primary probes at once, but requests never shorten the hysteresis window (N failures
 * spanning (N−1) probe intervals, docs/failover.md), and an alias call meanwhile gets the failover 503,
 * never a 502/504 (docs/api.md).
 */
let stack: LocalStack;
let base: string;
const pause = () => new Promise((r) => setTimeout(r, 250)); // request-triggered probes are at most one per 200 ms
const monitoring = async () => (await call(base, 'GET', '/_local/state')).body.monitoring;

beforeAll(async () => {
  stack = await startLocalStack({ env: { MONITOR_PROBE_INTERVAL_MS: '600000' } });
  base = stack.url;
});
afterAll(async () => stack?.close());

describe('a request that cannot reach the Primary', () => {
  it('through the alias gets the failover 503 with Retry-After while the monitor has not decided; a pinned session a 502', async () => {
    const svc = await login(base, 'gateway-svc', 'gateway-svc-pass');
    const alice = await login(base, 'alice', 'alice-pass', { bam_alias: 'primary-address-manager' });
    const pinned = await login(base, 'alice', 'alice-pass', { bam_alias: 'bam1' });
    const get = (token: string) => call(base, 'GET', '/failover_rest_endpoints/get_configurations', { token });
    const { epoch } = await monitoring();
    await stack.cluster!.server('bam1').stop({ keepSessions: true });

    // Each call retries (probing every ~300 ms) for a short bound, then answers the failover 503.
    for (const token of [svc, alice]) {
      const r = await get(token);
      expect(r.status).toBe(503);
      expect(r.body.status).toBe('FailoverProcessing');
      expect(r.headers.get('retry-after')).toMatch(/^\d+$/);
    }
    const aliasLogin = await call(base, 'POST', '/rest_login', { json: { username: 'alice', password: 'alice-pass' } });
    expect(aliasLogin.status).toBe(503);
    expect(aliasLogin.body.status).toBe('FailoverProcessing');
    expect((await get(pinned)).status).toBe(502); // a specific server: the client chose it

    // A score of request-triggered probes in seconds is not a loss: only the probe interval makes one.
    expect(await monitoring()).toMatchObject({ monitoring_state: 'MONITORING', epoch });

    await stack.cluster!.server('bam1').start();
    for (const token of [svc, alice, pinned]) expect((await get(token)).status).toBe(200);
    expect((await monitoring()).epoch).toBe(epoch);
  });

  it('probes at once: a Primary that turns Standby (re-added after a promote) while both answer is replaced by the request, which then is served', async () => {
    const svc = await login(base, 'gateway-svc', 'gateway-svc-pass');
    const get = () => call(base, 'GET', '/failover_rest_endpoints/get_configurations', { token: svc });
    const bam1 = stack.cluster!.server('bam1').url;
    // An operator promotes bam2 while bam1 still serves: BAM leaves bam1 claiming Primary, a split
    // brain the gateway never switches on.
    expect((await call(base, 'POST', '/_local/bam/bam2/promote')).status).toBe(200);
    await stack.probe();
    expect(await monitoring()).toMatchObject({ monitoring_state: 'MONITORING', primary_url: bam1, split_brain: true });
    expect((await get()).body.primary_url).toBe(bam1);
    // Re-added as the Standby of bam2, bam1 refuses the gateway's session: the request probes at once.
    expect((await call(base, 'POST', '/_local/bam/bam1/readd')).status).toBe(200);
    await pause();
    const during = await get(); // bam1 answers as a Standby: the failover answer, and a probe
    expect(during.status).toBe(503);
    await pause();
    const restored = await get();
    expect(restored.status).toBe(200);
    expect(restored.body.primary_url).toBe(stack.cluster!.server('bam2').url);
    expect(await monitoring()).toMatchObject({ monitoring_state: 'MONITORING', split_brain: false });
  });
});
