import http from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startLocalStack, type LocalStack } from '../../local/runtime.js';
import { auditSink, setAuditSink, type AuditEntry } from '../../functions/kernel/audit.js';

/**
 * The login limits never become a lockout others can cause (docs/security.md), over real HTTP from many
 * loopback addresses: an attacker's guesses from elsewhere, a user's known clients (address or
 * device cookie), a burst of right logins after a failover, the service user's global counter.
 */
let stack: LocalStack;
const entries: AuditEntry[] = [];
const originalSink = auditSink;

beforeAll(async () => {
  // A long first backoff: what is blocked stays blocked however slow the machine. A short cap on slowing.
  stack = await startLocalStack({ env: { LOGIN_BACKOFF_BASE_MS: '60000', LOGIN_SLOWDOWN_MAX_MS: '300' } });
  setAuditSink((e) => entries.push(e));
}, 60_000);
afterAll(async () => {
  setAuditSink(originalSink);
  await stack?.close();
});

interface Answer {
  status: number;
  cookies: string[];
  body: { code?: string };
}

/** POST /rest_login from `ip` (a loopback address: another client to the gateway), with the Cookie header given. */
function loginAt(ip: string, username: string, password: string, cookie?: string): Promise<Answer> {
  const { hostname, port } = new URL(stack.url);
  const body = JSON.stringify({ username, password });
  const headers = { 'content-type': 'application/json', 'content-length': String(Buffer.byteLength(body)), ...(cookie ? { cookie } : {}) };
  return new Promise((resolve, reject) => {
    const req = http.request({ hostname, port, path: '/rest_login', method: 'POST', headers, localAddress: ip, agent: false }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => resolve({ status: res.statusCode!, cookies: res.headers['set-cookie'] ?? [], body: JSON.parse(Buffer.concat(chunks).toString('utf8')) }));
    });
    req.on('error', reject);
    req.end(body);
  });
}

const deviceOf = (a: Answer) => a.cookies.find((c) => c.startsWith('gateway_device='))?.split(';')[0] ?? 'gateway_device=none';
/** `n` wrong passwords for `username`, each from a new address of 127.1.<block>.x. */
async function guessFromElsewhere(username: string, block: number, n: number) {
  for (let i = 1; i <= n; i++) await loginAt(`127.1.${block}.${i}`, username, `guess-${i}`);
}

describe('an attacker guessing from other addresses', () => {
  let aliceDevice: string;
  beforeAll(async () => {
    const first = await loginAt('127.0.0.31', 'alice', 'alice-pass'); // her known client from now on
    expect(first.status).toBe(200);
    aliceDevice = deviceOf(first);
    await guessFromElsewhere('alice', 1, 30);
  });

  it("alice's right password from the address she logged in from is still 200; a new client is refused like the attacker", async () => {
    expect((await loginAt('127.0.0.31', 'alice', 'alice-pass')).status).toBe(200);
    const fresh = await loginAt('127.0.0.32', 'alice', 'alice-pass');
    expect(fresh.status).toBe(429);
    expect((await loginAt('127.1.1.99', 'alice', 'guess-99')).status).toBe(429); // the attacker's next guess backs off
  });

  it('her browser (its device cookie) gets in from any address; a forged cookie, or one of another user, does not', async () => {
    expect((await loginAt('127.0.0.33', 'alice', 'alice-pass', aliceDevice)).status).toBe(200);
    const [name, value] = aliceDevice.split('=') as [string, string];
    const mac = value.slice(-43);
    const forged = `${name}=${value.slice(0, -43)}${mac[0] === 'A' ? 'B' : 'A'}${mac.slice(1)}`;
    expect((await loginAt('127.0.0.34', 'alice', 'alice-pass', forged)).status).toBe(429);
    const bob = await loginAt('127.0.0.35', 'bob', 'bob-pass');
    expect((await loginAt('127.0.0.36', 'alice', 'alice-pass', deviceOf(bob))).status).toBe(429);
  });

  it('the device cookie is HttpOnly and SameSite=Strict, set with the session cookie', async () => {
    const r = await loginAt('127.0.0.31', 'alice', 'alice-pass', aliceDevice);
    const device = r.cookies.find((c) => c.startsWith('gateway_device=')) ?? '';
    expect(device.split('; ')).toEqual(expect.arrayContaining(['Path=/', 'HttpOnly', 'SameSite=Strict']));
    expect(device.split(';')[0]!.split('=')[1]!.split('.')[1]).toBe(aliceDevice.split('=')[1]!.split('.')[1]); // the same device
  });
});

describe('a burst of right logins of one user (its clients back after a failover)', () => {
  it('100 at once from an address it logged in from, and 100 from a new one: no 429, every one 200', async () => {
    expect((await loginAt('127.0.0.41', 'bob', 'bob-pass')).status).toBe(200);
    for (const ip of ['127.0.0.41', '127.0.0.42']) {
      const answers = await Promise.all(Array.from({ length: 100 }, () => loginAt(ip, 'bob', 'bob-pass')));
      expect({ ip, statuses: [...new Set(answers.map((a) => a.status))] }).toEqual({ ip, statuses: [200] });
    }
  }, 120_000);
});

describe("the service user's global slowing counter", () => {
  it('failures from many addresses slow its logins from anywhere (the audit log says so), and refuse none', async () => {
    expect((await loginAt('127.0.0.51', 'gateway-svc', 'gateway-svc-pass')).status).toBe(200);
    await guessFromElsewhere('gateway-svc', 2, 8);
    entries.length = 0;
    for (const ip of ['127.0.0.51', '127.0.0.52']) {
      const r = await loginAt(ip, 'gateway-svc', 'gateway-svc-pass');
      expect(r.status).toBe(200);
    }
    const logins = entries.filter((e) => e.action === 'login' && e.outcome === 'success');
    expect(logins.map((e) => e.sourceIp)).toEqual(['127.0.0.51', '127.0.0.52']);
    for (const e of logins) expect(e.reason).toMatch(/^slowed [1-9]\d* ms by failed logins elsewhere$/);
  });
});
