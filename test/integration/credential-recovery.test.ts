import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startLocalStack, type LocalStack } from '../../local/runtime.js';
import { withRunner } from '../support/runners.js';
import { call, login } from '../support/client.js';

/**
 * docs/api.md: a restorable session never gets a 401 while the service credentials work. When the
 * Primary restarts quickly (no failover: it forgot its sessions), restorable sessions are
 * re-established with one service login per restart, not one per session. And a login pinned to
 * a Standby is told so, with the alias to use instead.
 */
let stack: LocalStack;
let base: string;
const configurations = (token: string) => call(base, 'GET', '/failover_rest_endpoints/get_configurations', { token });
const serviceLogins = () => stack.cluster!.server('bam1').logins.get('gateway-svc') ?? 0;

beforeAll(async () => {
  stack = await startLocalStack();
  base = stack.url;
});
afterAll(async () => stack?.close());

describe('a quick Primary restart', () => {
  it('restorable sessions all get 200, with one service login; others get a 401 saying why', async () => {
    const restorable = await Promise.all(Array.from({ length: 8 }, () => login(base, 'gateway-svc', 'gateway-svc-pass')));
    const alice = await login(base, 'alice', 'alice-pass');
    for (const t of [...restorable, alice]) expect((await configurations(t)).status).toBe(200);
    const epoch = (await call(base, 'GET', '/_local/state')).body.monitoring.epoch;

    expect((await call(base, 'POST', '/_local/bam/bam1/restart')).status).toBe(200);
    const before = serviceLogins();
    const answers = await Promise.all(restorable.map((t) => configurations(t)));
    expect(answers.map((a) => a.status)).toEqual(restorable.map(() => 200));
    expect(serviceLogins() - before).toBe(1);
    expect((await Promise.all(restorable.map((t) => configurations(t)))).map((a) => a.status)).toEqual(restorable.map(() => 200));

    const ended = await configurations(alice);
    expect(ended.status).toBe(401);
    expect(ended.body.message).toMatch(/rejected the credentials/);
    expect((await call(base, 'GET', '/_local/state')).body.monitoring.epoch).toBe(epoch); // no failover involved

    // A second restart: again one login, and again every session served.
    await call(base, 'POST', '/_local/bam/bam1/restart');
    const again = serviceLogins();
    expect((await Promise.all(restorable.map((t) => configurations(t)))).every((a) => a.status === 200)).toBe(true);
    expect(serviceLogins() - again).toBe(1);
  });
});

describe('a workflow runner that reports a 401 BAM never gave', () => {
  it('costs no service login: the stored credential is checked with BAM first, and still works afterwards', async () => {
    const token = await login(base, 'gateway-svc', 'gateway-svc-pass');
    expect((await configurations(token)).status).toBe(200);
    await withRunner(
      'failover_rest_endpoints',
      async () => ({ ok: false, error: { kind: 'bam-http', status: 401, bamMessage: 'forged' } }),
      async () => {
        await configurations(token); // binds the session to the epoch's shared service session
        const before = serviceLogins();
        for (let i = 0; i < 5; i++) expect((await configurations(token)).status).toBe(401);
        expect(serviceLogins() - before).toBe(0);
      },
    );
    const before = serviceLogins();
    expect((await configurations(token)).status).toBe(200);
    expect(serviceLogins() - before).toBe(0);
  });
});

describe('a login pinned to a Standby', () => {
  it('is a 409 JSON error saying the server is a Standby and naming the alias', async () => {
    const r = await call(base, 'POST', '/rest_login', { json: { username: 'alice', password: 'alice-pass', bam_alias: 'bam2' } });
    expect(r.status).toBe(409);
    expect(r.body).toMatchObject({ code: 'AddressManagerIsStandby', status: 409 });
    expect(r.body.message).toMatch(/bam2 is a Standby/);
    expect(r.body.message).toContain('primary-address-manager');
    const byUrl = await call(base, 'POST', '/rest_login', { json: { username: 'alice', password: 'alice-pass', bam_url: stack.cluster!.server('bam2').url } });
    expect(byUrl.status).toBe(409);
  });
});
