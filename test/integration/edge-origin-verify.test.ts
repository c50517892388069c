import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { randomBytes } from 'node:crypto';
import { mockClient } from 'aws-sdk-client-mock';
import { GetSecretValueCommand, SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { startLocalStack, type LocalStack } from '../../local/runtime.js';
import { auditSink, setAuditSink, type AuditEntry } from '../../functions/kernel/audit.js';
import { call } from '../support/client.js';

/**
 * A gateway deployed behind the CloudFront + WAF edge (docs/security.md), through the local runtime with
 * AWS's configuration: ORIGIN_VERIFY_SECRET_ARN set, outside local mode, the secret read from
 * Secrets Manager (mocked: there is none here) at the first request. A call that does not carry
 * CloudFront's secret header came around the WAF; one that does is served as the viewer
 * CloudFront reported, for the login limits and the audit log.
 */
const SECRET = randomBytes(24).toString('base64url');
const ARN = 'arn:aws:secretsmanager:eu-west-1:111122223333:secret:origin-verify';
const sm = mockClient(SecretsManagerClient);
let stack: LocalStack;
const entries: AuditEntry[] = [];
const originalSink = auditSink;
/** What CDK sets TRUSTED_ORIGINS to: the distribution's own origin (browsers send it as Origin; Host is the API's). */
const EDGE_ORIGIN = 'https://d111111abcdef8.cloudfront.net';
const viaEdge = (viewer: string) => ({ 'x-origin-verify': SECRET, 'true-client-ip': viewer });

beforeAll(async () => {
  sm.on(GetSecretValueCommand, { SecretId: ARN }).resolves({ SecretString: SECRET });
  setAuditSink((e) => entries.push(e));
  // Two wrong logins per address, then a long backoff: what must be refused stays refused.
  stack = await startLocalStack({
    env: { BAM_API_VERSION: '2', LOCAL_MODE: 'false', ORIGIN_VERIFY_SECRET_ARN: ARN, TRUSTED_ORIGINS: EDGE_ORIGIN, LOGIN_MAX_FAILURES_PER_IP: '2', LOGIN_BACKOFF_BASE_MS: '60000' },
  });
});
afterAll(async () => {
  setAuditSink(originalSink);
  delete process.env.ORIGIN_VERIFY_SECRET_ARN;
  delete process.env.TRUSTED_ORIGINS;
  await stack?.close();
  sm.restore();
});

describe('behind the CloudFront edge', () => {
  it('a direct call to the API (no secret header) is refused with 403 DirectAccessRefused, on every route', async () => {
    for (const [method, path] of [
      ['POST', '/rest_login'],
      ['GET', '/failover_monitoring/status'],
      ['GET', '/nope'],
    ] as const) {
      const r = await call(stack.url, method, path, method === 'POST' ? { json: { username: 'alice', password: 'alice-pass' } } : {});
      expect(r.status, `${method} ${path}`).toBe(403);
      expect(r.body).toMatchObject({ code: 'DirectAccessRefused', status: 403 });
    }
  });

  it('a wrong secret, or a forged viewer address without the secret, is refused the same way', async () => {
    const forged = { 'true-client-ip': '203.0.113.50', 'cloudfront-viewer-address': '203.0.113.50:1234' };
    for (const headers of [{ 'x-origin-verify': 'guess' }, forged, { ...forged, 'x-origin-verify': `${SECRET}x` }]) {
      const r = await call(stack.url, 'POST', '/rest_login', { json: { username: 'alice', password: 'alice-pass' }, headers });
      expect(r.status).toBe(403);
      expect(r.body.code).toBe('DirectAccessRefused');
    }
    expect(entries.some((e) => e.action === 'forbidden' && e.sourceIp === '203.0.113.50')).toBe(false); // the forged address is never believed
  });

  it('a call through CloudFront is served; the secret is read once from Secrets Manager and never answered', async () => {
    const r = await call(stack.url, 'POST', '/rest_login', { json: { username: 'alice', password: 'alice-pass' }, headers: viaEdge('203.0.113.1') });
    expect(r.status).toBe(200);
    const token = String(r.body.access_token).split(' ')[1];
    const status = await call(stack.url, 'GET', '/failover_monitoring/status', { token, headers: viaEdge('203.0.113.1') });
    expect(status.status).toBe(200);
    expect(JSON.stringify(status.body)).not.toContain(SECRET);
    expect(sm).toHaveReceivedCommandTimes(GetSecretValueCommand, 1);
    expect(process.env.ORIGIN_VERIFY_SECRET ?? '').toBe('');
    expect(JSON.stringify(process.env)).not.toContain(SECRET);
  });

  it('login limits count per viewer address, not per CloudFront address: one viewer blocked, another through the same edge not', async () => {
    for (const user of ['u1', 'u2']) {
      const r = await call(stack.url, 'POST', '/rest_login', { json: { username: user, password: 'wrong' }, headers: viaEdge('198.51.100.10') });
      expect(r.status).toBe(401);
    }
    const blocked = await call(stack.url, 'POST', '/rest_login', { json: { username: 'u3', password: 'wrong' }, headers: viaEdge('198.51.100.10') });
    expect(blocked.status).toBe(429);
    // Another viewer: same connection address (CloudFront's, here 127.0.0.1), its own counter.
    const other = await call(stack.url, 'POST', '/rest_login', { json: { username: 'alice', password: 'alice-pass' }, headers: viaEdge('198.51.100.20') });
    expect(other.status).toBe(200);
  });

  it('a same-site cookie-only change through CloudFront (Origin: the distribution, with its CSRF token) is served; a foreign Origin is still refused', async () => {
    const r = await call(stack.url, 'POST', '/rest_login', { json: { username: 'alice', password: 'alice-pass' }, headers: viaEdge('203.0.113.2') });
    const cookie = `__Host-gateway_session=${String(r.body.access_token).split(' ')[1]}`;
    const csrf = (await call(stack.url, 'GET', '/ui/api/session', { headers: { ...viaEdge('203.0.113.2'), cookie } })).body.csrf_token as string;
    const foreign = await call(stack.url, 'POST', '/rest_logout', {
      headers: { ...viaEdge('203.0.113.2'), cookie, origin: 'https://evil.example', 'x-csrf-token': csrf, 'content-type': 'application/json' },
    });
    expect(foreign.status).toBe(403);
    const same = await call(stack.url, 'POST', '/rest_logout', {
      headers: { ...viaEdge('203.0.113.2'), cookie, origin: EDGE_ORIGIN, 'sec-fetch-site': 'same-origin', 'x-csrf-token': csrf, 'content-type': 'application/json' },
    });
    expect(same.status).toBe(200);
  });

  it('the audit log names the viewer address', async () => {
    expect(entries.filter((e) => e.action === 'login-throttled').map((e) => e.sourceIp)).toEqual(['198.51.100.10']);
    expect(entries.some((e) => e.action === 'login' && e.outcome === 'success' && e.sourceIp === '198.51.100.20')).toBe(true);
    const refused = entries.filter((e) => e.action === 'forbidden' && e.reason?.startsWith('DirectAccessRefused'));
    expect(refused.length).toBeGreaterThan(0);
    expect(JSON.stringify(entries)).not.toContain(SECRET);
  });
});
