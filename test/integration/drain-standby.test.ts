import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startLocalStack, type LocalStack } from '../../local/runtime.js';
import { call, login } from '../support/client.js';

/**
 * Draining the Standby bam2 (NO_NEW_SESSIONS, docs/maintenance.md) over real HTTP, as an operator does it
 * before patching it: nobody working through the gateway notices, new logins naming bam2 are
 * refused with HostDraining, and the session counts say who is still served where.
 *
 * A BAM Standby serves no API, so no gateway session can be pinned to bam2 while it is a Standby
 * (409 AddressManagerIsStandby): the sessions that must keep working are those on the Primary,
 * pinned to it or through the alias, and bam2's count is 0 from the start.
 */
let stack: LocalStack;
let base: string;
let svc: string;
let jsession: string;
const rest = (path: string) => `/airlock/rest${path}`;

beforeAll(async () => {
  stack = await startLocalStack();
  base = stack.url;
  svc = await login(base, 'gateway-svc', 'gateway-svc-pass');
  const r = await call(base, 'POST', rest('/session/create'), { headers: { authorization: `Bearer ${svc}` } });
  expect(r.status).toBe(200);
  jsession = r.headers.get('set-cookie')!.split(';')[0]!;
});
afterAll(async () => {
  await stack?.close();
});

const airlock = (method: string, path: string, body?: string) =>
  call(base, method, rest(path), { headers: { cookie: jsession, 'content-type': 'application/json' }, ...(body !== undefined ? { body } : {}) });

async function setMode(hostName: string, mode: string): Promise<void> {
  expect((await airlock('POST', '/configuration/configurations/load-active')).status).toBe(204);
  const change = JSON.stringify({ data: { type: 'back-end-host-mode-change', attributes: { protocol: 'HTTP', hostName, port: '80', mode } } });
  expect((await airlock('POST', '/configuration/back-end-groups/1/host-mode', change)).status).toBe(200);
  expect((await airlock('POST', '/configuration/configurations/activate', JSON.stringify({ comment: `${hostName} ${mode}` }))).status).toBe(200);
}

async function hosts(): Promise<Record<string, { mode: string; role: string; count: number }>> {
  const r = await airlock('GET', '/system/status/back-end-groups/address-manager');
  expect(r.status).toBe(200);
  return Object.fromEntries(
    r.body.data.attributes.backendHosts.map((h: { name: string; mode: string; role: string; SessionCount: { Count: number } }) => [
      h.name,
      { mode: h.mode, role: h.role, count: h.SessionCount.Count },
    ]),
  );
}

const aliceLogin = (extra: Record<string, string> = {}) => call(base, 'POST', '/rest_login', { json: { username: 'alice', password: 'alice-pass', ...extra } });
const configurations = (token: string) => call(base, 'GET', '/failover_rest_endpoints/get_configurations', { token });
const tokenOf = (r: { body: { access_token: string } }) => r.body.access_token.split(' ')[1]!;

describe('draining the Standby bam2', () => {
  it('interrupts no session, refuses new logins naming bam2 with 409 HostDraining, and the counts follow logins and logouts', async () => {
    // Before: the Standby takes no pinned session at all; sessions work on the Primary bam1.
    const asStandby = await aliceLogin({ bam_alias: 'bam2' });
    expect(asStandby).toMatchObject({ status: 409, body: { code: 'AddressManagerIsStandby' } });
    const viaAlias = tokenOf(await aliceLogin());
    const pinnedToPrimary = tokenOf(await aliceLogin({ bam_alias: 'bam1' }));
    expect(await hosts()).toEqual({ bam1: { mode: 'ENABLED', role: 'PRIMARY', count: 3 }, bam2: { mode: 'ENABLED', role: 'STANDBY', count: 0 } });

    await setMode('bam2', 'NO_NEW_SESSIONS');

    // The sessions in progress keep working, with the same tokens.
    for (const token of [viaAlias, pinnedToPrimary]) expect((await configurations(token)).status).toBe(200);
    // A new login naming bam2, by alias or by URL, is refused before BAM sees the password, naming the alias to use.
    for (const extra of [{ bam_alias: 'bam2' }, { bam_url: stack.cluster!.server('bam2').url }] as Record<string, string>[]) {
      const r = await aliceLogin(extra);
      expect(r.status).toBe(409);
      expect(r.body).toMatchObject({ code: 'HostDraining', message: expect.stringMatching(/bam2 is being drained.*primary-address-manager/) });
    }
    // Through the alias, logins still reach the Primary.
    const afterDrain = tokenOf(await aliceLogin());
    expect((await configurations(afterDrain)).status).toBe(200);
    expect(await hosts()).toEqual({ bam1: { mode: 'ENABLED', role: 'PRIMARY', count: 4 }, bam2: { mode: 'NO_NEW_SESSIONS', role: 'STANDBY', count: 0 } });

    // Each logout takes its session off the count; only the service user's own session is left.
    for (const token of [viaAlias, pinnedToPrimary, afterDrain]) expect((await call(base, 'POST', '/rest_logout', { token })).status).toBe(200);
    expect(await hosts()).toEqual({ bam1: { mode: 'ENABLED', role: 'PRIMARY', count: 1 }, bam2: { mode: 'NO_NEW_SESSIONS', role: 'STANDBY', count: 0 } });

    // bam2 drained to 0: it can be disabled for its maintenance, and enabled again.
    await setMode('bam2', 'DISABLED');
    expect((await configurations(svc)).status).toBe(200);
    await setMode('bam2', 'ENABLED');
    expect((await hosts()).bam2).toMatchObject({ mode: 'ENABLED', count: 0 });
    expect((await aliceLogin({ bam_alias: 'bam2' })).body.code).toBe('AddressManagerIsStandby'); // no longer refused by the gateway
  });
});
