import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startLocalStack, type LocalStack } from '../../local/runtime.js';
import { call, eventually, login } from '../support/client.js';
import { lambdaContext } from '../../local/lambda-context.js';
import { referenceFailover } from '../support/failover-scenario.js';

/**
 * BlueCat Gateway's failover behaviour end to end over real HTTP: the simulated cluster, the monitor loop, dynalite,
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
  it('runs the reference scenario (two servers: bam2 promoted to Standalone; bam1 back claiming Primary is fenced until re-added): 503 during, same token after for the service user, clear 401s for the others', async () => {
    await referenceFailover(stack);
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
    const { handler } = await import('../../functions/lambdas/monitor.js');
    const started = Date.now();
    const result = await handler({}, lambdaContext('gateway-monitor', 5000));
    const took = Date.now() - started;
    // Local defaults: a round a second, stopping when under interval + timeout + 0.5 s remain.
    expect(result.rounds).toBeGreaterThanOrEqual(2);
    expect(result.rounds).toBeLessThanOrEqual(4);
    expect(took).toBeLessThan(5000);
  });

  it('probes once when asked to', async () => {
    const { handler } = await import('../../functions/lambdas/monitor.js');
    expect(await handler({ mode: 'once' }, lambdaContext('gateway-monitor', 60_000))).toEqual({ rounds: 1 });
  });
});
