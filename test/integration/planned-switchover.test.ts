import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startLocalStack, type LocalStack } from '../../local/runtime.js';
import { call, eventually, login } from '../support/client.js';
import { openRestSession, rest, type AirlockRestSession } from '../support/airlock.js';

/**
 * The planned switchover of the Primary (docs/maintenance.md) over real HTTP: draining bam1 through the
 * Airlock API makes the gateway ask bam1 to hand over to bam2 (BAM failoverReplication, a pause in
 * which neither serves), holding calls meanwhile instead of answering 503.
 */
let stack: LocalStack;
let base: string;
let svc: string;
let airlock: AirlockRestSession;

beforeAll(async () => {
  stack = await startLocalStack();
  base = stack.url;
  svc = await login(base, 'gateway-svc', 'gateway-svc-pass');
  airlock = await openRestSession(base, svc);
  expect((await call(base, 'PUT', '/admin/users/bob/permissions/failover_rest_endpoints', { token: svc })).status).toBe(200);
});
afterAll(async () => stack?.close());

const inSession = (method: string, path: string, body?: string) => airlock.call(method, path, body);

const setMode = (hostName: string, mode: string) => airlock.setMode(hostName, mode);

const monitorStatus = async () => (await call(base, 'GET', '/failover_monitoring/status', { token: svc })).body;
const configurations = (token: string) => call(base, 'GET', '/failover_rest_endpoints/get_configurations', { token });
const groupStatus = async () => (await inSession('GET', '/system/status/back-end-groups/1')).body.data.attributes;

describe('a planned switchover of the Primary', () => {
  it('draining bam1 hands over to bam2 with no failed call: restorable sessions keep their token, new alias logins are held and succeed', async () => {
    const alice = await login(base, 'alice', 'alice-pass'); // through the alias, not restorable
    const alicePinned = await login(base, 'alice', 'alice-pass', { bam_alias: 'bam1' });
    expect((await call(base, 'PUT', '/admin/users/alice/permissions/maintenance', { token: svc })).status).toBe(200);
    const aliceRest = (await call(base, 'POST', rest('/session/create'), { token: alice })).headers.get('set-cookie')!.split(';')[0]!;
    const epoch = (await monitorStatus()).epoch;

    const answers: number[] = [];
    const states = new Set<string>();
    let running = true;
    const restorable = (async () => {
      while (running) answers.push((await configurations(svc)).status);
    })();
    const newLogins = (async () => {
      while (running) {
        const r = await call(base, 'POST', '/rest_login', { json: { username: 'bob', password: 'bob-pass' } });
        answers.push(r.status);
        if (r.status === 200) answers.push((await configurations(String(r.body.access_token).split(' ')[1]!)).status);
      }
    })();
    const watcher = (async () => {
      while (running) {
        states.add((await monitorStatus()).monitoring_state);
        await new Promise((r) => setTimeout(r, 50));
      }
    })();

    expect((await setMode('bam1', 'NO_NEW_SESSIONS')).status).toBe(200);
    const after = await eventually(
      async () => {
        const s = await monitorStatus();
        return s.monitoring_state === 'MONITORING' && s.switchover?.state === 'COMPLETED' ? s : undefined;
      },
      15_000,
      'the switchover completes',
    );
    await new Promise((r) => setTimeout(r, 300)); // a few calls on the new Primary
    running = false;
    await Promise.all([restorable, newLogins, watcher]);

    expect(states).toContain('SWITCHOVER_IN_PROGRESS');
    expect(states).not.toContain('FAILOVER_IN_PROGRESS');
    expect(after).toMatchObject({ primary_url: stack.cluster!.server('bam2').url, epoch: epoch + 1, switchover: { state: 'COMPLETED', from: 'bam1', target: 'bam2' } });
    expect(answers.length).toBeGreaterThan(10);
    expect(answers.filter((s) => s !== 200)).toEqual([]);
    expect((await configurations(svc)).status).toBe(200); // the same token, on bam2 now

    // Her gateway session has ended, even before a gateway call deletes it: so has the maintenance API's view of it.
    expect((await call(base, 'GET', rest('/system/status/node'), { headers: { cookie: aliceRest } })).status).toBe(401);
    expect((await call(base, 'POST', rest('/session/create'), { token: alice })).status).toBe(401);
    const ended = await configurations(alice);
    expect(ended.status).toBe(401);
    expect(ended.body).toMatchObject({ code: 'SessionEndedByMaintenance', message: expect.stringMatching(/bam1 handed over to bam2/) });
    const pinned = await configurations(alicePinned);
    expect(pinned.status).toBe(401);
    expect(pinned.body.code).toBe('SessionEndedByMaintenance');
  });

  it('reports the role changes with reason planned-switchover, and bam1 counts no session', async () => {
    const roles = () =>
      stack.bus
        .recent(300)
        .filter((e) => e['detail-type'] === 'NODE_ROLE_CHANGED')
        .map((e) => e.detail as { node: { id: string }; new: string; reason: string });
    const planned = roles().filter((r) => r.reason === 'planned-switchover');
    expect(planned.filter((r) => r.node.id === 'bam2').map((r) => r.new)).toEqual(['PRIMARY']);
    // bam1 says STANDBY at the handover, unless its own pause outlasted bam2's by a probe: then its
    // role is UNKNOWN at the handover and STANDBY once it answers again.
    const bam1 = planned.filter((r) => r.node.id === 'bam1').map((r) => r.new);
    expect(bam1).toHaveLength(1);
    if (bam1[0] !== 'STANDBY') {
      expect(bam1).toEqual(['UNKNOWN']);
      await eventually(
        async () =>
          roles()
            .filter((r) => r.node.id === 'bam1')
            .at(-1)?.new === 'STANDBY',
        5000,
        'bam1 reported STANDBY',
      );
    }
    const hosts = (await groupStatus()).backendHosts as { name: string; role: string; SessionCount: { Count: number } }[];
    expect(hosts.find((h) => h.name === 'bam1')).toMatchObject({ role: 'STANDBY', SessionCount: { Count: 0 } });
    expect((await groupStatus()).switchover).toMatchObject({ state: 'COMPLETED', from: 'bam1', target: 'bam2', startedAt: expect.any(String) });
  });

  it('bam1, drained and now a Standby, is disabled, restarted and enabled again: it stays a Standby and nothing switches back', async () => {
    const bam1 = async () => (await monitorStatus()).servers.find((s: { name: string }) => s.name === 'bam1');
    expect((await setMode('bam1', 'DISABLED')).status).toBe(200);
    await eventually(async () => (await bam1()).health === 'MAINTENANCE', 8000, 'bam1 in MAINTENANCE');
    await call(base, 'POST', '/_local/bam/bam1/restart');
    expect((await setMode('bam1', 'ENABLED')).status).toBe(200);
    await eventually(async () => (await bam1()).mode === 'ENABLED' && (await bam1()).health === 'UP', 8000, 'bam1 ENABLED and UP');
    const s = await monitorStatus();
    expect(s).toMatchObject({ monitoring_state: 'MONITORING', primary_url: stack.cluster!.server('bam2').url });
    expect(s.servers.find((x: { name: string }) => x.name === 'bam1')).toMatchObject({ role: 'STANDBY', mode: 'ENABLED' });
    expect((await configurations(svc)).status).toBe(200);
  });
});
