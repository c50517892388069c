import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startLocalStack, type LocalStack } from '../../local/runtime.js';
import { LoadDriver, errorsIn } from '../../bench/support/load-driver.js';
import { call, eventually } from '../support/client.js';

/**
 * A small version of `npm run bench:load`: 20 concurrent clients, half
 * restorable, half alias sessions, through a stop → promote failover and through a 400 ms blip.
 * Asserts the zero-error properties, not timings.
 */
let stack: LocalStack;
let base: string;
const monitoring = async () => (await call(base, 'GET', '/_local/state')).body.monitoring;
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

beforeAll(async () => {
  stack = await startLocalStack({ env: { POWERTOOLS_LOG_LEVEL: 'ERROR' } });
  base = stack.url;
});
afterAll(async () => stack?.close());

describe('20 concurrent clients', () => {
  it('through a stop → promote failover: no 5xx but the failover 503, no 401 for restorable sessions', async () => {
    const load = new LoadDriver(base, 20);
    await load.start();
    await sleep(300);
    await stack.cluster!.server('bam1').stop();
    await eventually(async () => (await monitoring()).monitoring_state === 'FAILOVER_IN_PROGRESS', 10_000, 'failover detected');
    await call(base, 'POST', '/_local/bam/bam2/promote');
    await eventually(async () => (await monitoring()).primary_url === stack.cluster!.server('bam2').url, 10_000, 'bam2 confirmed');
    await sleep(1000);
    const tally = await load.stop();
    expect(errorsIn(tally, { aliasEndsAllowed: true })).toEqual({});
    expect(tally.counts['200']).toBeGreaterThan(0);
    // bam1 returns claiming Primary (BAM does not reconfigure it) until re-added as bam2's Standby.
    await stack.cluster!.server('bam1').start();
    expect((await call(base, 'POST', '/_local/bam/bam1/readd')).status).toBe(200);
    await eventually(
      async () => {
        const m = await monitoring();
        return !m.split_brain && m.servers.find((s: { name: string }) => s.name === 'bam1').role === 'STANDBY';
      },
      10_000,
      'bam1 re-added as Standby',
    );
  });

  it('through a 400 ms blip of the Primary: no epoch change, no 401, no 5xx', async () => {
    const load = new LoadDriver(base, 20);
    await load.start();
    const { epoch } = await monitoring();
    await sleep(300);
    const primary = stack.cluster!.server('bam2');
    await primary.stop({ keepSessions: true });
    await sleep(400);
    await primary.start();
    await sleep(1500);
    const tally = await load.stop();
    expect(Object.keys(tally.counts)).toEqual(['200']);
    expect(await monitoring()).toMatchObject({ monitoring_state: 'MONITORING', epoch });
  });
});
