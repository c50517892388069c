import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startLocalStack, type LocalStack } from '../../local/runtime.js';
import { auditSink, setAuditSink, type AuditEntry } from '../../functions/kernel/audit.js';
import { call, login } from '../support/client.js';

/** The per-user session lifetime in the admin API: set, shown, cleared, audited, and what a login then gets. */
let stack: LocalStack;
let base: string;
let admin: string;
const entries: AuditEntry[] = [];
const originalSink = auditSink;
const path = '/admin/users/ExternalDNS/session-lifetime';

beforeAll(async () => {
  stack = await startLocalStack({ env: { BAM_API_VERSION: '2' } });
  base = stack.url;
  stack.cluster!.data.users.set('externaldns', { password: 'edns-pass', canWrite: true });
  setAuditSink((e) => entries.push(e));
  admin = await login(base, 'gateway-svc', 'gateway-svc-pass');
});
afterAll(async () => {
  setAuditSink(originalSink);
  await stack?.close();
});

/**
 * The absolute lifetime a login's session got, as stored (null: none); its cookie is a
 * browser-session cookie whatever the lifetime (no Max-Age: the server judges the session).
 */
const cookieMaxAge = async (username: string, password: string) => {
  const res = await fetch(`${base}/rest_login`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ username, password }) });
  const token = ((await res.json()) as { access_token: string }).access_token.split(' ')[1]!;
  expect(res.headers.getSetCookie()[0]).not.toMatch(/Max-Age|Expires/i);
  const { makeDocumentClient } = await import('../../functions/adapters/dynamo.js');
  const { GetCommand } = await import('@aws-sdk/lib-dynamodb');
  const { hashToken } = await import('../../functions/sessions/domain/tokens.js');
  const item = (await makeDocumentClient(stack.env.AWS_ENDPOINT_URL_DYNAMODB).send(new GetCommand({ TableName: stack.env.TABLE_NAME, Key: { pk: `SESSION#${hashToken(token)}`, sk: 'SESSION' } })))
    .Item;
  const own = item?.maxLifetimeSeconds as number | null | undefined;
  return { maxAge: own === null ? 400 * 86_400 : (own ?? 43_200), token };
};

describe('per-user session lifetime, admin API', () => {
  it('a user without a setting shows the default (12 h), and logs in with it', async () => {
    expect((await call(base, 'GET', path, { token: admin })).body).toEqual({ username: 'ExternalDNS', session_max_lifetime_seconds: 43_200, source: 'default', default_seconds: 43_200 });
    expect((await cookieMaxAge('externaldns', 'edns-pass')).maxAge).toBe(43_200);
  });

  it('an admin raises it: shown, listed, audited; the next login gets it', async () => {
    entries.length = 0;
    const put = await call(base, 'PUT', `${path}/604800`, { token: admin });
    expect([put.status, put.body]).toEqual([200, { username: 'ExternalDNS', session_max_lifetime_seconds: 604_800, source: 'user', default_seconds: 43_200 }]);
    expect((await call(base, 'GET', '/admin/users/externaldns/session-lifetime', { token: admin })).body.session_max_lifetime_seconds).toBe(604_800);
    expect((await call(base, 'GET', '/admin/session-lifetimes', { token: admin })).body).toEqual({
      default_seconds: 43_200,
      users: [{ username: 'ExternalDNS', session_max_lifetime_seconds: 604_800, updated_by: 'gateway-svc', updated_at: expect.any(String) }],
    });
    expect(entries.filter((e) => e.action === 'session-lifetime-changed')).toEqual([
      expect.objectContaining({ actor: 'gateway-svc', outcome: 'success', target: 'users/ExternalDNS/session-lifetime/604800' }),
    ]);
    expect((await cookieMaxAge('externaldns', 'edns-pass')).maxAge).toBe(604_800);
  });

  it('"none" turns the absolute lifetime off; DELETE gives the default back', async () => {
    expect((await call(base, 'PUT', `${path}/none`, { token: admin })).body.session_max_lifetime_seconds).toBeNull();
    expect((await cookieMaxAge('externaldns', 'edns-pass')).maxAge).toBe(400 * 86_400);
    const cleared = await call(base, 'DELETE', path, { token: admin });
    expect(cleared.body).toMatchObject({ session_max_lifetime_seconds: 43_200, source: 'default' });
    expect((await call(base, 'GET', '/admin/session-lifetimes', { token: admin })).body.users).toEqual([]);
    expect((await cookieMaxAge('externaldns', 'edns-pass')).maxAge).toBe(43_200);
  });

  it.each([
    ['a word', 'forever', 400],
    ['under 5 minutes', '60', 400],
    ['over a year and a day', '31622401', 400],
    ['a fraction', '3600.5', 400],
  ])('refuses %s (%s): %s', async (_, value, status) => {
    const r = await call(base, 'PUT', `${path}/${value}`, { token: admin });
    expect([r.status, r.body.code]).toEqual([status, 'BadRequest']);
  });

  it('is for admins only', async () => {
    const alice = await login(base, 'alice', 'alice-pass');
    expect((await call(base, 'PUT', `${path}/none`, { token: alice })).status).toBe(403);
    expect((await call(base, 'GET', '/admin/session-lifetimes', { token: alice })).status).toBe(403);
    expect((await call(base, 'GET', path, { token: admin })).body.source).toBe('default');
  });
});
