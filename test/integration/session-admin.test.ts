import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { startLocalStack, type LocalStack } from '../../local/runtime.js';
import { auditSink, setAuditSink, type AuditEntry } from '../../functions/kernel/audit.js';
import { hashToken } from '../../functions/sessions/domain/tokens.js';
import { call, login } from '../support/client.js';

/** Issue 9 item 9: admins list and revoke a user's sessions; privileged routes re-check the session at once. */
let stack: LocalStack;
let base: string;
const original = auditSink;
let audited: AuditEntry[] = [];
const configurations = (token: string) => call(base, 'GET', '/failover_rest_endpoints/get_configurations', { token });

beforeAll(async () => {
  stack = await startLocalStack();
  base = stack.url;
});
afterAll(async () => stack?.close());
afterEach(() => setAuditSink(original));

describe('the session admin API', () => {
  it("lists a user's sessions with opaque ids and no token, hash or credential", async () => {
    const admin = await login(base, 'gateway-svc', 'gateway-svc-pass');
    const viaAlias = await login(base, 'alice', 'alice-pass');
    const pinned = await login(base, 'alice', 'alice-pass', { bam_alias: 'bam1' });
    const r = await call(base, 'GET', '/admin/users/alice/sessions', { token: admin });
    expect(r.status).toBe(200);
    expect(r.body.sessions).toHaveLength(2);
    for (const s of r.body.sessions) {
      expect(Object.keys(s).sort()).toEqual(['bound_server', 'created_at', 'expires_at', 'id', 'last_seen_at', 'restorable', 'target']);
      expect(s).toMatchObject({ id: expect.stringMatching(/^[A-Za-z0-9_-]{12}$/), bound_server: 'bam1', restorable: false });
    }
    expect(r.body.sessions.map((s: { target: string }) => s.target).sort()).toEqual(['bam1', 'primary-address-manager']);
    const raw = JSON.stringify(r.body);
    for (const token of [viaAlias, pinned]) {
      expect(raw).not.toContain(token);
      expect(raw).not.toContain(hashToken(token));
    }
    expect(raw).not.toMatch(/credential|BAMAuthToken/i);
    expect((await call(base, 'GET', '/admin/users/alice/sessions', { token: viaAlias })).status).toBe(403); // admins only
  });

  it('revokes one session by id, then all; each is refused at once and audited', async () => {
    audited = [];
    setAuditSink((e) => audited.push(e));
    const admin = await login(base, 'gateway-svc', 'gateway-svc-pass');
    await call(base, 'DELETE', '/admin/users/alice/sessions', { token: admin }); // a clean slate
    const one = await login(base, 'alice', 'alice-pass');
    const two = await login(base, 'alice', 'alice-pass');
    const listed = (await call(base, 'GET', '/admin/users/alice/sessions', { token: admin })).body.sessions as { id: string; created_at: string }[];
    expect(listed).toHaveLength(2);
    // Which listed id is `one`? Revoke the first and see which token stops working.
    const r = await call(base, 'DELETE', `/admin/users/alice/sessions/${listed[0]!.id}`, { token: admin });
    expect(r).toMatchObject({ status: 200, body: { revoked: [listed[0]!.id] } });
    const statuses = [(await configurations(one)).status, (await configurations(two)).status].sort();
    expect(statuses).toEqual([200, 401]);
    expect((await call(base, 'DELETE', `/admin/users/alice/sessions/${listed[0]!.id}`, { token: admin })).status).toBe(404);

    expect((await call(base, 'DELETE', '/admin/users/alice/sessions', { token: admin })).body.revoked).toEqual([listed[1]!.id]);
    for (const t of [one, two]) expect((await configurations(t)).status).toBe(401);
    expect((await call(base, 'GET', '/admin/users/alice/sessions', { token: admin })).body.sessions).toEqual([]);

    const entries = audited.filter((e) => e.action === 'session-revoked' && e.target?.includes(listed[0]!.id));
    expect(entries).toEqual([expect.objectContaining({ outcome: 'success', actor: 'gateway-svc', sourceIp: expect.any(String), target: `user alice session ${listed[0]!.id}` })]);
    expect(JSON.stringify(audited)).not.toContain(one);
  });

  it('a revoked admin session is refused at once on admin and availability-group routes', async () => {
    const admin = await login(base, 'gateway-svc', 'gateway-svc-pass');
    const victim = await login(base, 'gateway-svc', 'gateway-svc-pass');
    expect((await call(base, 'GET', '/admin/permissions', { token: victim })).status).toBe(200);
    expect((await call(base, 'GET', '/ag/api/v1/state', { token: victim })).status).toBe(200);
    const before = (await call(base, 'GET', '/admin/users/gateway-svc/sessions', { token: admin })).body.sessions as { id: string }[];
    await call(base, 'DELETE', '/admin/users/gateway-svc/sessions', { token: admin }); // every admin session, its own too
    expect(before.length).toBeGreaterThanOrEqual(2);
    expect((await call(base, 'GET', '/admin/permissions', { token: victim })).status).toBe(401);
    expect((await call(base, 'GET', '/ag/api/v1/state', { token: victim })).status).toBe(401);
    expect((await call(base, 'GET', '/admin/permissions', { token: admin })).status).toBe(401);
  });

  it("finds a user's sessions whatever the case of the name (BAM user names are case-insensitive)", async () => {
    const admin = await login(base, 'gateway-svc', 'gateway-svc-pass');
    await call(base, 'DELETE', '/admin/users/alice/sessions', { token: admin }); // a clean slate
    const typed = await login(base, 'Alice', 'alice-pass');
    const status = (token: string) => call(base, 'GET', '/failover_monitoring/status', { token });
    expect((await status(typed)).status).toBe(200);
    expect((await call(base, 'GET', '/admin/users/ALICE/sessions', { token: admin })).body.sessions).toHaveLength(1);
    const r = await call(base, 'DELETE', '/admin/users/alice/sessions', { token: admin });
    expect(r.body.revoked).toHaveLength(1);
    expect((await status(typed)).status).toBe(401);
  });

  it('accepts on the session routes any name login accepts that fits one path segment, and refuses the rest', async () => {
    const admin = await login(base, 'gateway-svc', 'gateway-svc-pass');
    for (const name of ['a%20b', 'J%C3%BCrgen%20M%C3%BCller', `x${'y'.repeat(255)}`, 'o%27brien%3Aadm']) {
      expect((await call(base, 'GET', `/admin/users/${name}/sessions`, { token: admin })).status).toBe(200);
      expect((await call(base, 'DELETE', `/admin/users/${name}/sessions`, { token: admin })).body).toEqual({ revoked: [] });
    }
    for (const name of [`x${'y'.repeat(256)}`, 'a%01b', 'a%2Fb']) {
      expect((await call(base, 'GET', `/admin/users/${name}/sessions`, { token: admin })).status).toBe(400);
    }
  });
});
