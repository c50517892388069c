import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startLocalStack, type LocalStack } from '../../local/runtime.js';
import { call, login } from '../support/client.js';

/** CSRF (docs/security.md): JSON content types on JSON endpoints; cross-site cookie-authenticated changes refused. */
let stack: LocalStack;
let base: string;
let token: string;
const hostRecords = () => [...stack.cluster!.data.entities.values()].filter((e) => e.type === 'HostRecord').map((e) => e.properties.absoluteName);
const record = (name: string) => JSON.stringify({ configuration: 'Production', zone: 'example.com', name, address: '10.9.9.9' });

beforeAll(async () => {
  stack = await startLocalStack({ env: { BAM_API_VERSION: '2' } });
  base = stack.url;
  token = await login(base, 'alice', 'alice-pass');
});
afterAll(async () => stack?.close());

const post = (name: string, headers: Record<string, string>) => call(base, 'POST', '/dns_records/host_records', { body: record(name), headers });
const cookie = () => ({ cookie: `gateway_session=${token}` });

describe('JSON bodies must be declared JSON', () => {
  it('the reported attack: a cookie-only text/plain POST from a foreign Origin creates nothing', async () => {
    const r = await post('csrf1', { ...cookie(), 'content-type': 'text/plain', origin: 'https://evil.example' });
    expect([403, 415]).toContain(r.status);
    expect(r.body).toMatchObject({ status: r.status, code: expect.any(String) });
    expect(hostRecords()).not.toContain('csrf1.example.com');
  });

  it.each(['text/plain', 'application/x-www-form-urlencoded', 'multipart/form-data; boundary=x'])('a workflow body sent as %s is a 415', async (type) => {
    const r = await post('csrf2', { authorization: `Bearer ${token}`, 'content-type': type });
    expect(r.status).toBe(415);
    expect(r.body).toMatchObject({ code: 'UnsupportedMediaType', status: 415 });
    expect(hostRecords()).not.toContain('csrf2.example.com');
  });

  it('POST /rest_login as text/plain is a 415', async () => {
    const r = await call(base, 'POST', '/rest_login', { body: JSON.stringify({ username: 'alice', password: 'alice-pass' }), headers: { 'content-type': 'text/plain' } });
    expect(r.status).toBe(415);
    expect(r.body).toMatchObject({ code: 'UnsupportedMediaType', status: 415 });
  });

  it.each(['application/json', 'application/json; charset=utf-8', 'application/vnd.bluecat+json'])('%s is accepted', async (type) => {
    const name = `ok-${type.replace(/\W/g, '')}`;
    expect((await post(name, { authorization: `Bearer ${token}`, 'content-type': type })).status).toBe(201);
  });
});

describe('cross-site requests with the session cookie', () => {
  it.each([
    ['a foreign Origin', { origin: 'https://evil.example' }],
    ['Origin null', { origin: 'null' }],
    ['Sec-Fetch-Site cross-site', { 'sec-fetch-site': 'cross-site' }],
    ['Sec-Fetch-Site same-site', { 'sec-fetch-site': 'same-site' }],
  ])('a state change authenticated by the cookie alone, with %s, is a 403', async (_, headers) => {
    const r = await post('csrf3', { ...cookie(), 'content-type': 'application/json', ...headers });
    expect(r.status).toBe(403);
    expect(r.body).toMatchObject({ code: 'Forbidden', status: 403 });
    expect(hostRecords()).not.toContain('csrf3.example.com');
    expect((await call(base, 'POST', '/rest_logout', { headers: { ...cookie(), ...headers } })).status).toBe(403);
  });

  it("from the gateway's own origin, a cookie-authenticated change needs the session's CSRF token (docs/web-ui.md)", async () => {
    const csrf = (await call(base, 'GET', '/ui/api/session', { headers: cookie() })).body.csrf_token as string;
    expect(csrf).toMatch(/^[A-Za-z0-9_-]{43}$/);
    const sameOrigin = { ...cookie(), 'content-type': 'application/json', origin: base, 'sec-fetch-site': 'same-origin' };
    const without = await post('same0', sameOrigin);
    expect(without.status).toBe(403);
    expect(without.body).toMatchObject({ code: 'CsrfTokenRequired', status: 403 });
    expect((await post('same0', { ...sameOrigin, 'x-csrf-token': 'x'.repeat(43) })).status).toBe(403);
    expect(hostRecords()).not.toContain('same0.example.com');
    expect((await post('same1', { ...sameOrigin, 'x-csrf-token': csrf })).status).toBe(201);
    // Without browser headers too: the cookie alone never authorizes a change.
    expect((await post('same2', { ...cookie(), 'content-type': 'application/json' })).status).toBe(403);
    expect((await post('same2', { ...cookie(), 'content-type': 'application/json', 'x-csrf-token': csrf })).status).toBe(201);
  });

  it('a cookie-authenticated change with the token must still declare JSON', async () => {
    const csrf = (await call(base, 'GET', '/ui/api/session', { headers: cookie() })).body.csrf_token as string;
    const r = await call(base, 'POST', '/rest_logout', { headers: { ...cookie(), 'x-csrf-token': csrf, 'content-type': 'text/plain' } });
    expect(r.status).toBe(415);
    expect((await call(base, 'GET', '/ui/api/session', { headers: cookie() })).status).toBe(200);
  });

  it("one session's CSRF token does not work with another session's cookie", async () => {
    const other = await login(base, 'alice', 'alice-pass');
    const otherCsrf = (await call(base, 'GET', '/ui/api/session', { token: other })).body.csrf_token as string;
    expect((await post('cross1', { ...cookie(), 'content-type': 'application/json', 'x-csrf-token': otherCsrf })).status).toBe(403);
  });

  it('a login from another site is refused (login CSRF), even without a cookie', async () => {
    const r = await call(base, 'POST', '/rest_login', { json: { username: 'alice', password: 'alice-pass' }, headers: { origin: 'https://evil.example' } });
    expect(r.status).toBe(403);
    expect(r.headers.get('set-cookie')).toBeNull();
    expect((await call(base, 'POST', '/rest_login', { json: { username: 'alice', password: 'alice-pass' }, headers: { origin: base, 'sec-fetch-site': 'same-origin' } })).status).toBe(200);
  });

  it('a token in a header is not CSRF-prone: a foreign Origin is not refused', async () => {
    expect((await post('hdr1', { authorization: `Bearer ${token}`, 'content-type': 'application/json', origin: 'https://other.example' })).status).toBe(201);
  });

  it('reads are not refused', async () => {
    const r = await call(base, 'GET', '/failover_monitoring/status', { headers: { ...cookie(), origin: 'https://evil.example', 'sec-fetch-site': 'cross-site' } });
    expect(r.status).toBe(200);
  });

  it('local mode sets and accepts only gateway_session, not the __Host- name', async () => {
    const r = await call(base, 'POST', '/rest_login', { json: { username: 'alice', password: 'alice-pass' } });
    expect(r.headers.get('set-cookie')).toMatch(/^gateway_session=/);
    const t = String(r.body.access_token).split(' ')[1];
    expect((await call(base, 'GET', '/failover_monitoring/status', { headers: { cookie: `__Host-gateway_session=${t}` } })).status).toBe(401);
  });
});
