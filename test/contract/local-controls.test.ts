import { X509Certificate } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startLocalStack, type LocalStack } from '../../local/runtime.js';
import { call, eventually } from '../support/client.js';
import { tlsRequest, v1Token } from './bam-http.js';

/** The local runtime's wiring of the simulated Failover API, and its promote, readd, restart and switchover-pause controls (modelled). */
let stack: LocalStack;
beforeAll(async () => {
  stack = await startLocalStack();
});
afterAll(async () => stack?.close());

const role = (name: string) => stack.cluster!.snapshot().find((s) => s.name === name)!.role;

describe('local runtime', () => {
  it("passes the gateway each server's Failover API address, a client certificate and key, and the CA", async () => {
    const { BAM_FAILOVER_API, BAM_FAILOVER_CLIENT_CERT, BAM_FAILOVER_CLIENT_KEY, BAM_FAILOVER_CA } = stack.env;
    expect(BAM_FAILOVER_API).toBe(`bam1=${stack.cluster!.server('bam1').failoverUrl},bam2=${stack.cluster!.server('bam2').failoverUrl}`);
    expect(new X509Certificate(BAM_FAILOVER_CLIENT_CERT!).checkIssued(new X509Certificate(BAM_FAILOVER_CA!))).toBe(true);
    const bam2 = BAM_FAILOVER_API!.split(',')[1]!.split('=')[1]!;
    const r = await tlsRequest('GET', `${bam2}/bam/v1/health`, { ca: BAM_FAILOVER_CA, cert: BAM_FAILOVER_CLIENT_CERT, key: BAM_FAILOVER_CLIENT_KEY });
    expect(r.body.details.replicationMetrics.replicationRole).toBe('Standby');
  });

  it('promote refuses a Primary (409); after stop and promote, the returned old Primary claims Primary until readd', async () => {
    expect((await call(stack.url, 'POST', '/_local/bam/bam1/promote')).status).toBe(409);
    await call(stack.url, 'POST', '/_local/bam/bam1/stop');
    expect((await call(stack.url, 'POST', '/_local/bam/bam2/promote')).body.server.role).toBe('Standalone');
    await call(stack.url, 'POST', '/_local/bam/bam1/start');
    expect(role('bam1')).toBe('Primary');
    const readd = await call(stack.url, 'POST', '/_local/bam/bam1/readd');
    expect(readd.status).toBe(200);
    expect([role('bam1'), role('bam2')]).toEqual(['Standby', 'Primary']);
    expect((await call(stack.url, 'POST', '/_local/bam/bam2/readd')).status).toBe(409);
  });

  it("restart keeps the role and forgets the server's sessions: an old token gets a 401, a new login works", async () => {
    const bam = stack.cluster!.server(stack.cluster!.currentPrimary);
    const v1 = (method: string, params: Record<string, string>, authorization?: string) =>
      fetch(`${bam.url}/Services/REST/v1/${method}?${new URLSearchParams(params)}`, { headers: authorization ? { authorization } : {} });
    const login = async () => v1Token((await (await v1('login', { username: 'alice', password: 'alice-pass' })).json()) as string);
    const token = await login();
    expect((await v1('getSystemInfo', {}, token)).status).toBe(200);
    expect((await call(stack.url, 'POST', `/_local/bam/${bam.name}/restart`)).body.server).toMatchObject({ role: 'Primary', mode: 'up' });
    expect((await v1('getSystemInfo', {}, token)).status).toBe(401);
    expect((await v1('getSystemInfo', {}, await login())).status).toBe(200);
  });

  it("switchover-pause sets the simulated cluster's switchover pause at runtime; bad values are a 400", async () => {
    for (const bad of [{ ms: -1 }, { ms: 'slow' }, {}]) expect((await call(stack.url, 'POST', '/_local/bam/switchover-pause', { json: bad })).status).toBe(400);
    const r = await call(stack.url, 'POST', '/_local/bam/switchover-pause', { json: { ms: 30 } });
    expect([r.status, r.body.switchover_pause_ms, stack.cluster!.switchoverPauseMs]).toEqual([200, 30, 30]);
    const from = stack.cluster!.currentPrimary;
    const to = from === 'bam1' ? 'bam2' : 'bam1';
    const primary = stack.cluster!.server(from);
    const token = v1Token((await (await fetch(`${primary.url}/Services/REST/v1/login?username=alice&password=alice-pass`)).json()) as string);
    const answer = await fetch(`${primary.url}/Services/REST/v1/failoverReplication?standbyServer=${to}`, { method: 'POST', headers: { authorization: token } });
    expect(answer.status).toBe(200);
    await eventually(async () => stack.cluster!.snapshot().find((s) => s.name === to)!.role === 'Primary', 10_000, `${to} Primary`);
  });
});
