import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startLocalStack, type LocalStack } from '../../local/runtime.js';
import { call, eventually, login } from '../support/client.js';
import { openRestSession, type AirlockRestSession } from '../support/airlock.js';

/**
 * A planned switchover that does not complete within its bound (docs/maintenance.md): held calls get the
 * failover 503 and the unplanned path takes over. The bound is 3 s here; BAM's pause 6 s.
 */
let stack: LocalStack;
let base: string;
let svc: string;
let airlock: AirlockRestSession;

beforeAll(async () => {
  stack = await startLocalStack({ env: { SWITCHOVER_BOUND_MS: String(3 * 1000) } });
  base = stack.url;
  svc = await login(base, 'gateway-svc', 'gateway-svc-pass');
  airlock = await openRestSession(base, svc);
  expect((await call(base, 'POST', '/_local/bam/switchover-pause', { json: { ms: 6000 } })).status).toBe(200);
});
afterAll(async () => stack?.close());

const inSession = (method: string, path: string, body?: string) => airlock.call(method, path, body);
const monitorStatus = async () => (await call(base, 'GET', '/failover_monitoring/status', { token: svc })).body;
const configurations = (token: string) => call(base, 'GET', '/failover_rest_endpoints/get_configurations', { token });

describe('a planned switchover past its bound', () => {
  it('held calls get the failover 503 with Retry-After, the switchover is reported TIMED_OUT, and the new Primary is then confirmed as after a failover', async () => {
    const epoch = (await monitorStatus()).epoch;
    expect((await inSession('POST', '/configuration/configurations/load-active')).status).toBe(204);
    const change = JSON.stringify({ data: { type: 'back-end-host-mode-change', attributes: { hostName: 'bam1', mode: 'DISABLED' } } });
    expect((await inSession('POST', '/configuration/back-end-groups/1/host-mode', change)).status).toBe(200);
    expect((await inSession('POST', '/configuration/configurations/activate', JSON.stringify({ comment: 'disable the Primary' }))).status).toBe(200);

    await eventually(async () => (await monitorStatus()).monitoring_state === 'SWITCHOVER_IN_PROGRESS', 8000, 'the switchover starts');
    const held = await configurations(svc);
    expect(held.status).toBe(503);
    expect(held.headers.get('retry-after')).toMatch(/^\d+$/);
    const timedOut = await eventually(
      async () => {
        const s = await monitorStatus();
        return s.switchover?.state === 'TIMED_OUT' ? s : undefined;
      },
      8000,
      'the switchover times out',
    );
    expect(timedOut.switchover).toMatchObject({ from: 'bam1', target: 'bam2' });
    expect(timedOut.epoch).toBeGreaterThan(epoch);

    // BAM finishes its (slow) handover: bam2 is confirmed the way an unplanned failover confirms a Primary.
    const after = await eventually(
      async () => {
        const s = await monitorStatus();
        return s.monitoring_state === 'MONITORING' && s.primary_url === stack.cluster!.server('bam2').url ? s : undefined;
      },
      12_000,
      'bam2 confirmed',
    );
    expect(after.servers.find((s: { name: string }) => s.name === 'bam1')).toMatchObject({ mode: 'DISABLED', health: 'MAINTENANCE' });
    expect((await configurations(svc)).status).toBe(200); // restorable: restored on bam2
  });
});
