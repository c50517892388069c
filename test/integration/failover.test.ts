import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startLocalStack, type LocalStack } from '../../local/runtime.js';
import { call, eventually, login } from '../support/client.js';
import { lambdaContext } from '../../local/lambda-context.js';

/**
 * reference/000 end to end over real HTTP: the simulated cluster, the monitor loop, dynalite,
 * the local bus. Probe settings are the local defaults (1 s / 1 s / 2).
 */
let stack: LocalStack;
let base: string;
const state = async () => (await call(base, 'GET', '/_local/state')).body.monitoring;
const configurations = (token: string) => call(base, 'GET', '/failover_rest_endpoints/get_configurations', { token });

beforeAll(async () => {
  stack = await startLocalStack();
  base = stack.url;
});
afterAll(async () => stack?.close());

describe('an Address Manager failover', () => {
  it('runs the reference scenario: 503 during, same token after for the service user, clear 401s for the others', async () => {
    const bam1 = stack.cluster!.server('bam1').url;
    const bam2 = stack.cluster!.server('bam2').url;
    const svc = await login(base, 'gateway-svc', 'gateway-svc-pass', { bam_alias: 'primary-address-manager' });
    const alice = await login(base, 'alice', 'alice-pass', { bam_alias: 'primary-address-manager' });
    const pinned = await login(base, 'alice', 'alice-pass', { bam_alias: 'bam1' });
    expect((await configurations(svc)).body.primary_url).toBe(bam1);

    await call(base, 'POST', '/_local/bam/bam1/stop');
    await eventually(async () => (await state()).monitoring_state === 'FAILOVER_IN_PROGRESS', 8000, 'failover detection');

    // During: BlueCat's 503 body, with Retry-After, for calls and for logins through the alias.
    const during = await configurations(svc);
    expect(during.status).toBe(503);
    expect(during.headers.get('retry-after')).toMatch(/^\d+$/);
    expect(during.body).toEqual({ code: 503, description: 'Address Manager failover in progress. Refresh or try again later.', status: 'FailoverProcessing', time: expect.stringMatching(/^\d{2}:\d{2}:\d{2}\.\d{6}$/) });
    const loginDuring = await call(base, 'POST', '/rest_login', { json: { username: 'alice', password: 'alice-pass' } });
    expect(loginDuring.status).toBe(503);
    expect(loginDuring.body.status).toBe('FailoverProcessing');
    // The status endpoint still answers, and shows the failover.
    const status = await call(base, 'GET', '/failover_monitoring/status', { token: svc });
    expect(status.body).toMatchObject({ monitoring_state: 'FAILOVER_IN_PROGRESS', primary_url: null });

    await call(base, 'POST', '/_local/bam/bam2/promote');
    await eventually(async () => (await state()).monitoring_state === 'MONITORING', 8000, 'new Primary');

    const after = await configurations(svc);
    expect(after.status).toBe(200);
    expect(after.body).toMatchObject({ primary_url: bam2, failover_monitoring_state: 'MONITORING', configurations: ['Production', 'Lab', 'Disaster Recovery'] });
    expect((await configurations(svc)).status).toBe(200); // and it stays restored

    const ended = await configurations(alice);
    expect(ended.status).toBe(401);
    expect(ended.body).toMatchObject({ code: 'SessionEndedByFailover', status: 401 });
    expect(ended.body.message).toMatch(/Address Manager failover/);
    expect((await configurations(alice)).status).toBe(401); // gone for good

    const pinnedAfter = await configurations(pinned);
    expect(pinnedAfter.status).toBe(401);
    expect(pinnedAfter.body.message).toMatch(/bam1 failed/);

    // Logging in again works against the new Primary.
    expect((await configurations(await login(base, 'alice', 'alice-pass'))).body.primary_url).toBe(bam2);

    // The old Primary returns as Standby.
    await call(base, 'POST', '/_local/bam/bam1/start');
    await eventually(async () => (await state()).servers.find((s: { name: string }) => s.name === 'bam1').role === 'STANDBY', 8000, 'bam1 back as Standby');

    // Events are published just after the state change commits: wait for the last one.
    type Ev = { 'detail-type': string; detail: Record<string, any> };
    const events = await eventually(async () => {
      const all = (await call(base, 'GET', '/_local/events')).body.events as Ev[];
      return all.some((e) => e['detail-type'] === 'NODE_ROLE_CHANGED' && e.detail.node.id === 'bam1' && e.detail.new === 'STANDBY') && all;
    }, 8000, 'bam1 STANDBY event published');
    const roleChanges = events.filter((e) => e['detail-type'] === 'NODE_ROLE_CHANGED').map((e) => `${e.detail.node.id}:${e.detail.previous}->${e.detail.new}`);
    expect(roleChanges).toEqual(['bam1:null->PRIMARY', 'bam2:null->STANDBY', 'bam1:PRIMARY->UNKNOWN', 'bam2:STANDBY->PRIMARY', 'bam1:UNKNOWN->STANDBY']);
    const monitoring = events.filter((e) => e['detail-type'] === 'MONITORING_STATE_CHANGED').map((e) => e.detail.new);
    expect(monitoring).toEqual(['MONITORING', 'FAILOVER_IN_PROGRESS', 'MONITORING']);
    for (const e of events) expect(e).toMatchObject({ source: 'failover-gateway', id: expect.any(String), time: expect.any(String) });
  });

  it('a session bound to a surviving server is untouched when another server fails', async () => {
    // After the first test bam2 is Primary and bam1 Standby.
    const onPrimary = await login(base, 'alice', 'alice-pass', { bam_alias: 'bam2' });
    await call(base, 'POST', '/_local/bam/bam1/stop');
    await eventually(async () => (await state()).servers.find((s: { name: string }) => s.name === 'bam1').health === 'DOWN', 8000, 'bam1 DOWN');
    expect((await state()).monitoring_state).toBe('MONITORING');
    expect((await configurations(onPrimary)).status).toBe(200);
    await call(base, 'POST', '/_local/bam/bam1/start');
  });

  it('added latency below the probe timeout slows answers but is not a failure', async () => {
    const r = await call(base, 'POST', '/_local/bam/bam2/latency', { json: { ms: 300 } });
    expect(r.body.server).toMatchObject({ name: 'bam2', latency_ms: 300 });
    const svc = await login(base, 'gateway-svc', 'gateway-svc-pass');
    const started = Date.now();
    expect((await configurations(svc)).status).toBe(200);
    expect(Date.now() - started).toBeGreaterThanOrEqual(300);
    await new Promise((res) => setTimeout(res, 2500)); // two probe rounds
    expect((await state()).monitoring_state).toBe('MONITORING');
    for (const bad of [{ ms: -1 }, { ms: 'slow' }, {}]) expect((await call(base, 'POST', '/_local/bam/bam2/latency', { json: bad })).status).toBe(400);
    expect((await call(base, 'POST', '/_local/bam/bam9/latency', { json: { ms: 1 } })).status).toBe(404);
    await call(base, 'POST', '/_local/bam/bam2/latency', { json: { ms: 0 } });
  });

  it('a hung Primary is detected like a stopped one, within the probe timeout', async () => {
    const svc = await login(base, 'gateway-svc', 'gateway-svc-pass');
    await call(base, 'POST', '/_local/bam/bam2/hang');
    await eventually(async () => (await state()).monitoring_state === 'FAILOVER_IN_PROGRESS', 8000, 'hung Primary detected');
    expect((await configurations(svc)).status).toBe(503);
    await call(base, 'POST', '/_local/bam/bam2/start');
    await eventually(async () => (await state()).monitoring_state === 'MONITORING', 8000, 'recovered');
    expect((await configurations(svc)).status).toBe(200);
  });
});

describe('the monitor Lambda', () => {
  it('probes in a loop until shortly before its timeout, then returns', async () => {
    const { handler } = await import('../../functions/handlers/monitor.js');
    const started = Date.now();
    const result = await handler({}, lambdaContext('gateway-monitor', 5000));
    const took = Date.now() - started;
    // Local defaults: a round a second, stopping when under interval + timeout + 0.5 s remain.
    expect(result.rounds).toBeGreaterThanOrEqual(2);
    expect(result.rounds).toBeLessThanOrEqual(4);
    expect(took).toBeLessThan(5000);
  });

  it('probes once when asked to', async () => {
    const { handler } = await import('../../functions/handlers/monitor.js');
    expect(await handler({ mode: 'once' }, lambdaContext('gateway-monitor', 60_000))).toEqual({ rounds: 1 });
  });
});
