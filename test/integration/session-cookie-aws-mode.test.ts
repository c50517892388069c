import { afterAll, beforeAll, expect, it } from 'vitest';
import { startLocalStack, type LocalStack } from '../../local/runtime.js';
import { call } from '../support/client.js';

/** Outside local mode the session cookie is `__Host-gateway_session`, Secure, a browser-session cookie, and the only name accepted. */
let stack: LocalStack;

beforeAll(async () => {
  stack = await startLocalStack({ env: { BAM_API_VERSION: '2', LOCAL_MODE: 'false' } });
});
afterAll(async () => stack?.close());

it('sets __Host-gateway_session with Path=/, Secure, HttpOnly, SameSite=Strict and no Max-Age or Expires; accepts it and refuses the local name', async () => {
  const r = await call(stack.url, 'POST', '/rest_login', { json: { username: 'alice', password: 'alice-pass' } });
  expect(r.status).toBe(200);
  const cookie = r.headers.getSetCookie().find((c) => c.startsWith('__Host-gateway_session=')) ?? '';
  const token = String(r.body.access_token).split(' ')[1];
  expect(cookie.split('; ')).toEqual(expect.arrayContaining([`__Host-gateway_session=${token}`, 'Path=/', 'Secure', 'HttpOnly', 'SameSite=Strict']));
  expect(cookie).not.toMatch(/Domain=/i);
  // A browser-session cookie: gone when the browser closes; the server keeps the idle timeout and the absolute lifetime.
  expect(cookie).not.toMatch(/Max-Age|Expires/i);
  // The device cookie, the same way: __Host-, Secure.
  const device = r.headers.getSetCookie().find((c) => c.startsWith('__Host-gateway_device=')) ?? '';
  expect(device.split('; ')).toEqual(expect.arrayContaining(['Path=/', 'Secure', 'HttpOnly', 'SameSite=Strict']));
  expect((await call(stack.url, 'GET', '/failover_monitoring/status', { headers: { cookie: `__Host-gateway_session=${token}` } })).status).toBe(200);
  expect((await call(stack.url, 'GET', '/failover_monitoring/status', { headers: { cookie: `gateway_session=${token}` } })).status).toBe(401);
  const csrf = (await call(stack.url, 'GET', '/ui/api/session', { headers: { cookie: `__Host-gateway_session=${token}` } })).body.csrf_token as string;
  const out = await call(stack.url, 'POST', '/rest_logout', { headers: { cookie: `__Host-gateway_session=${token}`, 'x-csrf-token': csrf, 'content-type': 'application/json' } });
  expect(out.status).toBe(200);
  expect(out.headers.get('set-cookie')).toMatch(/^__Host-gateway_session=; .*Max-Age=0/);
});
