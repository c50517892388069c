import { expect } from 'vitest';
import { call, type Reply } from './client.js';

export const rest = (path: string) => `/airlock/rest${path}`;

export interface AirlockRestSession {
  /** The JSESSIONID cookie (`JSESSIONID=...`). */
  cookie: string;
  /** A call in the REST session: path after /airlock/rest, JSON body as a string. */
  call(method: string, path: string, body?: string): Promise<Reply>;
  /** load-active, host-mode (host by name), activate with a comment: answers the activation. */
  setMode(hostName: string, mode: string): Promise<Reply>;
}

/** Opens a REST session of the maintenance API with a gateway token (or a tenant token). */
export async function openRestSession(base: string, token: string): Promise<AirlockRestSession> {
  const created = await call(base, 'POST', rest('/session/create'), { headers: { authorization: `Bearer ${token}` } });
  expect(created.status).toBe(200);
  const cookie = created.headers.get('set-cookie')!.split(';')[0]!;
  const inSession = (method: string, path: string, body?: string) =>
    call(base, method, rest(path), { headers: { cookie, 'content-type': 'application/json' }, ...(body !== undefined ? { body } : {}) });
  return {
    cookie,
    call: inSession,
    async setMode(hostName, mode) {
      expect((await inSession('POST', '/configuration/configurations/load-active')).status).toBe(204);
      const change = JSON.stringify({ data: { type: 'back-end-host-mode-change', attributes: { hostName, mode } } });
      expect((await inSession('POST', '/configuration/back-end-groups/address-manager/host-mode', change)).status).toBe(200);
      return inSession('POST', '/configuration/configurations/activate', JSON.stringify({ comment: `${hostName} ${mode}` }));
    },
  };
}
