import { describe, expect, it } from 'vitest';
import { maintenanceFixture } from '../support/maintenance-api-fixture.js';

/**
 * Who may call the maintenance API, and what (on in-memory ports): REST sessions, gateway
 * sessions and the maintenance permission, tenant tokens and their path rights, cross-site calls.
 * test/integration/airlock-rest.test.ts drives the same rules over HTTP with real logins.
 */
const W = '^\\/session\\/(create|terminate)|\\/configuration\\/configurations\\/(load-active|activate)|\\/configuration\\/back-end-groups\\/\\d{1,10}\\/host-mode$';
const R = '^\\/configuration\\/.*|\\/system\\/status\\/.*$';
const modeBody = (hostName: string, mode: string) => ({ data: { type: 'back-end-host-mode-change', attributes: { hostName, mode } } });

describe('REST sessions', () => {
  it('every call but session/create needs a live REST session; a gateway token alone opens none', async () => {
    const f = maintenanceFixture();
    const admin = f.gatewaySession('admin');
    expect((await f.send('GET', '/system/status/node')).statusCode).toBe(401);
    expect((await f.send('GET', '/system/status/node', { cookies: [`JSESSIONID=${'A'.repeat(43)}`] })).statusCode).toBe(401);
    expect((await f.send('GET', '/system/status/node', { headers: { authorization: `Bearer ${admin}` } })).statusCode).toBe(401);
    expect((await f.send('POST', '/session/create')).statusCode).toBe(401);
    const s = await f.restSession(admin);
    const node = await s.call('GET', '/system/status/node');
    expect(node.json.data).toMatchObject({ type: 'node-status', attributes: { version: '9.9.9', failoverState: 'standalone' } });
  });

  it('idles out after ten minutes without a call; each call slides it', async () => {
    const f = maintenanceFixture();
    const s = await f.restSession(f.gatewaySession('admin'));
    f.clock.now += 9 * 60_000;
    expect((await s.call('GET', '/system/status/node')).statusCode).toBe(200);
    f.clock.now += 9 * 60_000;
    expect((await s.call('GET', '/system/status/node')).statusCode).toBe(200);
    f.clock.now += 10 * 60_000 + 1;
    expect((await s.call('GET', '/system/status/node')).statusCode).toBe(401);
  });

  it('terminate ends it and clears the cookie', async () => {
    const f = maintenanceFixture();
    const s = await f.restSession(f.gatewaySession('admin'));
    const ended = await s.call('POST', '/session/terminate');
    expect(ended.statusCode).toBe(200);
    expect(ended.cookies![0]).toMatch(/^JSESSIONID=; Max-Age=0; Path=\/airlock\/rest; HttpOnly; SameSite=Strict/);
    expect(f.maintenanceSessions.sessions.size).toBe(0);
    expect((await s.call('GET', '/system/status/node')).json.errors[0]).toMatchObject({ status: '401', code: 'UNAUTHORIZED' });
  });
});

describe('gateway sessions', () => {
  it('a user without the maintenance permission gets 403; granted it (directly or by group), a REST session; admins hold it', async () => {
    const f = maintenanceFixture();
    const alice = f.gatewaySession('alice');
    const refused = await f.send('POST', '/session/create', { headers: { authorization: `Bearer ${alice}` } });
    expect(refused.json.errors[0]).toMatchObject({ status: '403', code: 'FORBIDDEN', detail: expect.stringMatching(/maintenance/) });
    await f.permissions.addMember('ops', 'alice');
    await f.permissions.grant({ kind: 'group', name: 'ops' }, 'maintenance');
    await f.restSession(alice);
    await f.restSession(f.gatewaySession('admin'));
  });

  it('a REST session ends with its gateway session: expiry or logout, and the permission revoked', async () => {
    const f = maintenanceFixture();
    await f.permissions.grant({ kind: 'user', name: 'carol' }, 'maintenance');
    const carol = f.gatewaySession('carol');
    const s = await f.restSession(carol);
    await f.permissions.revoke({ kind: 'user', name: 'carol' }, 'maintenance');
    expect((await s.call('GET', '/system/status/node')).statusCode).toBe(403);
    await f.permissions.grant({ kind: 'user', name: 'carol' }, 'maintenance');
    expect((await s.call('GET', '/system/status/node')).statusCode).toBe(200);
    f.gatewaySessions.sessions.clear(); // logged out
    const ended = await s.call('GET', '/system/status/node');
    expect(ended.statusCode).toBe(401);
    expect(ended.json.errors[0].detail).toMatch(/gateway session this REST session was opened with has ended/);
  });

  it('is bound to its gateway session: refused with another one, by token or cookie', async () => {
    const f = maintenanceFixture();
    const [mine, other] = [f.gatewaySession('admin'), f.gatewaySession('admin')];
    const s = await f.restSession(mine);
    expect((await s.call('GET', '/system/status/node')).statusCode).toBe(200);
    expect((await s.call('GET', '/system/status/node', undefined, { headers: { authorization: `Bearer ${mine}` } })).statusCode).toBe(200);
    expect((await s.call('GET', '/system/status/node', undefined, { cookies: [`gateway_session=${mine}`] })).statusCode).toBe(200);
    for (const o of [{ headers: { authorization: `Bearer ${other}` } }, { cookies: [`gateway_session=${other}`] }]) {
      const r = await s.call('GET', '/system/status/node', undefined, o);
      expect(r.statusCode).toBe(401);
      expect(r.json.errors[0].detail).toMatch(/belongs to another gateway session/);
    }
  });

  it('cookie-authenticated changes from another site are refused', async () => {
    const f = maintenanceFixture();
    const s = await f.restSession(f.gatewaySession('admin'));
    expect((await s.call('POST', '/configuration/configurations/load-active', undefined, { headers: { origin: 'https://evil.example' } })).statusCode).toBe(403);
    expect((await s.call('POST', '/configuration/configurations/load-active')).statusCode).toBe(204);
  });
});

describe('tenant tokens and their path rights', () => {
  it('a token drives the calls its regexes allow and gets 403 for the others', async () => {
    const f = maintenanceFixture();
    const s = await f.restSession((await f.tenantToken(R, W)).token);
    expect((await s.loadActive()).statusCode).toBe(204);
    expect((await s.call('POST', '/configuration/back-end-groups/1/host-mode', modeBody('bam2', 'NO_NEW_SESSIONS'))).statusCode).toBe(200);
    expect((await s.activate('drain bam2 (tenant)')).statusCode).toBe(200);
    expect((await f.configurations.get()).history.at(-1)!.by).toBe('tenant:acme/ops');
    // The write regex names host-mode by numeric id only.
    const byName = await s.hostMode('bam2', 'ENABLED');
    expect(byName.json.errors[0]).toMatchObject({ status: '403', detail: expect.stringMatching(/may not write/) });
    expect((await s.call('GET', '/system/status/node')).statusCode).toBe(200);
  });

  it('a token without the right to create sessions opens none; a read-only token cannot write', async () => {
    const f = maintenanceFixture();
    const noCreate = await f.send('POST', '/session/create', { headers: { authorization: `Bearer ${(await f.tenantToken(R, '^/configuration/.*$')).token}` } });
    expect(noCreate.statusCode).toBe(403);
    const s = await f.restSession((await f.tenantToken('.*', '^/session/create$')).token);
    expect((await s.call('GET', '/configuration/back-end-groups')).statusCode).toBe(200);
    expect((await s.loadActive()).statusCode).toBe(403);
  });

  it('revoking a token ends the REST sessions opened with it at once; other tokens keep theirs; a forged token opens none', async () => {
    const f = maintenanceFixture();
    const [a, b] = [await f.tenantToken(), await f.tenantToken()];
    const [a1, a2, b1] = [await f.restSession(a.token), await f.restSession(a.token), await f.restSession(b.token)];
    await f.tokenStore.delete({ tenant: 'acme', user: 'ops', jti: a.jti });
    for (const s of [a1, a2]) expect((await s.call('GET', '/system/status/node')).json.errors[0]).toMatchObject({ status: '401', code: 'INVALID_TOKEN' });
    expect((await b1.call('GET', '/system/status/node')).statusCode).toBe(200);
    expect((await f.send('POST', '/session/create', { headers: { authorization: `Bearer ${a.token}` } })).statusCode).toBe(401);
    const forged = await f.send('POST', '/session/create', { headers: { authorization: 'Bearer eyJhbGciOiJIUzI1NiJ9.e30.x' } });
    expect(forged.json.errors[0]).toMatchObject({ status: '401', code: 'INVALID_TOKEN' });
  });
});
