import { expect } from 'vitest';
import { call } from './client.js';
import { rest } from './airlock.js';

/**
 * The maintenance REST API as Airlock's official client library calls it (no body and no
 * Content-Type on session/create, a JSESSIONID cookie after), for the tests of test/integration/
 * airlock-rest*.test.ts. `base` and `svc` are read when called: the stack starts in beforeAll.
 */
export function restClient(baseUrl: () => string, svcToken: () => string) {
  /** Creates a REST session as the official lib does (no body, no Content-Type) and answers its cookie. */
  async function createSession(token = svcToken()): Promise<string> {
    const r = await call(baseUrl(), 'POST', rest('/session/create'), { headers: { authorization: `Bearer ${token}`, accept: '*/*' } });
    expect(r.status).toBe(200);
    const setCookie = r.headers.get('set-cookie')!;
    expect(setCookie).toMatch(/^JSESSIONID=[A-Za-z0-9_-]{43}; /);
    expect(setCookie).toMatch(/HttpOnly/);
    expect(setCookie).toMatch(/SameSite=Strict/);
    expect(setCookie).toMatch(/Path=\/airlock\/rest/);
    return setCookie.split(';')[0]!;
  }

  const inSession =
    (cookie: string) =>
    (method: string, path: string, body?: string, headers: Record<string, string> = {}) =>
      call(baseUrl(), method, rest(path), { headers: { cookie, accept: 'application/json', ...headers }, ...(body !== undefined ? { body } : {}) });

  const modeChange = (hostName: string, mode: string, extra: Record<string, unknown> = { protocol: 'HTTP', port: '80' }) =>
    JSON.stringify({ data: { type: 'back-end-host-mode-change', attributes: { ...extra, hostName, mode } } });

  const hostStatus = async (s: ReturnType<typeof inSession>, name: string) => {
    const r = await s('GET', '/system/status/back-end-groups/address-manager');
    expect(r.status).toBe(200);
    return r.body.data.attributes.backendHosts.find((h: { name: string }) => h.name === name);
  };

  const activate = (s: ReturnType<typeof inSession>, comment: string, options: Record<string, unknown> = {}) =>
    s('POST', '/configuration/configurations/activate', JSON.stringify({ comment, options }), { 'content-type': 'application/json' });

  return { createSession, inSession, modeChange, hostStatus, activate };
}
