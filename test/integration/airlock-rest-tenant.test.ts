import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startLocalStack, type LocalStack } from '../../local/runtime.js';
import { call, login } from '../support/client.js';
import { rest } from '../support/airlock.js';
import { restClient } from '../support/airlock-rest-client.js';

/**
 * The maintenance REST API (docs/maintenance.md) for a tenant user: a token made by
 * `npm run user-manager`, whose path rights decide which calls of the Airlock maintenance sequence
 * it may make.
 */
let stack: LocalStack;
let base: string;
let svc: string;

beforeAll(async () => {
  stack = await startLocalStack();
  base = stack.url;
  svc = await login(base, 'gateway-svc', 'gateway-svc-pass');
});
afterAll(async () => {
  await stack?.close();
});

const { createSession, inSession, modeChange, hostStatus, activate } = restClient(
  () => base,
  () => svc,
);

describe('a tenant user with a path-scoped token (npm run user-manager)', () => {
  const W = '^\\/session\\/(create|terminate)|\\/configuration\\/configurations\\/(load-active|activate)|\\/configuration\\/back-end-groups\\/\\d{1,10}\\/host-mode$';
  const R = '^\\/configuration\\/.*|\\/system\\/status\\/.*$';
  async function tenantToken(...extra: string[]): Promise<string> {
    const { userManager } = await import('../../bin/user-manager-cli.js');
    const out: string[] = [];
    const code = await userManager(['-s', '-u', 'tenant_user', '-j', '-r', 'airlock-administrator', '-t', 'myTenant', '-W', W, '-R', R, ...extra], {
      out: (l) => out.push(l),
      err: () => undefined,
      env: { PORT: new URL(base).port },
    });
    expect(code).toBe(0);
    return out.join('').trim();
  }

  it('drives the calls of the Airlock maintenance sequence its regexes allow, and gets 403 for the others', async () => {
    const s = inSession(await createSession(await tenantToken()));
    expect((await s('POST', '/configuration/configurations/load-active')).status).toBe(204);
    expect((await s('POST', '/configuration/back-end-groups/1/host-mode', modeChange('bam2', 'NO_NEW_SESSIONS'))).status).toBe(200);
    expect((await activate(s, 'drain bam2 (tenant)')).status).toBe(200);
    expect((await hostStatus(s, 'bam2')).mode).toBe('NO_NEW_SESSIONS');
    // The write regex names host-mode by numeric id only: by name it is not allowed.
    const byName = await s('POST', '/configuration/back-end-groups/address-manager/host-mode', modeChange('bam2', 'ENABLED'));
    expect(byName.status).toBe(403);
    expect(byName.body.errors[0]).toMatchObject({ status: '403' });
    expect((await s('POST', '/configuration/back-end-groups/1/host-mode', modeChange('bam2', 'ENABLED'))).status).toBe(200);
    expect((await activate(s, 'enable bam2 (tenant)')).status).toBe(200);
    expect((await s('POST', '/session/terminate')).status).toBe(200);
  });

  async function userManagerRun(...argv: string[]): Promise<string[]> {
    const { userManager } = await import('../../bin/user-manager-cli.js');
    const out: string[] = [];
    expect(await userManager(argv, { out: (l) => out.push(l), err: () => undefined, env: { PORT: new URL(base).port } })).toBe(0);
    return out;
  }
  const scriptToken = async (user: string) => (await userManagerRun('-s', '-u', user, '-j', '-r', 'airlock-administrator', '-t', 'revokeTenant', '-W', W, '-R', R)).join('').trim();

  it('revoking a token ends the REST sessions opened with it at once (401 saying so); other tokens keep theirs', async () => {
    const [tokenA, tokenB] = [await scriptToken('script_a'), await scriptToken('script_b')];
    const a1 = inSession(await createSession(tokenA));
    const a2 = inSession(await createSession(tokenA));
    const b = inSession(await createSession(tokenB));
    expect((await a1('POST', '/configuration/configurations/load-active')).status).toBe(204);
    expect((await a1('POST', '/configuration/back-end-groups/1/host-mode', modeChange('bam2', 'DISABLED'))).status).toBe(200);
    expect((await a2('GET', '/system/status/node')).status).toBe(200);

    const [line] = await userManagerRun('--list', '-t', 'revokeTenant', '-u', 'script_a');
    await userManagerRun('--delete', '--token-id', line!.split(' ')[0]!);

    for (const [s, method, path] of [
      [a1, 'POST', '/configuration/configurations/activate'],
      [a1, 'GET', '/system/status/node'],
      [a2, 'GET', '/configuration/back-end-groups'],
    ] as const) {
      const r = await s(method, path);
      expect(r.status, `${method} ${path}`).toBe(401);
      expect(r.body.errors[0]).toMatchObject({ status: '401', code: 'INVALID_TOKEN', detail: expect.stringMatching(/revoked/) });
    }
    // The revoked session's working copy (bam2 DISABLED) was never activated; the other token's session still works.
    expect((await hostStatus(b, 'bam2')).mode).toBe('ENABLED');

    await userManagerRun('--delete', '-u', 'script_b', '-t', 'revokeTenant');
    const r = await b('GET', '/system/status/node');
    expect(r.status).toBe(401);
    expect(r.body.errors[0]).toMatchObject({ code: 'INVALID_TOKEN', detail: expect.stringMatching(/revoked/) });
  });

  it('a revoked token opens no session', async () => {
    const token = await tenantToken();
    const { userManager } = await import('../../bin/user-manager-cli.js');
    expect(await userManager(['--delete', '-u', 'tenant_user', '-t', 'myTenant'], { out: () => undefined, err: () => undefined, env: { PORT: new URL(base).port } })).toBe(0);
    const r = await call(base, 'POST', rest('/session/create'), { headers: { authorization: `Bearer ${token}` } });
    expect(r.status).toBe(401);
    expect(r.body.errors[0]).toMatchObject({ status: '401' });
  });
});
