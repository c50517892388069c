import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SimCluster } from '../../local/bam-sim/cluster.js';
import { get, send } from './bam-http.js';

/**
 * Sources: BlueCat "Address Manager RESTful v2 API Guide": sessions (POST /sessions, Basic
 * credentials), "Filtering" (field:op('value'), short form field:'value'), PATCH as JSON merge
 * patch (application/merge-patch+json), collections /views, /zones, /resourceRecords, zones
 * nested under the view (a zone's subzones at /zones/{id}/zones); /settings (SystemSettings with
 * version); root search GET /api/v2?filter=...; Zone `deployable` a boolean.
 */
let cluster: SimCluster;
let base: string;
const auth = async (user = 'alice') => {
  const s = (await send('POST', `${base}/api/v2/sessions`, { username: user, password: `${user}-pass` })).json();
  return { headers: { authorization: `Basic ${s.basicAuthenticationCredentials}` }, id: s.id as number };
};
const list = async (path: string, headers: Record<string, string>) => (await get(`${base}/api/v2${path}`, headers)).json().data as any[];

beforeAll(async () => {
  cluster = await new SimCluster().start();
  base = cluster.server('bam1').url;
});
afterAll(async () => cluster.close());

describe('nested zones', () => {
  it('a view lists only its top-level zones; a zone lists its subzones; /zones filters by absoluteName', async () => {
    const { headers } = await auth();
    const [view] = await list(`/views?filter=${encodeURIComponent("name:eq('default')")}`, headers);
    expect((await list(`/views/${view.id}/zones`, headers)).map((z) => z.absoluteName)).toEqual(['com']);
    const found = await list(`/zones?filter=${encodeURIComponent("absoluteName:eq('example.com')")}`, headers);
    expect(found).toHaveLength(3); // one per configuration's view
    const com = (await list(`/views/${view.id}/zones`, headers))[0];
    expect((await list(`/zones/${com.id}/zones`, headers)).map((z) => z.absoluteName)).toEqual(['example.com']);
  });

  it('creating a.b.example.com under example.com creates the missing subzone b.example.com', async () => {
    const { headers } = await auth();
    const zone = (await list(`/zones?filter=${encodeURIComponent("absoluteName:eq('example.com')")}`, headers))[0];
    const r = await send('POST', `${base}/api/v2/zones/${zone.id}/resourceRecords`, { type: 'HostRecord', name: 'a.b', ttl: 60, addresses: [{ address: '10.2.2.2' }] }, headers);
    expect(r.status).toBe(201);
    expect(r.json()).toMatchObject({ type: 'HostRecord', name: 'a', absoluteName: 'a.b.example.com' });
    expect((await list(`/zones/${zone.id}/zones`, headers)).map((z) => z.absoluteName)).toEqual(['b.example.com']);
    expect(await list(`/resourceRecords?filter=${encodeURIComponent("absoluteName:eq('a.b.example.com')")}`, headers)).toHaveLength(1);
  });

  it('a user lacking access rights gets a 500 whose message says so (modelled)', async () => {
    const { headers } = await auth('bob');
    const zone = (await list(`/zones?filter=${encodeURIComponent("absoluteName:eq('example.com')")}`, headers))[0];
    const r = await send('POST', `${base}/api/v2/zones/${zone.id}/resourceRecords`, { type: 'HostRecord', name: 'bob', addresses: [{ address: '10.2.2.3' }] }, headers);
    expect(r.status).toBe(500);
    expect(r.json().message).toMatch(/does not have sufficient access rights/);
  });
});

describe('filters', () => {
  it("the short form name:'Production' works", async () => {
    const { headers } = await auth();
    expect((await list(`/configurations?filter=${encodeURIComponent("name:'Production'")}`, headers)).map((c) => c.name)).toEqual(['Production']);
  });

  it('an unsupported filter is a 400, not ignored: an unknown field is InvalidFilterField (documented), bad syntax InvalidFilter', async () => {
    const { headers } = await auth();
    for (const [f, code] of [
      ["name:like('P%')", 'InvalidFilter'],
      ["colour:eq('red')", 'InvalidFilterField'],
      ['name=Production', 'InvalidFilter'],
    ]) {
      const r = await get(`${base}/api/v2/configurations?filter=${encodeURIComponent(f!)}`, headers);
      expect(r.status).toBe(400);
      expect(r.json()).toMatchObject({ status: 400, reason: 'Bad Request', code });
    }
  });
});

describe('merge-patch', () => {
  it('PATCH with application/json is a 415; with application/merge-patch+json it logs out', async () => {
    const { headers, id } = await auth();
    const wrong = await send('PATCH', `${base}/api/v2/sessions/${id}`, { state: 'LOGGED_OUT' }, headers);
    expect(wrong.status).toBe(415);
    expect((await get(`${base}/api/v2/sessions/current`, headers)).status).toBe(200); // still logged in
    const right = await send('PATCH', `${base}/api/v2/sessions/${id}`, { state: 'LOGGED_OUT' }, { ...headers, 'content-type': 'application/merge-patch+json' });
    expect(right.status).toBe(200);
    expect((await get(`${base}/api/v2/sessions/current`, headers)).status).toBe(401);
  });
});

describe('sessions (RESTful v2 API Guide, "Creating a session"; migration table: logout is PATCH /sessions/current)', () => {
  it('POST /sessions answers the token expiry a community client reads; PATCH /sessions/current logs out', async () => {
    const s = (await send('POST', `${base}/api/v2/sessions`, { username: 'alice', password: 'alice-pass' })).json();
    expect(s).toMatchObject({ type: 'UserSession', state: 'LOGGED_IN', readOnly: false, apiTokenExpirationDateTime: expect.stringMatching(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/) });
    expect(Date.parse(s.apiTokenExpirationDateTime)).toBeGreaterThan(Date.now());
    const headers = { authorization: `Basic ${s.basicAuthenticationCredentials}`, 'content-type': 'application/merge-patch+json' };
    expect((await send('PATCH', `${base}/api/v2/sessions/current`, { state: 'LOGGED_OUT' }, headers)).status).toBe(200);
    expect((await get(`${base}/api/v2/sessions/current`, headers)).status).toBe(401);
  });
});

describe('a Standby', () => {
  it('serves no RESTful v2 API (modelled: 503)', async () => {
    const r = await send('POST', `${cluster.server('bam2').url}/api/v2/sessions`, { username: 'alice', password: 'alice-pass' });
    expect(r.status).toBe(503);
  });
});

describe('settings, root search, zone fields (RESTful v2 API Guide)', () => {
  it("GET /settings?filter=type:'SystemSettings' carries the version (BlueCat's v2 client reads it for bam_version)", async () => {
    const { headers } = await auth();
    const [settings] = await list(`/settings?filter=${encodeURIComponent("type:'SystemSettings'")}`, headers);
    expect(settings).toMatchObject({ type: 'SystemSettings', version: '9.6.0' });
  });

  it('GET /api/v2?filter=... searches every resource type (9.5+)', async () => {
    const { headers } = await auth();
    const r = await get(`${base}/api/v2?filter=${encodeURIComponent("absoluteName:eq('example.com')")}`, headers);
    expect(r.status).toBe(200);
    expect(r.json().data.map((z: { type: string }) => z.type)).toEqual(['Zone', 'Zone', 'Zone']);
    expect((await get(`${base}/api/v2?filter=${encodeURIComponent("bogus:eq('x')")}`, headers)).status).toBe(400);
  });

  it("a zone's deployable is a JSON boolean", async () => {
    const { headers } = await auth();
    const [zone] = await list(`/zones?filter=${encodeURIComponent("absoluteName:eq('example.com')")}`, headers);
    expect(zone.deployable).toBe(true);
  });
});
