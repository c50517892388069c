import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DynamoDBClient, ScanCommand } from '@aws-sdk/client-dynamodb';
import { startLocalStack, type LocalStack } from '../../local/runtime.js';
import { call, login } from '../support/client.js';

let stack: LocalStack;
let base: string;

beforeAll(async () => {
  stack = await startLocalStack({ env: { BAM_API_VERSION: '2' } });
  base = stack.url;
});
afterAll(async () => stack?.close());

describe('POST /rest_login', () => {
  it("answers BlueCat's access_token and an HttpOnly SameSite=Strict session cookie", async () => {
    const r = await call(base, 'POST', '/rest_login', { json: { username: 'alice', password: 'alice-pass' } });
    expect(r.status).toBe(200);
    expect(r.body.access_token).toMatch(/^BAMAuthToken: [A-Za-z0-9_-]{43}$/);
    const cookie = r.headers.get('set-cookie') ?? '';
    expect(cookie).toMatch(/^gateway_session=[A-Za-z0-9_-]{43}; /);
    expect(cookie).toContain('HttpOnly');
    expect(cookie).toContain('SameSite=Strict');
    expect(cookie).not.toContain('Secure'); // local mode is plain HTTP
  });

  it('accepts the primary alias, a server name and a server URL', async () => {
    await expect(login(base, 'alice', 'alice-pass', { bam_alias: 'primary-address-manager' })).resolves.toBeTruthy();
    await expect(login(base, 'alice', 'alice-pass', { bam_alias: 'bam1' })).resolves.toBeTruthy();
    await expect(login(base, 'alice', 'alice-pass', { bam_url: stack.cluster!.server('bam1').url })).resolves.toBeTruthy();
  });

  it('401 for wrong credentials, as BAM answered', async () => {
    const r = await call(base, 'POST', '/rest_login', { json: { username: 'alice', password: 'nope' } });
    expect(r.status).toBe(401);
    expect(r.body).toMatchObject({ code: 'Unauthorized', status: 401 });
  });

  it('409 naming the alias when the named server is a Standby that serves no API', async () => {
    const r = await call(base, 'POST', '/rest_login', { json: { username: 'alice', password: 'alice-pass', bam_alias: 'bam2' } });
    expect(r.status).toBe(409);
    expect(r.body).toMatchObject({ code: 'AddressManagerIsStandby', status: 409, message: expect.stringContaining('primary-address-manager') });
  });

  it.each([
    ['malformed JSON', { body: '{"username": "alice",', headers: { 'content-type': 'application/json' } }, /not valid JSON/],
    ['an empty body', { body: '' }, /body is required/],
    ['a JSON array', { json: [] }, /Invalid request body/],
    ['a missing password', { json: { username: 'alice' } }, /password/],
    ['a number for a username', { json: { username: 42, password: 'x' } }, /username/],
    ['an empty username', { json: { username: '', password: 'x' } }, /username/],
    ['an unknown alias', { json: { username: 'alice', password: 'alice-pass', bam_alias: 'bam9' } }, /Unknown bam_alias "bam9"/],
    ['an unknown URL', { json: { username: 'alice', password: 'alice-pass', bam_url: 'http://10.9.9.9' } }, /Unknown bam_url/],
    ['alias and URL together', { json: { username: 'alice', password: 'alice-pass', bam_alias: 'bam1', bam_url: 'http://x' } }, /not both/],
  ])('400 JSON for %s', async (_, req, message) => {
    const r = await call(base, 'POST', '/rest_login', req);
    expect(r.status).toBe(400);
    expect(r.body).toMatchObject({ code: 'BadRequest', status: 400 });
    expect(r.body.message).toMatch(message);
  });

  it('413 JSON for a 2 MB body', async () => {
    const r = await call(base, 'POST', '/rest_login', { json: { username: 'alice', password: 'x'.repeat(2 * 1024 * 1024) } });
    expect(r.status).toBe(413);
    expect(r.body).toMatchObject({ code: 'PayloadTooLarge', status: 413 });
  });
});

describe('authenticated calls', () => {
  it('accept the token in every form BlueCat clients send it, and the cookie', async () => {
    const t = await login(base, 'alice', 'alice-pass');
    const forms: Record<string, string>[] = [
      { auth: `Basic BAMAuthToken: ${t}` },
      { authorization: `Basic BAMAuthToken: ${t}` },
      { authorization: `Basic ${t}` },
      { authorization: `Bearer ${t}` },
      { authorization: `Bearer BAMAuthToken: ${t}` },
      { cookie: `gateway_session=${t}` },
    ];
    for (const headers of forms) {
      const r = await call(base, 'GET', '/failover_monitoring/status', { headers });
      expect(r.status, JSON.stringify(headers)).toBe(200);
    }
  });

  it.each([
    ['no token', {}],
    ['a malformed token', { authorization: 'Bearer nope' }],
    ['an unknown token', { authorization: `Bearer ${'A'.repeat(43)}` }],
  ])('401 JSON with %s', async (_, headers) => {
    const r = await call(base, 'GET', '/failover_rest_endpoints/get_configurations', { headers });
    expect(r.status).toBe(401);
    expect(r.body).toMatchObject({ code: 'Unauthorized', status: 401 });
  });

  it('GET /failover_monitoring/status shows the Primary, the state and each server', async () => {
    const t = await login(base, 'bob', 'bob-pass');
    const r = await call(base, 'GET', '/failover_monitoring/status', { token: t });
    expect(r.status).toBe(200);
    expect(r.body).toMatchObject({ primary_url: stack.cluster!.server('bam1').url, monitoring_state: 'MONITORING', epoch: 1 });
    expect(r.body.servers.map((s: { name: string; role: string; health: string }) => `${s.name}:${s.role}:${s.health}`)).toEqual(['bam1:PRIMARY:UP', 'bam2:STANDBY:UP']);
    expect(r.body.servers[0]).toHaveProperty('last_probe_time');
    expect(r.body.servers[0]).toHaveProperty('latency_ms');
    expect(r.body.servers[0]).toHaveProperty('consecutive_failures', 0);
  });
});

describe('the sample workflow', () => {
  it("answers BlueCat Gateway's keys for a user with the permission", async () => {
    const t = await login(base, 'alice', 'alice-pass');
    const r = await call(base, 'GET', '/failover_rest_endpoints/get_configurations', { token: t });
    expect(r.status).toBe(200);
    expect(r.body).toEqual({ primary_url: stack.cluster!.server('bam1').url, failover_monitoring_state: 'MONITORING', configurations: ['Production', 'Lab', 'Disaster Recovery'] });
  });

  it('403 JSON for a user without it; admins (the service user) have every permission', async () => {
    const bob = await call(base, 'GET', '/failover_rest_endpoints/get_configurations', { token: await login(base, 'bob', 'bob-pass') });
    expect(bob.status).toBe(403);
    expect(bob.body).toMatchObject({ code: 'Forbidden', status: 403 });
    const svc = await call(base, 'GET', '/failover_rest_endpoints/get_configurations', { token: await login(base, 'gateway-svc', 'gateway-svc-pass') });
    expect(svc.status).toBe(200);
  });

  it('404 for an unknown route of the workflow, 405 for a wrong method', async () => {
    const t = await login(base, 'alice', 'alice-pass');
    expect((await call(base, 'GET', '/failover_rest_endpoints/nope', { token: t })).body).toMatchObject({ code: 'NotFound', status: 404 });
    expect((await call(base, 'POST', '/failover_rest_endpoints/get_configurations', { token: t })).body).toMatchObject({ code: 'MethodNotAllowed', status: 405 });
  });
});

describe('POST /rest_logout', () => {
  it('ends the session: the token is refused afterwards, and so is a second logout', async () => {
    const t = await login(base, 'alice', 'alice-pass');
    const out = await call(base, 'POST', '/rest_logout', { token: t });
    expect(out.status).toBe(200);
    expect(out.body.message).toBeTruthy();
    expect((await call(base, 'GET', '/failover_rest_endpoints/get_configurations', { token: t })).status).toBe(401);
    expect((await call(base, 'POST', '/rest_logout', { token: t })).status).toBe(401);
  });
});

describe('a single gateway, not in an availability group', () => {
  it('reports not_in_group, and has no group to show or fail over', async () => {
    const t = await login(base, 'gateway-svc', 'gateway-svc-pass');
    expect((await call(base, 'GET', '/ag/api/v1/state', { token: t })).body).toMatchObject({ node_role: 'not_in_group', primary_node: null });
    expect((await call(base, 'GET', '/ag/api/v1/group', { token: t })).body).toMatchObject({ code: 'NotInGroup', status: 409 });
    expect((await call(base, 'PUT', '/ag/api/v1/failover', { token: t })).status).toBe(409);
  });
});

describe('unknown routes', () => {
  it.each([
    ['GET', '/nope'],
    ['GET', '/rest_login'],
    ['DELETE', '/failover_monitoring/status'],
  ])('%s %s answers a JSON 404', async (method, path) => {
    const r = await call(base, method, path);
    expect(r.status).toBe(404);
    expect(r.body).toMatchObject({ code: 'NotFound', status: 404 });
  });
});

describe('what the table holds', () => {
  it('after several logins: no raw token, no password, no plaintext BAM credential', async () => {
    const tokens = [
      await login(base, 'alice', 'alice-pass'),
      await login(base, 'bob', 'bob-pass'),
      await login(base, 'gateway-svc', 'gateway-svc-pass'),
      await login(base, 'alice', 'alice-pass', { bam_alias: 'bam1' }),
    ];
    const db = new DynamoDBClient({ endpoint: stack.env.AWS_ENDPOINT_URL_DYNAMODB, region: 'local', credentials: { accessKeyId: 'local', secretAccessKey: 'local' } });
    const items = (await db.send(new ScanCommand({ TableName: stack.env.TABLE_NAME }))).Items ?? [];
    const dump = JSON.stringify(items);
    expect(items.filter((i) => i.pk?.S?.startsWith('SESSION#')).length).toBeGreaterThanOrEqual(tokens.length);
    for (const t of tokens) expect(dump).not.toContain(t);
    for (const pw of ['alice-pass', 'bob-pass', 'gateway-svc-pass']) expect(dump).not.toContain(pw);
    // BAM credentials: neither the v2 Basic header nor the BAM API token appear in clear.
    expect(dump).not.toMatch(/Basic [A-Za-z0-9+/=]{8,}/);
    expect(dump).not.toMatch(/BAMAuthToken/);
    db.destroy();
  });
});
