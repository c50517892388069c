import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startLocalStack, type LocalStack } from '../../local/runtime.js';
import { openRestSession } from '../support/airlock.js';
import { call, eventually, login } from '../support/client.js';

/** The web UI's API (docs/web-ui.md): login options, session, events, workflows, session counts. */
let stack: LocalStack;
let base: string;
let svc: string;
let alice: string;
let bob: string;

beforeAll(async () => {
  stack = await startLocalStack();
  base = stack.url;
  [svc, alice, bob] = await Promise.all([login(base, 'gateway-svc', 'gateway-svc-pass'), login(base, 'alice', 'alice-pass'), login(base, 'bob', 'bob-pass')]);
});
afterAll(async () => stack?.close());

describe('GET /ui/api/login-options (public)', () => {
  it('lists the alias first and default, then each server by name, never a URL, and the monitoring state', async () => {
    const r = await call(base, 'GET', '/ui/api/login-options');
    expect(r.status).toBe(200);
    expect(r.body).toEqual({ bam_selection: ['primary-address-manager', 'bam1', 'bam2'], default_alias: 'primary-address-manager', monitoring_state: 'MONITORING' });
    expect(JSON.stringify(r.body)).not.toMatch(/127\.0\.0\.1|http/);
  });
});

describe('GET /ui/api/session', () => {
  it('says who is signed in, until when, what they hold, and the CSRF token', async () => {
    const r = await call(base, 'GET', '/ui/api/session', { headers: { cookie: `gateway_session=${alice}` } });
    expect(r.status).toBe(200);
    expect(r.body).toMatchObject({
      username: 'alice',
      target: 'primary-address-manager',
      bound_server: 'bam1',
      restorable: false,
      admin: false,
      monitoring_state: 'MONITORING',
      csrf_token: expect.stringMatching(/^[A-Za-z0-9_-]{43}$/),
    });
    expect(r.body.permissions).toEqual(expect.arrayContaining(['failover_rest_endpoints', 'ip_space', 'dns_records']));
    expect(r.body.permissions).not.toContain('maintenance');
    expect(Date.parse(r.body.expires_at)).toBeGreaterThan(Date.now());
    expect(JSON.stringify(r.body)).not.toContain(alice);
    const admin = await call(base, 'GET', '/ui/api/session', { token: svc });
    expect(admin.body).toMatchObject({ username: 'gateway-svc', restorable: true, admin: true });
    expect(admin.body.permissions).toEqual(expect.arrayContaining(['maintenance', 'availability_group']));
  });

  it('is a 401 without a session', async () => {
    const r = await call(base, 'GET', '/ui/api/session');
    expect(r.status).toBe(401);
    expect(r.body).toMatchObject({ code: 'Unauthorized', status: 401 });
  });
});

describe('GET /ui/api/workflows', () => {
  it('lists only the workflows and routes the user may use', async () => {
    const a = await call(base, 'GET', '/ui/api/workflows', { token: alice });
    expect(a.status).toBe(200);
    expect(a.body.workflows.map((w: { name: string }) => w.name).sort()).toEqual(['dns_records', 'failover_rest_endpoints', 'ip_space']);
    const fre = a.body.workflows.find((w: { name: string }) => w.name === 'failover_rest_endpoints');
    expect(fre.routes).toContainEqual({ method: 'GET', path: '/failover_rest_endpoints/get_configurations', permission: 'failover_rest_endpoints', has_body: false });
    expect((await call(base, 'GET', '/ui/api/workflows', { token: bob })).body).toEqual({ workflows: [] });
  });

  it('a grant shows at once', async () => {
    expect((await call(base, 'PUT', '/admin/users/bob/permissions/failover_rest_endpoints', { token: svc })).status).toBe(200);
    const b = await call(base, 'GET', '/ui/api/workflows', { token: bob });
    expect(b.body.workflows.map((w: { name: string }) => w.name)).toEqual(['failover_rest_endpoints']);
    expect((await call(base, 'DELETE', '/admin/users/bob/permissions/failover_rest_endpoints', { token: svc })).status).toBe(200);
  });
});

describe('GET /ui/api/session-counts', () => {
  it('counts the live sessions per BAM server, with its mode', async () => {
    const countOf = async (name: string) =>
      ((await call(base, 'GET', '/ui/api/session-counts', { token: bob })).body.servers as { name: string; sessions: number; mode: string }[]).find((s) => s.name === name)!;
    // The index is eventually consistent: wait for this file's logins to be counted first.
    const before = await eventually(
      async () => {
        const c = await countOf('bam1');
        return c.sessions >= 3 && c;
      },
      5000,
      'logins counted',
    );
    expect(before.mode).toBe('ENABLED');
    await login(base, 'alice', 'alice-pass', { bam_alias: 'bam1' });
    await eventually(async () => (await countOf('bam1')).sessions === before.sessions + 1, 5000, 'the pinned session counted');
    expect(await countOf('bam2')).toEqual({ name: 'bam2', mode: 'ENABLED', sessions: 0 }); // a Standby serves no session
  });

  it('is a 401 without a session', async () => {
    expect((await call(base, 'GET', '/ui/api/session-counts')).status).toBe(401);
  });
});

describe('GET /ui/api/events', () => {
  it('answers the events kept in the table, newest first, filterable by type, bounded', async () => {
    await call(base, 'POST', '/_local/bam/bam2/stop');
    const byType = await eventually(
      async () => {
        const r = await call(base, 'GET', '/ui/api/events?type=NODE_ROLE_CHANGED', { token: bob });
        return r.body.events?.some((e: { detail: { node: { id: string } } }) => e.detail.node.id === 'bam2') && r;
      },
      10_000,
      'bam2 role change recorded',
    );
    expect(byType.status).toBe(200);
    for (const e of byType.body.events) expect(e).toMatchObject({ id: expect.any(String), type: 'NODE_ROLE_CHANGED', time: expect.any(String) });
    const times = byType.body.events.map((e: { time: string }) => Date.parse(e.time));
    expect([...times].sort((x, y) => y - x)).toEqual(times);
    const all = await call(base, 'GET', '/ui/api/events?limit=1', { token: bob });
    expect(all.body.events).toHaveLength(1);
    await call(base, 'POST', '/_local/bam/bam2/start');
  });

  it('shows operators who changed a mode and why; others the change without it', async () => {
    const airlock = await openRestSession(base, svc);
    expect((await airlock.setMode('bam2', 'NO_NEW_SESSIONS')).status).toBe(200);
    expect((await airlock.setMode('bam2', 'ENABLED')).status).toBe(200);
    const changes = async (token: string) => (await call(base, 'GET', '/ui/api/events?type=BACKEND_HOST_MODE_CHANGED', { token })).body.events as { detail: Record<string, unknown> }[];
    const seen = await eventually(
      async () => {
        const e = await changes(svc);
        return e.length >= 2 && e;
      },
      5000,
      'mode changes recorded',
    );
    expect(seen[0]!.detail).toMatchObject({ by: 'gateway-svc', comment: 'bam2 ENABLED' });
    const forBob = await changes(bob);
    expect(forBob[0]!.detail).toMatchObject({ host: { name: 'bam2' }, new: 'ENABLED' });
    expect(forBob[0]!.detail.by).toBeUndefined();
    expect(forBob[0]!.detail.comment).toBeUndefined();
  });

  it('refuses a bad filter with a 400 and answers only signed-in users', async () => {
    expect((await call(base, 'GET', '/ui/api/events?type=%3Cscript%3E', { token: bob })).status).toBe(400);
    expect((await call(base, 'GET', '/ui/api/events?limit=abc', { token: bob })).status).toBe(400);
    expect((await call(base, 'GET', '/ui/api/events')).status).toBe(401);
  });
});
