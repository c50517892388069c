import { describe, expect, it } from 'vitest';
import { maintenanceFixture } from '../support/maintenance-api-fixture.js';

/**
 * Host modes and activation through the maintenance API on in-memory ports (milliseconds): what
 * test/integration/airlock-rest.test.ts checks over HTTP, DynamoDB and the local bus, rule by rule.
 */
const hostStatus = async (f: ReturnType<typeof maintenanceFixture>, cookie: string, name: string) => {
  const r = await f.send('GET', '/system/status/back-end-groups/address-manager', { cookies: [cookie] });
  return r.json.data.attributes.backendHosts.find((h: { name: string }) => h.name === name);
};

describe('host modes, each activated', () => {
  it('drain, disable, enable: the working copy changes first, the active configuration on activate, with an event per change', async () => {
    const f = maintenanceFixture();
    const s = await f.restSession(f.gatewaySession('admin'));
    expect((await s.loadActive()).statusCode).toBe(204);
    const drained = await s.hostMode('bam2', 'NO_NEW_SESSIONS');
    expect(drained.statusCode).toBe(200);
    expect(drained.json.data.attributes.backendHosts.find((h: { name: string }) => h.name === 'bam2')).toMatchObject({ mode: 'NO_NEW_SESSIONS' });
    expect((await hostStatus(f, s.cookie, 'bam2')).mode).toBe('ENABLED'); // not active before activate
    expect((await s.activate('drain bam2')).statusCode).toBe(200);
    expect(await hostStatus(f, s.cookie, 'bam2')).toMatchObject({ mode: 'NO_NEW_SESSIONS', health: 'UP', role: 'STANDBY', SessionCount: { Count: 0 } });

    await s.hostMode('bam2', 'DISABLED');
    await s.activate('maintain bam2');
    expect(await hostStatus(f, s.cookie, 'bam2')).toMatchObject({ mode: 'DISABLED', health: 'MAINTENANCE' });
    await s.hostMode('bam2', 'ENABLED');
    await s.activate('bam2 back');

    const active = await f.configurations.get();
    expect(active).toMatchObject({ version: 3, modes: { bam2: 'ENABLED' } });
    expect(active.history.map((a) => [a.comment, a.by, a.hosts])).toEqual([
      ['drain bam2', 'admin', ['bam2']],
      ['maintain bam2', 'admin', ['bam2']],
      ['bam2 back', 'admin', ['bam2']],
    ]);
    const modeEvents = f.published.filter((e) => e.detailType === 'BACKEND_HOST_MODE_CHANGED').map((e) => e.detail as { previous: string; new: string; by: string });
    expect(modeEvents.map((e) => [e.previous, e.new])).toEqual([
      ['ENABLED', 'NO_NEW_SESSIONS'],
      ['NO_NEW_SESSIONS', 'DISABLED'],
      ['DISABLED', 'ENABLED'],
    ]);
    expect(f.published.filter((e) => e.detailType === 'CONFIGURATION_ACTIVATED')).toHaveLength(3);
    expect(await f.configurations.outbox.pending()).toEqual([]);
  });

  it('an activation that changes nothing makes no new version and no event', async () => {
    const f = maintenanceFixture();
    const s = await f.restSession(f.gatewaySession('admin'));
    await s.loadActive();
    const same = await s.activate('nothing');
    expect(same.statusCode).toBe(200);
    expect(same.json.meta.message).toMatch(/Nothing changed/);
    expect((await f.configurations.get()).version).toBe(0);
    expect(f.published).toEqual([]);
  });

  it('a session counts the gateway sessions a host still serves', async () => {
    const f = maintenanceFixture();
    const s = await f.restSession(f.gatewaySession('admin'));
    // The admin's own gateway session is an alias session bound to the Primary bam1.
    expect((await hostStatus(f, s.cookie, 'bam1')).SessionCount).toEqual({ Count: 1 });
    expect((await hostStatus(f, s.cookie, 'bam2')).SessionCount).toEqual({ Count: 0 });
  });
});

describe('concurrent REST sessions', () => {
  it('an outdated activation is a 409 OUTDATED_CONFIGURATION; autoMerge merges changes to other hosts, never to the same one', async () => {
    const f = maintenanceFixture();
    const admin = f.gatewaySession('admin');
    const [a, b] = [await f.restSession(admin), await f.restSession(admin)];
    for (const s of [a, b]) await s.loadActive();
    await a.hostMode('bam2', 'NO_NEW_SESSIONS');
    expect((await a.activate('a drains bam2')).statusCode).toBe(200);

    await b.hostMode('bam2', 'DISABLED');
    const outdated = await b.activate('b disables bam2');
    expect(outdated.statusCode).toBe(409);
    expect(outdated.json.errors[0]).toMatchObject({ status: '409', code: 'OUTDATED_CONFIGURATION' });
    expect((await b.activate('b again', { autoMerge: true })).statusCode).toBe(409);
    expect((await f.configurations.get()).modes).toEqual({ bam2: 'NO_NEW_SESSIONS' });

    const c = await f.restSession(admin);
    await c.loadActive();
    await a.loadActive();
    await a.hostMode('bam2', 'ENABLED');
    await a.activate('a enables bam2');
    await c.hostMode('bam1', 'ENABLED'); // a change to another host (no mode change: merged, nothing activated)
    await c.hostMode('bam2', 'DISABLED');
    expect((await c.activate('c', { autoMerge: true })).statusCode).toBe(409);
    expect((await c.activate('c overwrites', { ignoreOutdatedConfiguration: true })).statusCode).toBe(200);
    expect((await f.configurations.get()).modes).toMatchObject({ bam2: 'DISABLED' });
  });

  it('autoMerge is still validated: taking the Primary out with no ENABLED Standby is refused and changes nothing', async () => {
    const f = maintenanceFixture();
    const admin = f.gatewaySession('admin');
    const [a, b] = [await f.restSession(admin), await f.restSession(admin)];
    for (const s of [a, b]) await s.loadActive();
    await a.hostMode('bam2', 'NO_NEW_SESSIONS');
    await a.activate('a drains bam2');
    await b.hostMode('bam1', 'NO_NEW_SESSIONS');
    const refused = await b.activate('b drains bam1', { autoMerge: true });
    expect(refused.statusCode).toBe(400);
    expect(refused.json.errors.map((e: { code: string }) => e.code)).toEqual(['VALIDATION_FAILED', 'VALIDATION_FAILED']);
    expect(refused.json.errors.map((e: { detail: string }) => e.detail).join(' ')).toMatch(/at least one must stay ENABLED.*bam1 is the Primary/);
    expect(await f.configurations.get()).toMatchObject({ version: 1, modes: { bam2: 'NO_NEW_SESSIONS' } });
    // b's copy alone has a Standby to switch over to: a warning, no error.
    const all = await b.call('GET', '/configuration/validator-messages');
    expect(all.json.data.map((m: { attributes: { detail: string } }) => m.attributes.detail)).toEqual([expect.stringMatching(/activating starts a planned switchover to bam2/)]);
  });
});
