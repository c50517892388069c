import { expect } from 'vitest';
import type { LocalStack } from '../../local/runtime.js';
import { call, eventually, login } from './client.js';

type Ev = { 'detail-type': string; detail: Record<string, any> };
type Server = { name: string; role: string; reported_role: string | null; health: string };

/**
 * BlueCat Gateway's failover behaviour end to end over real HTTP, as BAM does it: the Primary (bam1) stops, an operator
 * promotes the Standby bam2 (Standalone in a two-server cluster, Primary with three), bam1 comes
 * back still claiming Primary (split brain, never switched back to) until the operator re-adds it.
 */
export async function referenceFailover(stack: LocalStack): Promise<void> {
  const base = stack.url;
  const names = [...stack.cluster!.servers.keys()];
  const twoServers = names.length === 2;
  const state = async () => (await call(base, 'GET', '/_local/state')).body.monitoring;
  const server = async (name: string) => ((await state()).servers as Server[]).find((s) => s.name === name)!;
  const configurations = (token: string) => call(base, 'GET', '/failover_rest_endpoints/get_configurations', { token });
  const events = async () => (await call(base, 'GET', '/_local/events')).body.events as Ev[];

  const bam1 = stack.cluster!.server('bam1').url;
  const bam2 = stack.cluster!.server('bam2').url;
  const svc = await login(base, 'gateway-svc', 'gateway-svc-pass', { bam_alias: 'primary-address-manager' });
  const alice = await login(base, 'alice', 'alice-pass', { bam_alias: 'primary-address-manager' });
  const pinned = await login(base, 'alice', 'alice-pass', { bam_alias: 'bam1' });
  expect((await configurations(svc)).body.primary_url).toBe(bam1);
  expect(await server('bam1')).toMatchObject({ role: 'PRIMARY', reported_role: 'Primary' });

  await call(base, 'POST', '/_local/bam/bam1/stop');
  await eventually(async () => (await state()).monitoring_state === 'FAILOVER_IN_PROGRESS', 8000, 'failover detection');

  // During: BlueCat's 503 body, with Retry-After, for calls and for logins through the alias.
  const during = await configurations(svc);
  expect(during.status).toBe(503);
  expect(during.headers.get('retry-after')).toMatch(/^\d+$/);
  expect(during.body).toEqual({
    code: 503,
    description: 'Address Manager failover in progress. Refresh or try again later.',
    status: 'FailoverProcessing',
    time: expect.stringMatching(/^\d{2}:\d{2}:\d{2}\.\d{6}$/),
  });
  const loginDuring = await call(base, 'POST', '/rest_login', { json: { username: 'alice', password: 'alice-pass' } });
  expect(loginDuring.status).toBe(503);
  expect(loginDuring.body.status).toBe('FailoverProcessing');
  // The status endpoint still answers, and shows the failover.
  const status = await call(base, 'GET', '/failover_monitoring/status', { token: svc });
  expect(status.body).toMatchObject({ monitoring_state: 'FAILOVER_IN_PROGRESS', primary_url: null });

  // BAM promotes only a Standby: with two servers it becomes Standalone, with three Primary.
  const promoted = await call(base, 'POST', '/_local/bam/bam2/promote');
  expect(promoted.status).toBe(200);
  expect(promoted.body.server.role).toBe(twoServers ? 'Standalone' : 'Primary');
  await eventually(async () => (await state()).monitoring_state === 'MONITORING', 8000, 'new Primary');
  const afterPromote = await state();
  expect(afterPromote.primary_url).toBe(bam2);
  expect(await server('bam2')).toMatchObject({ role: 'PRIMARY', reported_role: twoServers ? 'Standalone' : 'Primary' });
  if (!twoServers) expect(await server('bam3')).toMatchObject({ role: 'STANDBY', reported_role: 'Standby' });

  const after = await configurations(svc);
  expect(after.status).toBe(200);
  expect(after.body).toMatchObject({ primary_url: bam2, failover_monitoring_state: 'MONITORING', configurations: ['Production', 'Lab', 'Disaster Recovery'] });
  expect((await configurations(svc)).status).toBe(200); // and it stays restored

  const ended = await configurations(alice);
  expect(ended.status).toBe(401);
  expect(ended.body).toMatchObject({ code: 'SessionEndedByFailover', status: 401 });
  expect(ended.body.message).toMatch(/Address Manager failover/);
  expect((await configurations(alice)).status).toBe(401); // gone for good

  const pinnedAfter = await configurations(pinned);
  expect(pinnedAfter.status).toBe(401);
  expect(pinnedAfter.body.message).toMatch(/bam1 failed/);

  // Logging in again works against the new Primary.
  expect((await configurations(await login(base, 'alice', 'alice-pass'))).body.primary_url).toBe(bam2);

  // The old Primary returns, not reconfigured: it still claims Primary. Split brain is raised, and
  // the gateway keeps the promoted server: it never switches back to bam1.
  await call(base, 'POST', '/_local/bam/bam1/start');
  await eventually(async () => (await state()).split_brain === true, 8000, 'split brain raised');
  // Two more probe rounds while bam1 claims Primary.
  await stack.probe();
  await stack.probe();
  const fenced = await state();
  expect(fenced).toMatchObject({ monitoring_state: 'MONITORING', primary_url: bam2, epoch: afterPromote.epoch, split_brain: true });
  expect(await server('bam1')).toMatchObject({ health: 'UP', reported_role: 'Primary' });
  expect((await server('bam1')).role).not.toBe('PRIMARY');
  expect((await configurations(svc)).body).toMatchObject({ primary_url: bam2, failover_monitoring_state: 'MONITORING' });
  const alarms = await eventually(
    async () => {
      const found = (await events()).filter((e) => e['detail-type'] === 'SPLIT_BRAIN_DETECTED');
      return found.length > 0 && found;
    },
    8000,
    'SPLIT_BRAIN_DETECTED published',
  );
  expect(alarms).toHaveLength(1);
  expect(alarms[0]!.detail.servers.map((s: { name: string }) => s.name).sort()).toEqual(['bam1', 'bam2']);

  // The operator re-adds bam1 as the Standby of bam2: split brain ends, with no new epoch.
  const readd = await call(base, 'POST', '/_local/bam/bam1/readd');
  expect(readd.status).toBe(200);
  expect(readd.body.server.role).toBe('Standby');
  await eventually(
    async () => {
      const s = await state();
      return !s.split_brain && s.servers.find((x: Server) => x.name === 'bam1').role === 'STANDBY';
    },
    8000,
    'bam1 back as Standby',
  );
  expect(await state()).toMatchObject({ monitoring_state: 'MONITORING', primary_url: bam2, epoch: afterPromote.epoch });
  // With a Standby again, a Standalone server reports Primary.
  await eventually(async () => (await server('bam2')).reported_role === 'Primary', 8000, 'bam2 reports Primary');

  // Events are published just after the state change commits: wait for the last one.
  const all = await eventually(
    async () => {
      const list = await events();
      return list.some((e) => e['detail-type'] === 'NODE_ROLE_CHANGED' && e.detail.node.id === 'bam1' && e.detail.new === 'STANDBY') && list;
    },
    8000,
    'bam1 STANDBY event published',
  );
  const roleChanges = all.filter((e) => e['detail-type'] === 'NODE_ROLE_CHANGED').map((e) => `${e.detail.node.id}:${e.detail.previous}->${e.detail.new}`);
  expect(roleChanges).toEqual(['bam1:null->PRIMARY', 'bam2:null->STANDBY', ...(twoServers ? [] : ['bam3:null->STANDBY']), 'bam1:PRIMARY->UNKNOWN', 'bam2:STANDBY->PRIMARY', 'bam1:UNKNOWN->STANDBY']);
  const monitoring = all.filter((e) => e['detail-type'] === 'MONITORING_STATE_CHANGED').map((e) => e.detail.new);
  expect(monitoring).toEqual(['MONITORING', 'FAILOVER_IN_PROGRESS', 'MONITORING']);
  for (const e of all) expect(e).toMatchObject({ source: 'failover-gateway', id: expect.any(String), time: expect.any(String) });
}
