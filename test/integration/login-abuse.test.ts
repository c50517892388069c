import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startLocalStack, type LocalStack } from '../../local/runtime.js';
import { auditSink, setAuditSink, type AuditEntry } from '../../functions/kernel/audit.js';
import { call, login } from '../support/client.js';
import { callFrom, loginFrom } from '../support/from-ip.js';

/** Login abuse (docs/security.md): rate limits with backoff, generic errors to anonymous callers, the audit log. */
let stack: LocalStack;
let base: string;
const entries: AuditEntry[] = [];
const originalSink = auditSink;
const tokens: Record<string, string> = {};
/** Login attempts that reached the simulated BAM, per username:password. */
const bamAttempts = new Map<string, number>();
/** The defaults of LOGIN_MAX_CONCURRENT, LOGIN_MAX_CONCURRENT_PER_IP and LOGIN_MAX_FAILURES. */
const MAX_CONCURRENT = 20;
const MAX_CONCURRENT_PER_IP = 50;
const MAX_FAILURES = 5;

/**
 * Sends `count` logins from `ip` pinned to bam2, hung: all but those refused stay in flight. Waits
 * for the first answer (a refusal once LOGIN_QUEUE_WAIT_MS has passed: the counts are full and the
 * queue does not move), then answers the rest once `release` is called.
 */
async function holdLogins(ip: string, count: number, username: (i: number) => string) {
  await call(base, 'POST', '/_local/bam/bam2/hang');
  const replies = Array.from({ length: count }, (_, i) => callFrom(ip, base, 'POST', '/rest_login', { json: { username: username(i), password: 'guess', bam_alias: 'bam2' } }));
  const first = await Promise.race(replies);
  return {
    first,
    release: async () => {
      await call(base, 'POST', '/_local/bam/bam2/start'); // cuts the hung connections: the held logins end
      return Promise.all(replies);
    },
  };
}

beforeAll(async () => {
  // A long first backoff: what a test expects to be refused stays refused however slow the machine.
  // A long BAM timeout: logins pinned to a hung server stay in flight until the test lets them go.
  // A short queue wait: logins held by a hung server do not move the queue, so those over a count are refused soon.
  stack = await startLocalStack({ env: { BAM_API_VERSION: '2', LOGIN_BACKOFF_BASE_MS: '60000', BAM_TIMEOUT_MS: '25000', LOGIN_QUEUE_WAIT_MS: '2000' } });
  base = stack.url;
  setAuditSink((e) => entries.push(e));
  const data = stack.cluster!.data;
  const check = data.checkPassword.bind(data);
  data.checkPassword = (username: string, password: string) => {
    bamAttempts.set(`${username}:${password}`, (bamAttempts.get(`${username}:${password}`) ?? 0) + 1);
    return check(username, password);
  };
  tokens.admin = await login(base, 'gateway-svc', 'gateway-svc-pass');
  tokens.bob = await login(base, 'bob', 'bob-pass');
});
afterAll(async () => {
  setAuditSink(originalSink);
  await stack?.close();
});

describe('POST /rest_login rate limits', () => {
  it('40 parallel wrong passwords for the service user from one address: at most LOGIN_MAX_CONCURRENT (+ the failures before backoff) reach BAM, the rest 429; it still logs in from another address', async () => {
    const replies = await Promise.all(Array.from({ length: 40 }, () => loginFrom('127.0.0.5', base, 'gateway-svc', 'guess-1')));
    const refused = replies.filter((r) => r.status === 429);
    expect(replies.every((r) => r.status === 429 || r.status === 401)).toBe(true);
    // 20 in flight at once; the backoff is checked after taking a place, so at most 4 more (failures before it) slip in.
    const reachedBam = bamAttempts.get('gateway-svc:guess-1') ?? 0;
    expect(reachedBam).toBeLessThanOrEqual(MAX_CONCURRENT + MAX_FAILURES - 1);
    expect(refused.length).toBe(40 - reachedBam);
    expect(refused[0]!.body).toEqual({ code: 'TooManyLoginAttempts', message: expect.any(String), status: 429 });
    expect(Number(refused[0]!.headers.get('retry-after'))).toBeGreaterThanOrEqual(1);
    // Then the username is in backoff: one by one, every attempt refused, none reaches BAM.
    for (let i = 0; i < 5; i++) {
      const r = await loginFrom('127.0.0.5', base, 'gateway-svc', 'guess-1');
      expect(r.status).toBe(429);
      expect(Number(r.headers.get('retry-after'))).toBeGreaterThan(1); // the backoff, not the in-flight pacing
    }
    expect(bamAttempts.get('gateway-svc:guess-1')).toBe(reachedBam);

    const ok = await loginFrom('127.0.0.6', base, 'gateway-svc', 'gateway-svc-pass');
    expect(ok.status).toBe(200);
    // The monitor never logs in through /rest_login: it keeps probing and knows the Primary.
    await stack.probe();
    expect((await call(base, 'GET', '/_local/state')).body.monitoring.monitoring_state).toBe('MONITORING');
  });

  it('an ordinary user under attack is refused from every address it has not logged in from until the backoff passes, without reaching BAM', async () => {
    for (let i = 0; i < 5; i++) expect((await loginFrom('127.0.0.7', base, 'bob', `guess-${i}`)).status).toBe(401);
    const attempts = bamAttempts.get('bob:bob-pass') ?? 0;
    const r = await loginFrom('127.0.0.8', base, 'bob', 'bob-pass');
    expect(r.status).toBe(429);
    expect(r.body.code).toBe('TooManyLoginAttempts');
    expect(bamAttempts.get('bob:bob-pass') ?? 0).toBe(attempts);
  });

  it('a successful login resets the username counter', async () => {
    for (let i = 0; i < 4; i++) expect((await loginFrom('127.0.0.9', base, 'alice', `guess-${i}`)).status).toBe(401);
    expect((await loginFrom('127.0.0.9', base, 'alice', 'alice-pass')).status).toBe(200);
    for (let i = 0; i < 4; i++) expect((await loginFrom('127.0.0.9', base, 'alice', `guess-${i}`)).status).toBe(401);
    expect((await loginFrom('127.0.0.9', base, 'alice', 'alice-pass')).status).toBe(200);
  });

  it('right logins are not limited by their concurrency: 30 parallel service logins from one address all succeed', async () => {
    const replies = await Promise.all(Array.from({ length: 30 }, () => loginFrom('127.0.0.17', base, 'gateway-svc', 'gateway-svc-pass')));
    expect(replies.map((r) => r.status)).toEqual(replies.map(() => 200));
  });

  it('right logins are never counted as failures: LOGIN_MAX_CONCURRENT parallel logins of one ordinary user all succeed at once', async () => {
    const replies = await Promise.all(Array.from({ length: MAX_CONCURRENT }, () => loginFrom('127.0.0.19', base, 'alice', 'alice-pass')));
    expect(replies.map((r) => r.status)).toEqual(replies.map(() => 200));
  });

  it('30 concurrent right logins of one ordinary user from a new address (clients back after a failover): every one 200, none 429', async () => {
    const replies = await Promise.all(Array.from({ length: 30 }, () => loginFrom('127.0.0.18', base, 'alice', 'alice-pass')));
    expect(replies.map((r) => r.status)).toEqual(replies.map(() => 200));
  });

  it('one address spraying many usernames is limited by its own counter', async () => {
    const statuses: number[] = [];
    for (let i = 0; i < 25; i++) statuses.push((await loginFrom('127.0.0.11', base, `nobody-${i}`, 'guess')).status);
    expect(statuses.slice(0, 20).every((s) => s === 401)).toBe(true);
    expect(statuses.slice(20).every((s) => s === 429)).toBe(true);
  });
});

describe('logins in flight tell right from wrong nothing', () => {
  it('LOGIN_MAX_CONCURRENT service logins held in flight: right and wrong service passwords from that address both wait, then get 429', async () => {
    const held = await holdLogins('127.0.0.21', MAX_CONCURRENT + 1, () => 'gateway-svc');
    try {
      expect(held.first.status).toBe(429); // the one over the count
      const right = await loginFrom('127.0.0.21', base, 'gateway-svc', 'gateway-svc-pass');
      const wrong = await loginFrom('127.0.0.21', base, 'gateway-svc', 'guess-2');
      expect([right.status, wrong.status]).toEqual([429, 429]);
      expect([right.headers.get('retry-after'), wrong.headers.get('retry-after')]).toEqual(['1', '1']);
    } finally {
      const statuses = (await held.release()).map((r) => r.status);
      expect(statuses.filter((s) => s === 429)).toHaveLength(1);
    }
    expect((await loginFrom('127.0.0.21', base, 'gateway-svc', 'gateway-svc-pass')).status).toBe(200);
  });

  it('a parallel burst of many usernames from one address: at most LOGIN_MAX_CONCURRENT_PER_IP reach BAM; right service logins are refused alike', async () => {
    const held = await holdLogins('127.0.0.22', MAX_CONCURRENT_PER_IP + 5, (i) => `sprayed-${i}`);
    let statuses: number[] = [];
    try {
      expect(held.first.status).toBe(429);
      const right = await loginFrom('127.0.0.22', base, 'gateway-svc', 'gateway-svc-pass');
      const wrong = await loginFrom('127.0.0.22', base, 'gateway-svc', 'guess-3');
      expect([right.status, wrong.status]).toEqual([429, 429]);
      expect((await loginFrom('127.0.0.23', base, 'gateway-svc', 'gateway-svc-pass')).status).toBe(200); // another address
    } finally {
      statuses = (await held.release()).map((r) => r.status);
    }
    // Exactly the count reached the hung BAM (answered once it was back); the rest were refused without asking it.
    expect(statuses.filter((s) => s === 429)).toHaveLength(5);
    expect(statuses.filter((s) => s !== 429)).toHaveLength(MAX_CONCURRENT_PER_IP);
  });
});

describe('errors to unauthenticated callers', () => {
  it("wrong credentials: a generic 401, without BAM's text or a server name", async () => {
    const r = await loginFrom('127.0.0.12', base, 'alice', 'wrong');
    expect(r.status).toBe(401);
    expect(r.body).toEqual({ code: 'Unauthorized', message: 'Invalid username or password.', status: 401 });
  });

  it('a login pinned to the Standby: 409 naming the alias to use, without a URL', async () => {
    const r = await callFrom('127.0.0.12', base, 'POST', '/rest_login', { json: { username: 'alice', password: 'alice-pass', bam_alias: 'bam2' } });
    expect(r.status).toBe(409);
    expect(r.body).toMatchObject({ code: 'AddressManagerIsStandby', status: 409 });
    expect(r.body.message).toContain('primary-address-manager');
    expect(JSON.stringify(r.body)).not.toMatch(/http:|127\.0\.0\.1/);
  });

  it("BAM failing the login (the pinned server stopped): a generic 502 without BAM's text or URLs", async () => {
    const bam2 = stack.cluster!.server('bam2');
    await bam2.stop();
    try {
      const r = await callFrom('127.0.0.12', base, 'POST', '/rest_login', { json: { username: 'alice', password: 'alice-pass', bam_alias: 'bam2' } });
      expect(r.status).toBe(502);
      expect(r.body).toEqual({ code: 'AddressManagerUnreachable', message: expect.any(String), status: 502 });
      expect(JSON.stringify(r.body)).not.toMatch(/bam2|refused|ECONN|http:|127\.0\.0\.1/);
    } finally {
      await bam2.start();
    }
  });
});

describe('audit log', () => {
  it('records logins, throttling, logouts, 401s, 403s and permission and membership changes, with who, where and the outcome, and no secret', async () => {
    entries.length = 0;
    const alice = await loginFrom('127.0.0.13', base, 'alice', 'alice-pass');
    const aliceToken = String(alice.body.access_token).split(' ')[1]!;
    await loginFrom('127.0.0.13', base, 'alice', 'wrong-pass');
    for (let i = 0; i < 6; i++) await loginFrom('127.0.0.13', base, 'carol', 'guess-1'); // the sixth is throttled
    await callFrom('127.0.0.13', base, 'POST', '/rest_logout', { headers: { authorization: `Bearer ${aliceToken}` } });
    await callFrom('127.0.0.14', base, 'GET', '/failover_rest_endpoints/get_configurations');
    await callFrom('127.0.0.15', base, 'GET', '/failover_rest_endpoints/get_configurations', { headers: { authorization: `Bearer ${tokens.bob}` } });
    const admin = { headers: { authorization: `Bearer ${tokens.admin}` } };
    await callFrom('127.0.0.16', base, 'PUT', '/admin/users/bob/permissions/ip_space', admin);
    await callFrom('127.0.0.16', base, 'DELETE', '/admin/users/bob/permissions/ip_space', admin);
    await callFrom('127.0.0.16', base, 'PUT', '/admin/groups/dns-team/members/bob', admin);
    await callFrom('127.0.0.16', base, 'DELETE', '/admin/groups/dns-team/members/bob', admin);

    const find = (action: string, outcome: string) => entries.find((e) => e.action === action && e.outcome === outcome);
    expect(find('login', 'success')).toMatchObject({ actor: 'alice', sourceIp: '127.0.0.13' });
    expect(find('login', 'failure')).toMatchObject({ actor: 'alice', sourceIp: '127.0.0.13', reason: 'wrong credentials' });
    expect(find('login-throttled', 'denied')).toMatchObject({ actor: 'carol', sourceIp: '127.0.0.13' });
    expect(find('logout', 'success')).toMatchObject({ actor: 'alice', sourceIp: '127.0.0.13' });
    expect(find('unauthenticated', 'denied')).toMatchObject({ sourceIp: '127.0.0.14', target: 'GET /failover_rest_endpoints/get_configurations', reason: expect.any(String) });
    expect(find('forbidden', 'denied')).toMatchObject({ actor: 'bob', sourceIp: '127.0.0.15', target: 'GET /failover_rest_endpoints/get_configurations' });
    const by = { actor: 'gateway-svc', sourceIp: '127.0.0.16' };
    expect(find('permission-granted', 'success')).toMatchObject({ ...by, target: 'users/bob/ip_space' });
    expect(find('permission-revoked', 'success')).toMatchObject({ ...by, target: 'users/bob/ip_space' });
    expect(find('member-added', 'success')).toMatchObject({ ...by, target: 'groups/dns-team/members/bob' });
    expect(find('member-removed', 'success')).toMatchObject({ ...by, target: 'groups/dns-team/members/bob' });

    const logged = JSON.stringify(entries);
    for (const secret of ['alice-pass', 'wrong-pass', 'guess-1', 'gateway-svc-pass', aliceToken, tokens.bob!, tokens.admin!]) expect(logged).not.toContain(secret);
  });
});
