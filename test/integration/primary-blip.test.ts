import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startLocalStack, type LocalStack } from '../../local/runtime.js';
import { call, eventually, login } from '../support/client.js';

/**
 * docs/failover.md hysteresis in time and §4.3: a sub-second Primary outage under traffic is no failover,
 * and a loss after which the same server is Primary again ends no session whose BAM credential
 * still works. Local defaults: probe every 1 s, timeout 1 s, 2 failures.
 */
let stack: LocalStack;
let base: string;
const monitoring = async () => (await call(base, 'GET', '/_local/state')).body.monitoring;
const configurations = (token: string) => call(base, 'GET', '/failover_rest_endpoints/get_configurations', { token });
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

beforeAll(async () => {
  stack = await startLocalStack();
  base = stack.url;
});
afterAll(async () => stack?.close());

describe('a Primary blip', () => {
  it('of 400 ms while clients call the workflow: no epoch change, no 401, no 5xx', async () => {
    const tokens = [
      ...(await Promise.all([1, 2].map(() => login(base, 'gateway-svc', 'gateway-svc-pass')))),
      ...(await Promise.all([1, 2].map(() => login(base, 'alice', 'alice-pass', { bam_alias: 'primary-address-manager' })))),
    ];
    const idle = await login(base, 'alice', 'alice-pass'); // an alias session not in use meanwhile
    const { epoch } = await monitoring();
    const statuses: number[] = [];
    let running = true;
    const clients = tokens.map(async (token) => {
      while (running) statuses.push((await configurations(token)).status);
    });
    await sleep(300);
    await stack.cluster!.server('bam1').stop({ keepSessions: true }); // a network outage: BAM keeps its sessions
    await sleep(400);
    await stack.cluster!.server('bam1').start();
    await sleep(1500);
    running = false;
    await Promise.all(clients);

    expect(statuses.filter((s) => s !== 200)).toEqual([]);
    expect(await monitoring()).toMatchObject({ monitoring_state: 'MONITORING', epoch });
    expect((await configurations(idle)).status).toBe(200);
    const changes = (await call(base, 'GET', '/_local/events')).body.events.filter((e: { 'detail-type': string }) => e['detail-type'] === 'MONITORING_STATE_CHANGED');
    expect(changes).toHaveLength(1); // the discovery at start only
  });

  it('long enough to be a loss, with the same server Primary again: alias sessions keep working', async () => {
    const alice = await login(base, 'alice', 'alice-pass', { bam_alias: 'primary-address-manager' });
    const svc = await login(base, 'gateway-svc', 'gateway-svc-pass');
    const { epoch } = await monitoring();
    await stack.cluster!.server('bam1').stop({ keepSessions: true });
    await eventually(async () => (await monitoring()).monitoring_state === 'FAILOVER_IN_PROGRESS', 8000, 'loss detected');
    expect((await configurations(alice)).status).toBe(503); // during: the failover answer
    await stack.cluster!.server('bam1').start();
    await eventually(async () => (await monitoring()).monitoring_state === 'MONITORING', 8000, 'bam1 confirmed again');
    expect((await monitoring()).epoch).toBe(epoch + 2);

    for (const token of [alice, svc]) {
      const r = await configurations(token);
      expect(r.status).toBe(200);
      expect(r.body.primary_url).toBe(stack.cluster!.server('bam1').url);
    }
    expect((await configurations(alice)).status).toBe(200); // and stays
  });

  it('after which another server is Primary still ends non-restorable alias sessions', async () => {
    const alice = await login(base, 'alice', 'alice-pass', { bam_alias: 'primary-address-manager' });
    await stack.cluster!.server('bam1').stop({ keepSessions: true });
    await eventually(async () => (await monitoring()).monitoring_state === 'FAILOVER_IN_PROGRESS', 8000, 'loss detected');
    await call(base, 'POST', '/_local/bam/bam2/promote');
    await eventually(async () => (await monitoring()).monitoring_state === 'MONITORING', 8000, 'bam2 confirmed');
    // bam1 back, claiming Primary until the operator re-adds it as bam2's Standby.
    await stack.cluster!.server('bam1').start();
    expect((await call(base, 'POST', '/_local/bam/bam1/readd')).status).toBe(200);
    const r = await configurations(alice);
    expect(r.status).toBe(401);
    expect(r.body.code).toBe('SessionEndedByFailover');
  });
});
