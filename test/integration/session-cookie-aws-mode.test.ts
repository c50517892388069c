import { afterAll, beforeAll, expect, it } from 'vitest';
import { startLocalStack, type LocalStack } from '../../local/runtime.js';
import { call } from '../support/client.js';

/** Outside local mode the session cookie is `__Host-gateway_session`, Secure, and the only name accepted. */
let stack: LocalStack;

beforeAll(async () => {
  stack = await startLocalStack({ env: { BAM_API_VERSION: '2', LOCAL_MODE: 'false' } });
});
afterAll(async () => stack?.close());

it('sets __Host-gateway_session with Path=/, Secure, HttpOnly, SameSite=Strict; accepts it and refuses the local name', async () => {
  const r = await call(stack.url, 'POST', '/rest_login', { json: { username: 'alice', password: 'alice-pass' } });
  expect(r.status).toBe(200);
  const cookie = r.headers.get('set-cookie') ?? '';
  const token = String(r.body.access_token).split(' ')[1];
  expect(cookie.split('; ')).toEqual(expect.arrayContaining([`__Host-gateway_session=${token}`, 'Path=/', 'Secure', 'HttpOnly', 'SameSite=Strict']));
  expect(cookie).not.toMatch(/Domain=/i);
  // The absolute lifetime (12 h), not the 1 h idle timeout: use slides the session, not the cookie.
  expect(cookie.split('; ')).toContain('Max-Age=43200');
  expect((await call(stack.url, 'GET', '/failover_monitoring/status', { headers: { cookie: `__Host-gateway_session=${token}` } })).status).toBe(200);
  expect((await call(stack.url, 'GET', '/failover_monitoring/status', { headers: { cookie: `gateway_session=${token}` } })).status).toBe(401);
  const csrf = (await call(stack.url, 'GET', '/ui/api/session', { headers: { cookie: `__Host-gateway_session=${token}` } })).body.csrf_token as string;
  const out = await call(stack.url, 'POST', '/rest_logout', { headers: { cookie: `__Host-gateway_session=${token}`, 'x-csrf-token': csrf, 'content-type': 'application/json' } });
  expect(out.status).toBe(200);
  expect(out.headers.get('set-cookie')).toMatch(/^__Host-gateway_session=; .*Max-Age=0/);
});
