import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startLocalStack, type LocalStack } from '../../local/runtime.js';
import { call, eventually, login } from '../support/client.js';
import { openRestSession, type AirlockRestSession } from '../support/airlock.js';

/**
 * Host modes taking effect (docs/maintenance.md) over real HTTP: the Airlock API changes bam2's mode, and
 * logins, the monitor and the status endpoints follow it.
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
});
afterAll(async () => {
  await stack?.close();
});

const inSession = (method: string, path: string, body?: string) => airlock.call(method, path, body);

const setMode = (hostName: string, mode: string) => airlock.setMode(hostName, mode);

const pinnedLogin = (extra: Record<string, string>) => call(base, 'POST', '/rest_login', { json: { username: 'alice', password: 'alice-pass', ...extra } });
const monitorStatus = async () => (await call(base, 'GET', '/failover_monitoring/status', { token: svc })).body;
const server = (status: any, name: string) => status.servers.find((s: { name: string }) => s.name === name);
const airlockHost = async (name: string) => (await inSession('GET', '/system/status/back-end-groups/address-manager')).body.data.attributes.backendHosts.find((h: { name: string }) => h.name === name);

describe('host modes', () => {
  it('drain bam2: a login naming it (by alias or URL) is refused 409 HostDraining, naming the alias', async () => {
    expect((await setMode('bam2', 'NO_NEW_SESSIONS')).status).toBe(200);
    const bam2Url = stack.cluster!.server('bam2').url;
    for (const extra of [{ bam_alias: 'bam2' }, { bam_url: bam2Url }] as Record<string, string>[]) {
      const r = await pinnedLogin(extra);
      expect(r.status).toBe(409);
      expect(r.body).toMatchObject({ code: 'HostDraining', status: 409, message: expect.stringMatching(/bam2 is being drained.*primary-address-manager/) });
    }
    expect((await pinnedLogin({ bam_alias: 'primary-address-manager' })).status).toBe(200);
  });

  it('disable bam2: logins refused 409 HostInMaintenance; both status views show MAINTENANCE; stopping it raises no failover and no DOWN', async () => {
    expect((await setMode('bam2', 'DISABLED')).status).toBe(200);
    const r = await pinnedLogin({ bam_alias: 'bam2' });
    expect(r.status).toBe(409);
    expect(r.body).toMatchObject({ code: 'HostInMaintenance', message: expect.stringMatching(/bam2 is out of service for maintenance.*primary-address-manager/) });

    await eventually(async () => server(await monitorStatus(), 'bam2').health === 'MAINTENANCE', 8000, 'the monitor sees bam2 DISABLED');
    expect(server(await monitorStatus(), 'bam2')).toMatchObject({ mode: 'DISABLED', health: 'MAINTENANCE', role: 'STANDBY' });
    expect(await airlockHost('bam2')).toMatchObject({ mode: 'DISABLED', health: 'MAINTENANCE' });

    await call(base, 'POST', '/_local/bam/bam2/stop');
    // Probed on: its role becomes UNKNOWN once the failures span the hysteresis, yet it is never DOWN.
    await eventually(async () => server(await monitorStatus(), 'bam2').role === 'UNKNOWN', 10_000, 'bam2 seen stopped');
    const status = await monitorStatus();
    expect(status).toMatchObject({ monitoring_state: 'MONITORING', primary_url: server(status, 'bam1').url });
    expect(server(status, 'bam2')).toMatchObject({ health: 'MAINTENANCE', consecutive_failures: expect.any(Number) });
    expect(server(status, 'bam2').consecutive_failures).toBeGreaterThan(0);
    expect((await airlockHost('bam2')).health).toBe('MAINTENANCE');
  });

  it('enable bam2 again: it is back UP and logins naming it reach BAM again', async () => {
    await call(base, 'POST', '/_local/bam/bam2/start');
    expect((await setMode('bam2', 'ENABLED')).status).toBe(200);
    await eventually(async () => server(await monitorStatus(), 'bam2').health === 'UP', 8000, 'bam2 UP again');
    expect(server(await monitorStatus(), 'bam2')).toMatchObject({ mode: 'ENABLED', role: 'STANDBY' });
    // No longer refused by the gateway: BAM answers, and a Standby serves no API.
    const r = await pinnedLogin({ bam_alias: 'bam2' });
    expect(r.body.code).toBe('AddressManagerIsStandby');
  });

  it('taking the current Primary out with no healthy ENABLED Standby is refused by the validator (400) and changes nothing', async () => {
    expect((await setMode('bam2', 'NO_NEW_SESSIONS')).status).toBe(200);
    const r = await setMode('bam1', 'NO_NEW_SESSIONS');
    expect(r.status).toBe(400);
    expect(JSON.stringify(r.body.errors)).toMatch(/bam1 is the Primary: draining or disabling it needs a healthy ENABLED Standby to switch over to, and there is none/);
    expect((await airlockHost('bam1')).mode).toBe('ENABLED');
    expect((await pinnedLogin({ bam_alias: 'bam1' })).status).toBe(200);
    expect((await setMode('bam2', 'ENABLED')).status).toBe(200);
  });
});
