import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mockClient } from 'aws-sdk-client-mock';
import { BatchGetCommand, DynamoDBDocumentClient, GetCommand, PutCommand } from '@aws-sdk/lib-dynamodb';
import { startLocalStack, type LocalStack } from '../../local/runtime.js';
import { call, eventually, login } from '../support/client.js';

let stack: LocalStack;
let base: string;

beforeAll(async () => {
  stack = await startLocalStack({ env: { BAM_API_VERSION: '1', BAM_TIMEOUT_MS: '800' } });
  base = stack.url;
});
afterAll(async () => stack?.close());

describe('with BAM REST v1', () => {
  it('the sample workflow gives the same names as through v2', async () => {
    const r = await call(base, 'GET', '/failover_rest_endpoints/get_configurations', { token: await login(base, 'alice', 'alice-pass') });
    expect(r.status).toBe(200);
    expect(r.body).toEqual({ primary_url: stack.cluster!.server('bam1').url, failover_monitoring_state: 'MONITORING', configurations: ['Production', 'Lab', 'Disaster Recovery'] });
  });

  it('logout ends the BAM v1 session too', async () => {
    const before = stack.cluster!.server('bam1').logins.get('bob') ?? 0;
    const t = await login(base, 'bob', 'bob-pass');
    expect(stack.cluster!.server('bam1').logins.get('bob')).toBe(before + 1);
    expect((await call(base, 'POST', '/rest_logout', { token: t })).status).toBe(200);
  });
});

describe('restoring sessions after a failover', () => {
  it('costs one service login at the new Primary, however many restorable sessions there are', async () => {
    const tokens = await Promise.all(Array.from({ length: 12 }, () => login(base, 'gateway-svc', 'gateway-svc-pass')));
    const bam2 = stack.cluster!.server('bam2');
    // Read-only sessions are the monitor's system-info probes of the Standby, whenever they come: not restoration.
    // The new Primary may refuse the probe's read-only session once, and the probe then logs in plain: at most one more.
    const before = bam2.apiLogins.get('gateway-svc') ?? 0;
    try {
      await call(base, 'POST', '/_local/bam/bam1/stop');
      await eventually(async () => (await call(base, 'GET', '/_local/state')).body.monitoring.monitoring_state === 'FAILOVER_IN_PROGRESS', 8000);
      await call(base, 'POST', '/_local/bam/bam2/promote');
      await eventually(async () => (await call(base, 'GET', '/_local/state')).body.monitoring.monitoring_state === 'MONITORING', 8000);
      const answers = await Promise.all(tokens.map((token) => call(base, 'GET', '/failover_rest_endpoints/get_configurations', { token })));
      expect(answers.map((a) => a.status)).toEqual(tokens.map(() => 200));
      expect(bam2.apiLogins.get('gateway-svc')! - before).toBeGreaterThanOrEqual(1);
      expect(bam2.apiLogins.get('gateway-svc')! - before).toBeLessThanOrEqual(2); // not one per session (12)
    } finally {
      // Restore the cluster for the tests below, whatever happened above: bam1 returns claiming Primary until re-added as bam2's Standby.
      await call(base, 'POST', '/_local/bam/bam1/start');
      expect((await call(base, 'POST', '/_local/bam/bam1/readd')).status).toBe(200);
      await eventually(
        async () => {
          const m = (await call(base, 'GET', '/_local/state')).body.monitoring;
          return !m.split_brain && m.servers.find((s: { name: string }) => s.name === 'bam1').role === 'STANDBY';
        },
        8000,
        'bam1 re-added as Standby',
      );
    }
  });
});

describe('a hung Address Manager', () => {
  it('gives a JSON error within the BAM timeout, not a hung request', async () => {
    const t = await login(base, 'alice', 'alice-pass', { bam_alias: 'bam2' });
    await call(base, 'POST', '/_local/bam/bam2/hang');
    const started = Date.now();
    const r = await call(base, 'GET', '/failover_rest_endpoints/get_configurations', { token: t });
    const took = Date.now() - started;
    await call(base, 'POST', '/_local/bam/bam2/start');
    expect([503, 504]).toContain(r.status); // 504 timeout, or the failover 503 if the immediate probe already saw it
    expect(typeof r.body).toBe('object');
    expect(took).toBeLessThan(5000);
  });
});

describe('when DynamoDB fails', () => {
  it('a throttled session read is a JSON 500 with a correlation id and no internals; service resumes after', async () => {
    const t = await login(base, 'gateway-svc', 'gateway-svc-pass');
    const ddb = mockClient(DynamoDBDocumentClient);
    const throttled = Object.assign(new Error('Rate of requests exceeds the allowed throughput.'), { name: 'ThrottlingException' });
    ddb.on(GetCommand).rejects(throttled);
    ddb.on(BatchGetCommand).rejects(throttled); // the session read may join other reads of the same turn
    try {
      const r = await call(base, 'GET', '/failover_monitoring/status', { token: t });
      expect(r.status).toBe(500);
      expect(r.body).toMatchObject({ code: 'InternalError', status: 500, correlation_id: expect.any(String) });
      expect(JSON.stringify(r.body)).not.toMatch(/Throttling|throughput|stack/i);
      expect(ddb).toHaveReceivedCommand(GetCommand);
    } finally {
      ddb.restore();
    }
    expect((await call(base, 'GET', '/failover_monitoring/status', { token: t })).status).toBe(200);
  });

  it('a failed session write fails the login cleanly, and stores nothing half-made', async () => {
    const ddb = mockClient(DynamoDBDocumentClient);
    ddb.on(GetCommand).callsFake(async () => ({ Item: undefined }));
    ddb.on(BatchGetCommand).callsFake(async () => ({ Responses: {} })); // a login's reads, asked together
    ddb.on(PutCommand).rejects(Object.assign(new Error('The conditional request failed'), { name: 'ConditionalCheckFailedException' }));
    const primary = stack.cluster!.snapshot().find((srv) => srv.role === 'Primary')!.name;
    try {
      const r = await call(base, 'POST', '/rest_login', { json: { username: 'alice', password: 'alice-pass', bam_alias: primary } });
      expect(r.status).toBe(500);
      expect(r.body.code).toBe('InternalError');
      // The session's write, tried once (the stack's own background writes in this process are not the login's).
      const sessionWrites = ddb.commandCalls(PutCommand).filter((c) => String(c.args[0].input.Item?.pk).startsWith('SESSION#'));
      expect(sessionWrites).toHaveLength(1);
    } finally {
      ddb.restore();
    }
  });
});
