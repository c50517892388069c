import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SimCluster } from '../../local/bam-sim/cluster.js';
import { get, v1Token } from './bam-http.js';

/**
 * Sources: BlueCat "Address Manager Legacy v1 API Guide" (9.5): "GET /v1/loginWithOptions"
 * (options isReadOnly=true), "Read-only Legacy v1 API sessions" (Secondary/Tertiary only, read
 * methods only), "System Information" (getSystemInfo k=v| string with replicationRole),
 * getParent, searchByObjectTypes, getZonesByHint, getHostRecordsByHint, addHostRecord; property values escape `|` as `\|`.
 */
let cluster: SimCluster;
/** A v1 call over the HTTP method the WADL declares for it (POST for the add methods). */
const v1 = (server: string, method: string, params: Record<string, string> = {}, auth?: string) =>
  get(`${cluster.server(server).url}/Services/REST/v1/${method}?${new URLSearchParams(params)}`, auth ? { authorization: auth } : {}, method.startsWith('add') ? 'POST' : 'GET');
const login = async (server: string, user = 'alice') => v1Token((await v1(server, 'login', { username: user, password: `${user}-pass` })).json());
const readOnlyLogin = (server: string) => v1(server, 'loginWithOptions', { username: 'alice', password: 'alice-pass', options: 'isReadOnly=true' });

beforeAll(async () => {
  cluster = await new SimCluster().start();
});
afterAll(async () => cluster.close());

describe('read-only sessions on a Standby', () => {
  it('a Standby answers a read-only login, and getSystemInfo over it reports Standby', async () => {
    const r = await readOnlyLogin('bam2');
    expect(r.status).toBe(200);
    const info = await v1('bam2', 'getSystemInfo', {}, v1Token(r.json()));
    expect(info.json()).toMatch(/\|replicationRole=Standby\|/);
  });

  it('a write over a read-only session is refused', async () => {
    const token = v1Token((await readOnlyLogin('bam2')).json());
    const r = await v1('bam2', 'addHostRecord', { viewId: '1', absoluteName: 'ro.example.com', addresses: '10.0.0.1', ttl: '60' }, token);
    expect(r.status).toBe(400);
    expect(r.json()).toMatch(/read-only API session/);
  });

  it('a plain login on a Standby is refused (modelled: 503)', async () => {
    const r = await v1('bam2', 'login', { username: 'alice', password: 'alice-pass' });
    expect(r.status).toBe(503);
  });

  it('the Primary refuses a read-only login (documented: read-only logins only on a Secondary or Tertiary) and accepts a plain one', async () => {
    expect((await readOnlyLogin('bam1')).status).toBe(400);
    const info = await v1('bam1', 'getSystemInfo', {}, await login('bam1'));
    expect(info.json()).toMatch(/^hostName=bam1\|version=[\d.]+\|address=127\.0\.0\.1\|replicationRole=Primary\|replicationStatus=\w+\|$/);
  });
});

describe('entities', () => {
  it('addHostRecord keeps its properties, and `|` in a value is escaped both ways', async () => {
    const token = await login('bam1');
    const conf = (await v1('bam1', 'getEntityByName', { parentId: '0', name: 'Lab', type: 'Configuration' }, token)).json();
    const view = (await v1('bam1', 'getEntityByName', { parentId: String(conf.id), name: 'default', type: 'View' }, token)).json();
    const id = (
      await v1('bam1', 'addHostRecord', { viewId: String(view.id), absoluteName: 'pipe.example.com', addresses: '10.1.1.1', ttl: '60', properties: 'comments=a\\|b|owner=ops|' }, token)
    ).json();
    const host = (await v1('bam1', 'getEntityById', { id: String(id) }, token)).json();
    expect(host.properties).toContain('comments=a\\|b|');
    expect(host.properties).toContain('owner=ops|');
  });

  it('getZonesByHint finds zones under a container by hint; getHostRecordsByHint finds host records (Legacy v1 API Guide)', async () => {
    const token = await login('bam1');
    const conf = (await v1('bam1', 'getEntityByName', { parentId: '0', name: 'Production', type: 'Configuration' }, token)).json();
    const view = (await v1('bam1', 'getEntityByName', { parentId: String(conf.id), name: 'default', type: 'View' }, token)).json();
    const zones = (await v1('bam1', 'getZonesByHint', { containerId: String(view.id), start: '0', count: '10', options: 'hint=example' }, token)).json();
    expect(zones.map((z: { name: string }) => z.name)).toEqual(['example']);
    expect((await v1('bam1', 'getZonesByHint', { containerId: String(view.id), start: '0', count: '10', options: 'hint=^example$' }, token)).json()).toEqual([]);
    await v1('bam1', 'addHostRecord', { viewId: String(view.id), absoluteName: 'hinted.example.com', addresses: '10.1.1.2', ttl: '60', properties: '' }, token);
    const hosts = (await v1('bam1', 'getHostRecordsByHint', { start: '0', count: '10', options: 'hint=^hinted' }, token)).json();
    expect(hosts).toHaveLength(1);
    expect(hosts[0]).toMatchObject({ name: 'hinted', type: 'HostRecord' });
  });

  it('getParent walks up nested zones; searchByObjectTypes finds by keyword', async () => {
    const token = await login('bam1');
    const zones = (await v1('bam1', 'searchByObjectTypes', { keyword: 'example', types: 'Zone', start: '0', count: '10' }, token)).json();
    expect(zones.map((z: { properties: string }) => z.properties)).toContain('absoluteName=example.com|deployable=true|');
    const parent = (await v1('bam1', 'getParent', { entityId: String(zones[0].id) }, token)).json();
    expect(parent).toMatchObject({ name: 'com', type: 'Zone' });
  });

  it('a user lacking access rights gets a 500 whose message says so (modelled)', async () => {
    const token = await login('bam1', 'bob');
    const conf = (await v1('bam1', 'getEntityByName', { parentId: '0', name: 'Lab', type: 'Configuration' }, token)).json();
    const view = (await v1('bam1', 'getEntityByName', { parentId: String(conf.id), name: 'default', type: 'View' }, token)).json();
    const r = await v1('bam1', 'addHostRecord', { viewId: String(view.id), absoluteName: 'bob.example.com', addresses: '10.1.1.2', ttl: '60' }, token);
    expect(r.status).toBe(500);
    expect(r.json()).toMatch(/does not have sufficient access rights/);
  });
});
