import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startLocalStack, type LocalStack } from '../../local/runtime.js';
import { auditSink, setAuditSink, type AuditEntry } from '../../functions/kernel/audit.js';
import { call } from '../support/client.js';

/**
 * BlueCat's own script clients, as their public source sends requests (docs/script-clients.md): the Rundeck
 * plugin (bluecatlabs/rundeck-bluecat-gateway-plugin, contents/gateway_bash) logs in with
 * `curl -d "username=...&password=..."` and sends `auth: Basic BAMAuthToken: <t>`; the Postman
 * collections of gateway-workflows log in with a multipart `formdata` body; rest_api's tests
 * (unit_test_utils.py) send `auth: BAMAuthToken: <t>` without a scheme.
 */
let stack: LocalStack;
let base: string;
const entries: AuditEntry[] = [];
const originalSink = auditSink;

beforeAll(async () => {
  stack = await startLocalStack({ env: { BAM_API_VERSION: '1', LOGIN_MAX_FAILURES: '2', LOGIN_BACKOFF_BASE_MS: '60000' } });
  base = stack.url;
  setAuditSink((e) => entries.push(e));
});
afterAll(async () => {
  setAuditSink(originalSink);
  await stack?.close();
});

const formLogin = (fields: Record<string, string>, headers: Record<string, string> = {}) =>
  fetch(`${base}/rest_login`, { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded', ...headers }, body: new URLSearchParams(fields).toString() });
const multipartLogin = (fields: Record<string, string>, headers: Record<string, string> = {}) => {
  const form = new FormData();
  for (const [k, v] of Object.entries(fields)) form.append(k, v);
  // fetch writes the multipart body and its Content-Type with the boundary, as Postman does.
  return fetch(`${base}/rest_login`, { method: 'POST', headers, body: form });
};
const tokenOf = async (res: Response) => {
  const body = (await res.json()) as { access_token: string };
  return body.access_token.split(' ')[1]!;
};
const configurations = (headers: Record<string, string>) => fetch(`${base}/failover_rest_endpoints/get_configurations`, { headers });

describe("BlueCat's script clients", () => {
  it('the Rundeck plugin: a url-encoded login, then auth: Basic BAMAuthToken: <t>', async () => {
    const res = await formLogin({ username: 'alice', password: 'alice-pass' });
    expect(res.status).toBe(200);
    expect(res.headers.getSetCookie()[0]).toMatch(/^gateway_session=/);
    const t = await tokenOf(res);
    expect((await configurations({ auth: `Basic BAMAuthToken: ${t}` })).status).toBe(200);
  });

  it('a Postman collection: a multipart login naming a server; the token then works without a scheme', async () => {
    const res = await multipartLogin({ username: 'alice', password: 'alice-pass', bam_alias: 'bam1' });
    expect(res.status).toBe(200);
    const t = await tokenOf(res);
    expect((await configurations({ auth: `BAMAuthToken: ${t}` })).status).toBe(200);
    expect((await configurations({ auth: t })).status).toBe(200);
    // Authorization keeps HTTP's rule: a scheme first.
    expect((await configurations({ authorization: t })).status).toBe(401);
  });

  it('same answers as a JSON login: wrong credentials 401 with the same body, an unknown alias 400, a bad body 400', async () => {
    const json = await call(base, 'POST', '/rest_login', { json: { username: 'dave', password: 'nope' } });
    const form = await formLogin({ username: 'erin', password: 'nope' });
    expect([form.status, await form.json()]).toEqual([401, json.body]);
    const alias = await multipartLogin({ username: 'alice', password: 'alice-pass', bam_alias: 'bam9' });
    expect([alias.status, ((await alias.json()) as { message: string }).message]).toEqual([400, expect.stringMatching(/bam9/)]);
    const missing = await formLogin({ username: 'alice' });
    expect([missing.status, ((await missing.json()) as { details: unknown }).details]).toEqual([400, [{ field: 'password', problem: expect.any(String) }]]);
    const text = await fetch(`${base}/rest_login`, { method: 'POST', headers: { 'content-type': 'text/plain' }, body: 'username=alice&password=alice-pass' });
    expect(text.status).toBe(415);
  });

  it('the same limits: form and multipart failures count with JSON ones, and the backoff refuses every form', async () => {
    for (let i = 0; i < 2; i++) expect((await (i % 2 ? multipartLogin : formLogin)({ username: 'frank', password: `guess${i}` })).status).toBe(401);
    const json = await call(base, 'POST', '/rest_login', { json: { username: 'frank', password: 'guess3' } });
    expect(json.status).toBe(429);
    expect((await multipartLogin({ username: 'frank', password: 'guess4' })).status).toBe(429);
  });

  it('the same audit: a form login is audited as a login, with no password', async () => {
    entries.length = 0;
    await multipartLogin({ username: 'alice', password: 'alice-pass' });
    await formLogin({ username: 'grace', password: 'secret-guess' });
    expect(entries.filter((e) => e.action === 'login').map((e) => [e.actor, e.outcome])).toEqual([
      ['alice', 'success'],
      ['grace', 'failure'],
    ]);
    expect(JSON.stringify(entries)).not.toMatch(/alice-pass|secret-guess/);
  });

  it.each([
    ['another site (Origin)', { origin: 'https://evil.example' }],
    ['another site (Sec-Fetch-Site)', { 'sec-fetch-site': 'cross-site', 'sec-fetch-mode': 'navigate' }],
    ['a sibling site (Sec-Fetch-Site)', { 'sec-fetch-site': 'same-site' }],
    ['a sandboxed frame (Origin: null)', { origin: 'null' }],
    ["the gateway's own origin, posted as a page navigation", { 'sec-fetch-site': 'same-origin', 'sec-fetch-mode': 'navigate', 'sec-fetch-dest': 'document' }],
  ])('a browser form login from %s is refused (403), no cookie set', async (_, headers) => {
    for (const send of [formLogin, multipartLogin]) {
      const res = await send({ username: 'alice', password: 'alice-pass' }, headers);
      expect(res.status).toBe(403);
      expect(res.headers.getSetCookie()).toEqual([]);
    }
  });
});
