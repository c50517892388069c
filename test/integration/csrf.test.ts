import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startLocalStack, type LocalStack } from '../../local/runtime.js';
import { call, login } from '../support/client.js';

/** CSRF (SPEC §13): JSON content types on JSON endpoints; cross-site cookie-authenticated changes refused. */
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

  it('the same request from the gateway\'s own origin, or without browser headers, goes through', async () => {
    expect((await post('same1', { ...cookie(), 'content-type': 'application/json', origin: base, 'sec-fetch-site': 'same-origin' })).status).toBe(201);
    expect((await post('same2', { ...cookie(), 'content-type': 'application/json' })).status).toBe(201);
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
