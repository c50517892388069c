import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startLocalStack, type LocalStack } from '../../local/runtime.js';
import { call, login } from '../support/client.js';
import { rest } from '../support/airlock.js';

/**
 * The maintenance API against what a review tried as an attacker: one spelling per resource for
 * path rights, bad escapes, parallel calls on one working copy, wrongly typed activate bodies,
 * echoed input, and gateway tokens in every form the gateway takes.
 */
let stack: LocalStack;
let base: string;
let svc: string;

beforeAll(async () => {
  stack = await startLocalStack();
  base = stack.url;
  svc = await login(base, 'gateway-svc', 'gateway-svc-pass');
});
afterAll(async () => stack?.close());

async function session(authorization = `Bearer ${svc}`) {
  const r = await call(base, 'POST', rest('/session/create'), { headers: { authorization } });
  expect(r.status).toBe(200);
  const cookie = r.headers.get('set-cookie')!.split(';')[0]!;
  return (method: string, path: string, body?: string) => call(base, method, rest(path), { headers: { cookie }, ...(body !== undefined ? { body } : {}) });
}
const modeChange = (hostName: string, mode: string) => JSON.stringify({ data: { type: 'back-end-host-mode-change', attributes: { hostName, mode } } });

/** A tenant token whose write rights deny host-mode on our group (a deny-list regex), allowing the rest. */
async function denyHostModeToken(): Promise<string> {
  const { userManager } = await import('../../bin/user-manager-cli.js');
  const out: string[] = [];
  const W = '(?!\\/configuration\\/back-end-groups\\/(1|address-manager)\\/host-mode$).*';
  const code = await userManager(['-s', '-u', 'limited', '-j', '-r', 'airlock-administrator', '-t', 'tenantB', '-W', W, '-R', '.*'], {
    out: (l) => out.push(l),
    err: () => undefined,
    env: { PORT: new URL(base).port },
  });
  expect(code).toBe(0);
  return out.join('').trim();
}

describe('the maintenance API, hardened', () => {
  it('path rights see the one spelling routing sees: an encoded or re-cased group is refused, never a way around a deny-list', async () => {
    const s = await session(`Bearer ${await denyHostModeToken()}`);
    expect((await s('POST', '/configuration/configurations/load-active')).status).toBe(204);
    for (const group of ['1', 'address-manager', '%31', 'address%2Dmanager']) {
      expect((await s('POST', `/configuration/back-end-groups/${group}/host-mode`, modeChange('bam2', 'DISABLED'))).status, group).toBe(403);
    }
    for (const group of ['ADDRESS-MANAGER', 'Address-Manager']) {
      expect((await s('POST', `/configuration/back-end-groups/${group}/host-mode`, modeChange('bam2', 'DISABLED'))).status, group).toBe(404);
    }
    const groups = await s('GET', '/configuration/back-end-groups');
    expect(groups.body.data[0].attributes.backendHosts.find((h: { name: string }) => h.name === 'bam2').mode).toBe('ENABLED');
  });

  it('a malformed escape, or one decoding to a slash, is a 400, not a 500', async () => {
    const s = await session();
    for (const path of ['/configuration/back-end-groups/%ZZ', '/system/status/back-end-groups/%E0%A4%A', '/configuration/back-end-groups/1%2Fx']) {
      const r = await s('GET', path);
      expect(r.status, path).toBe(400);
      expect(r.body.errors[0]).toMatchObject({ status: '400', code: 'BAD_REQUEST' });
    }
  });

  it('parallel host-mode calls of one session keep both changes', async () => {
    const s = await session();
    for (let run = 0; run < 3; run++) {
      expect((await s('POST', '/configuration/configurations/load-active')).status).toBe(204);
      const answers = await Promise.all([
        s('POST', '/configuration/back-end-groups/1/host-mode', modeChange('bam1', 'NO_NEW_SESSIONS')),
        s('POST', '/configuration/back-end-groups/1/host-mode', modeChange('bam2', 'DISABLED')),
      ]);
      expect(answers.map((a) => a.status)).toEqual([200, 200]);
      const hosts = (await s('GET', '/configuration/back-end-groups')).body.data[0].attributes.backendHosts as { name: string; mode: string }[];
      expect(hosts.map((h) => `${h.name}:${h.mode}`)).toEqual(['bam1:NO_NEW_SESSIONS', 'bam2:DISABLED']);
    }
    const many = await Promise.all(Array.from({ length: 10 }, (_, i) => s('POST', '/configuration/back-end-groups/1/host-mode', modeChange(i % 2 ? 'bam1' : 'bam2', 'ENABLED'))));
    expect(many.map((a) => a.status)).toEqual(Array(10).fill(200));
  });

  it('an activate body of the wrong shape is a 400; an activation that changes nothing makes no new version', async () => {
    const s = await session();
    expect((await s('POST', '/configuration/configurations/load-active')).status).toBe(204);
    for (const body of ['{"comment":123}', '{"options":{"autoMerge":"yes"}}', '{"options":[1]}', '"str"', '[]']) {
      const r = await s('POST', '/configuration/configurations/activate', body);
      expect(r.status, body).toBe(400);
      expect(r.body.errors[0].code).toBe('BAD_REQUEST');
    }
    const before = (await s('GET', '/configuration/configurations')).body;
    const noop = await s('POST', '/configuration/configurations/activate', '{"comment":"nothing to do","options":{"autoMerge":"false"}}');
    expect(noop.status).toBe(200);
    expect(noop.body.data.attributes.changes).toEqual([]);
    expect(noop.body.meta.message).toMatch(/Nothing changed/);
    expect(noop.body.data.attributes.comment).toBe(before.data[0]?.attributes.comment ?? ''); // the active one's, not the one sent
    expect((await s('GET', '/configuration/configurations')).body).toEqual(before);
    // A lone surrogate (which DynamoDB would refuse) is stored as U+FFFD.
    await s('POST', '/configuration/back-end-groups/1/host-mode', modeChange('bam2', 'NO_NEW_SESSIONS'));
    const odd = await s('POST', '/configuration/configurations/activate', JSON.stringify({ comment: 'a\ud800b' }));
    expect(odd.body.data.attributes.comment).toBe('a\ufffdb');
    await s('POST', '/configuration/back-end-groups/1/host-mode', modeChange('bam2', 'ENABLED'));
    expect((await s('POST', '/configuration/configurations/activate')).status).toBe(200);
  });

  it('echoes no more than a short quote of what was sent', async () => {
    const s = await session();
    await s('POST', '/configuration/configurations/load-active');
    const r = await s('POST', '/configuration/back-end-groups/1/host-mode', modeChange('x'.repeat(100_000), 'DISABLED'));
    expect(r.status).toBe(404);
    expect(JSON.stringify(r.body).length).toBeLessThan(1000);
  });

  it('takes a gateway token in every form the gateway does, and says so when its session has ended', async () => {
    const bob = await login(base, 'bob', 'bob-pass');
    expect((await call(base, 'PUT', '/admin/users/bob/permissions/maintenance', { token: svc })).status).toBe(200);
    const forms: Record<string, string>[] = [{ authorization: `Bearer BAMAuthToken: ${bob}` }, { auth: `Basic BAMAuthToken: ${bob}` }, { authorization: `Basic ${bob}` }];
    for (const header of forms) {
      expect((await call(base, 'POST', rest('/session/create'), { headers: header })).status, JSON.stringify(Object.keys(header))).toBe(200);
    }
    expect((await call(base, 'POST', '/rest_logout', { token: bob })).status).toBe(200);
    const ended = await call(base, 'POST', rest('/session/create'), { headers: { authorization: `Bearer ${bob}` } });
    expect(ended.status).toBe(401);
    expect(ended.body.errors[0].detail).toMatch(/gateway session has ended/);
  });
});
