import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startLocalStack, type LocalStack } from '../../local/runtime.js';
import { LoadDriver, errorsIn } from '../../bench/support/load-driver.js';
import { call, eventually, login } from '../support/client.js';

/**
 * Issue 24 items 1 and 2, end to end: the Primary accepts connections and never answers (a hang)
 * while clients call it. The BAM timeout is a minute here, longer than any test may take: a call
 * stuck on the hung server must be answered (the failover 503) once the monitor decides, not when
 * its BAM call times out. Figures (detection, restore) are measured by `bench:failover -- --hang`.
 */
let stack: LocalStack;
let base: string;
const monitoring = async () => (await call(base, 'GET', '/_local/state')).body.monitoring;
const configurations = (token: string) => call(base, 'GET', '/failover_rest_endpoints/get_configurations', { token });

beforeAll(async () => {
  stack = await startLocalStack({ env: { BAM_TIMEOUT_MS: '60000', POWERTOOLS_LOG_LEVEL: 'ERROR' } });
  base = stack.url;
});
afterAll(async () => stack?.close());

describe('a hung Primary', () => {
  it('calls stuck on it get the failover 503 once the monitor decides; after the promote restorable sessions go on with the same token while it still hangs', async () => {
    const svc = await login(base, 'gateway-svc', 'gateway-svc-pass');
    const alice = await login(base, 'alice', 'alice-pass', { bam_alias: 'primary-address-manager' });
    const load = new LoadDriver(base, 6);
    await load.start();
    await new Promise((r) => setTimeout(r, 300));
    const { epoch } = await monitoring();

    stack.cluster!.server('bam1').hang();
    // Sent to the hung server: before, they waited out the BAM timeout (a minute here).
    const stuck = await Promise.all([configurations(svc), configurations(alice), call(base, 'POST', '/rest_login', { json: { username: 'alice', password: 'alice-pass' } })]);
    for (const r of stuck) {
      expect(r.status).toBe(503);
      expect(r.body.status).toBe('FailoverProcessing');
      expect(r.headers.get('retry-after')).toMatch(/^\d+$/);
    }
    expect(await monitoring()).toMatchObject({ monitoring_state: 'FAILOVER_IN_PROGRESS', epoch: epoch + 1 });

    expect((await call(base, 'POST', '/_local/bam/bam2/promote')).status).toBe(200);
    await eventually(async () => (await monitoring()).primary_url === stack.cluster!.server('bam2').url, 10_000, 'bam2 confirmed');
    const restored = await configurations(svc);
    expect(restored.status).toBe(200);
    expect(restored.body.primary_url).toBe(stack.cluster!.server('bam2').url);
    expect((await configurations(alice)).body.code).toBe('SessionEndedByFailover');

    const tally = await load.stop(); // every client's last call has been answered
    expect(errorsIn(tally, { aliasEndsAllowed: true })).toEqual({});
    expect(tally.counts['200']).toBeGreaterThan(0);
    const bam1 = (await monitoring()).servers.find((s: { name: string }) => s.name === 'bam1');
    expect(bam1).toMatchObject({ health: 'DOWN', role: 'UNKNOWN', last_failure: expect.stringMatching(/timeout/) });
  });
});
