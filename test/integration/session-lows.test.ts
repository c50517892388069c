import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { GetCommand, UpdateCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { startLocalStack, type LocalStack } from '../../local/runtime.js';
import { auditSink, setAuditSink, type AuditEntry } from '../../functions/kernel/audit.js';
import { csrfTokenFor, hashToken } from '../../functions/sessions/domain/tokens.js';
import { call } from '../support/client.js';

/**
 * Sessions as a browser holds them (docs/api.md, docs/web-ui.md, §13): a browser-session cookie, an idle timeout
 * the UI's heartbeat does not slide, a logout that clears an ended session's cookie, and what the
 * audit log keeps of a username typed at a failed login.
 */
let stack: LocalStack;
let db: DynamoDBDocumentClient;
const entries: AuditEntry[] = [];
const originalSink = auditSink;
const IDLE_MS = 600_000;

beforeAll(async () => {
  stack = await startLocalStack({ env: { SESSION_TTL_SECONDS: String(IDLE_MS / 1000) } });
  // Imported once the stack has set the environment: the module makes the gateway's client when first loaded.
  const { makeDocumentClient } = await import('../../functions/adapters/dynamo.js');
  db = makeDocumentClient(stack.env.AWS_ENDPOINT_URL_DYNAMODB);
  setAuditSink((e) => entries.push(e));
}, 60_000);
afterAll(async () => {
  setAuditSink(originalSink);
  db?.destroy();
  await stack?.close();
});

const key = (token: string) => ({ TableName: stack.env.TABLE_NAME, Key: { pk: `SESSION#${hashToken(token)}`, sk: 'SESSION' } });
const stored = async (token: string) => (await db.send(new GetCommand({ ...key(token), ConsistentRead: true }))).Item as { lastSeenAt: number; expiresAt: number; createdAt: number };
const sessionCookieOf = (r: { headers: Headers }) => r.headers.getSetCookie().find((c) => c.startsWith('gateway_session=')) ?? '';

async function loginCookie(): Promise<{ token: string; cookie: string; setCookie: string }> {
  const r = await call(stack.url, 'POST', '/rest_login', { json: { username: 'alice', password: 'alice-pass' } });
  expect(r.status).toBe(200);
  const token = String(r.body.access_token).split(' ')[1]!;
  return { token, cookie: `gateway_session=${token}`, setCookie: sessionCookieOf(r) };
}

describe('the session cookie', () => {
  it('is a browser-session cookie (no Max-Age, no Expires); the server still ends the session at its absolute lifetime', async () => {
    const { cookie, setCookie, token } = await loginCookie();
    expect(setCookie.split('; ')).toEqual(expect.arrayContaining(['Path=/', 'HttpOnly', 'SameSite=Strict']));
    expect(setCookie).not.toMatch(/Max-Age|Expires/i);
    await db.send(new UpdateCommand({ ...key(token), UpdateExpression: 'SET createdAt = :c', ExpressionAttributeValues: { ':c': Date.now() - 13 * 3_600_000 } }));
    const r = await call(stack.url, 'GET', '/failover_monitoring/status', { headers: { cookie } });
    expect(r.status).toBe(401);
  });
});

describe('the idle timeout', () => {
  it("is not slid by the UI's heartbeat (GET /ui/api/session) nor by a call sent with x-gateway-heartbeat; a call the user makes slides it", async () => {
    const { token, cookie } = await loginCookie();
    const idleSince = Date.now() - 5 * 60_000; // idle for half its timeout
    await db.send(new UpdateCommand({ ...key(token), UpdateExpression: 'SET lastSeenAt = :l, expiresAt = :e', ExpressionAttributeValues: { ':l': idleSince, ':e': idleSince + IDLE_MS } }));
    expect((await call(stack.url, 'GET', '/ui/api/session', { headers: { cookie } })).status).toBe(200);
    expect((await call(stack.url, 'GET', '/failover_monitoring/status', { headers: { cookie, 'x-gateway-heartbeat': '1' } })).status).toBe(200);
    expect(await stored(token)).toMatchObject({ lastSeenAt: idleSince, expiresAt: idleSince + IDLE_MS });
    expect((await call(stack.url, 'GET', '/failover_monitoring/status', { headers: { cookie } })).status).toBe(200);
    expect((await stored(token)).expiresAt).toBeGreaterThan(idleSince + IDLE_MS + 4 * 60_000);
  });
});

describe('logout', () => {
  it('with a token whose session has ended: 401, and the cookie cleared all the same', async () => {
    const { cookie, token } = await loginCookie();
    expect((await call(stack.url, 'POST', '/rest_logout', { token })).status).toBe(200);
    // As the web UI sends it: the cookie, with the CSRF token it was given while the session lived.
    const again = await call(stack.url, 'POST', '/rest_logout', { headers: { cookie, 'x-csrf-token': csrfTokenFor(token), 'content-type': 'application/json' } });
    expect(again.status).toBe(401);
    expect(sessionCookieOf(again)).toMatch(/^gateway_session=; .*Max-Age=0/);
  });
});

describe("a failed login's audit entry", () => {
  it('keeps no more of the typed username than a username: no control characters, at most 64 characters', async () => {
    entries.length = 0;
    const typed = `alice\r\n${'correct horse battery staple '.repeat(8)}`;
    expect((await call(stack.url, 'POST', '/rest_login', { json: { username: typed, password: 'x' } })).status).toBe(401);
    const failure = entries.find((e) => e.action === 'login' && e.outcome === 'failure')!;
    expect([...failure.actor!].length).toBeLessThanOrEqual(64);
    expect(failure.actor).not.toMatch(/\p{C}/u);
    expect(failure.actor!.startsWith('alicecorrect horse')).toBe(true);
    expect(JSON.stringify(entries)).not.toContain(typed.slice(7, 120));
  });
});
