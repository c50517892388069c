import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SimCluster } from '../../local/bam-sim/cluster.js';
import { V1_METHODS } from '../../local/bam-sim/v1-methods.js';
import { get, send, v1Token } from './bam-http.js';

/**
 * What external-dns's BlueCat provider needs, through BlueCat's community `rest_api` workflow:
 * alias (CNAME) and TXT records, delete, DNS servers and a deployment, in v1 and v2.
 * Sources: Legacy v1 API Guide (addAliasRecord, addTXTRecord, getAliasesByHint, delete,
 * deployServer, deployServerConfig, getServerDeploymentStatus and its status values);
 * RESTful v2 API Guide and its migration table (POST /zones/{id}/resourceRecords for alias and TXT
 * records, getAliasesByHint → resourceRecords?filter=type:'AliasRecord', DELETE /{collection}/{id}
 * → 204, deployServer/deployServerConfig → POST /servers/{id}/deployments); rest_api's full deploy
 * sends deployServerConfig(serverId, services=DNS|forceDNSFullDeployment=true|).
 */
let cluster: SimCluster;
let base: string;
let token: string;
let v2: Record<string, string>;
let conf: { id: number };
let view: { id: number };
let zone: { id: number };

/** A v1 call over the HTTP method the WADL declares for it. */
const v1 = (method: keyof typeof V1_METHODS, params: Record<string, string | number> = {}, auth = token) =>
  get(`${base}/Services/REST/v1/${method}?${new URLSearchParams(Object.entries(params).map(([k, v]): [string, string] => [k, String(v)]))}`, { authorization: auth }, V1_METHODS[method].http);
/** `k=v|` properties (no escaped `|` in these tests); the first `=` splits a pair. */
const props = (text: string) =>
  Object.fromEntries(
    text
      .split('|')
      .filter(Boolean)
      .map((p) => [p.slice(0, p.indexOf('=')), p.slice(p.indexOf('=') + 1)]),
  );
const v2get = async (path: string) => get(`${base}/api/v2${path}`, v2);
const v2list = async (path: string, filter: string) => (await v2get(`${path}?filter=${encodeURIComponent(filter)}`)).json().data as any[];

beforeAll(async () => {
  cluster = await new SimCluster().start();
  base = cluster.server('bam1').url;
  token = v1Token((await get(`${base}/Services/REST/v1/login?username=alice&password=alice-pass`)).json());
  const s = (await send('POST', `${base}/api/v2/sessions`, { username: 'alice', password: 'alice-pass' })).json();
  v2 = { authorization: `Basic ${s.basicAuthenticationCredentials}` };
  conf = (await v1('getEntityByName', { parentId: 0, name: 'Production', type: 'Configuration' })).json();
  view = (await v1('getEntityByName', { parentId: conf.id, name: 'default', type: 'View' })).json();
  zone = (await v1('getZonesByHint', { containerId: view.id, start: 0, count: 10, options: 'hint=^example.com$' })).json()[0];
});
afterAll(async () => cluster.close());

describe('v1 alias (CNAME) and TXT records', () => {
  it('addAliasRecord: listed under its zone, found by name and by hint, properties absoluteName, linkedRecordName, ttl', async () => {
    const id = (await v1('addAliasRecord', { viewId: view.id, absoluteName: 'www.example.com', linkedRecordName: 'lb.elsewhere.net', ttl: 300, properties: '' })).json();
    const expected = { id, name: 'www', type: 'AliasRecord' };
    expect((await v1('getEntities', { parentId: zone.id, type: 'AliasRecord', start: 0, count: 10 })).json()).toEqual([expect.objectContaining(expected)]);
    const byName = (await v1('getEntityByName', { parentId: zone.id, name: 'www', type: 'AliasRecord' })).json();
    expect(byName).toMatchObject(expected);
    expect(props(byName.properties)).toEqual({ absoluteName: 'www.example.com', linkedRecordName: 'lb.elsewhere.net', ttl: '300' });
    expect((await v1('getAliasesByHint', { start: 0, count: 10, options: 'hint=^www.example' })).json()).toEqual([expect.objectContaining(expected)]);
  });

  it('addTXTRecord: listed under its zone, found by name and by searchByObjectTypes; no ttl property when none is set', async () => {
    const id = (await v1('addTXTRecord', { viewId: view.id, absoluteName: 'owner.example.com', txt: '"heritage=external-dns,external-dns/owner=default"', ttl: -1 })).json();
    const listed = (await v1('getEntities', { parentId: zone.id, type: 'TXTRecord', start: 0, count: 10 })).json();
    expect(listed).toEqual([expect.objectContaining({ id, name: 'owner', type: 'TXTRecord' })]);
    expect(props(listed[0].properties)).toEqual({ absoluteName: 'owner.example.com', txt: '"heritage=external-dns,external-dns/owner=default"' });
    expect((await v1('getEntityByName', { parentId: zone.id, name: 'owner', type: 'TXTRecord' })).json().id).toBe(id);
    expect((await v1('searchByObjectTypes', { keyword: 'owner', types: 'TXTRecord', start: 0, count: 10 })).json().map((e: any) => e.id)).toEqual([id]);
  });

  it('names are DNS rules: a CNAME stands alone (409), TXT records are unique by name and text (409), a host beside a TXT is fine', async () => {
    expect((await v1('addHostRecord', { viewId: view.id, absoluteName: 'www.example.com', addresses: '10.3.3.3', ttl: 60 })).status).toBe(409);
    expect((await v1('addTXTRecord', { viewId: view.id, absoluteName: 'www.example.com', txt: 'x' })).status).toBe(409);
    expect((await v1('addTXTRecord', { viewId: view.id, absoluteName: 'owner.example.com', txt: '"heritage=external-dns,external-dns/owner=default"' })).status).toBe(409);
    expect((await v1('addTXTRecord', { viewId: view.id, absoluteName: 'owner.example.com', txt: 'another' })).status).toBe(200);
    expect((await v1('addHostRecord', { viewId: view.id, absoluteName: 'owner.example.com', addresses: '10.3.3.4', ttl: 60 })).status).toBe(200);
  });

  it('bad input: malformed names 400, an unknown view 404, no text 400; nothing half-made (no subzone left behind)', async () => {
    const bad = [
      v1('addAliasRecord', { viewId: view.id, absoluteName: 'a.newsub.example.com', linkedRecordName: 'bad name!' }),
      v1('addAliasRecord', { viewId: view.id, absoluteName: 'bad..example.com', linkedRecordName: 'ok.example.com' }),
      v1('addTXTRecord', { viewId: view.id, absoluteName: 'b.newsub.example.com', txt: '' }),
      v1('addHostRecord', { viewId: view.id, absoluteName: 'c.newsub.example.com', addresses: '10.0.0.300', ttl: 1 }),
    ];
    expect((await Promise.all(bad)).map((r) => r.status)).toEqual([400, 400, 400, 400]);
    expect((await v1('getEntityByName', { parentId: zone.id, name: 'newsub', type: 'Zone' })).json().id).toBe(0);
    expect((await v1('addTXTRecord', { viewId: 999999, absoluteName: 'x.example.com', txt: 'x' })).status).toBe(404);
  });
});

describe('v1 delete', () => {
  it('delete(objectId) answers an empty 200 and the entity is gone (getEntityById answers id 0); unknown id 404', async () => {
    const id = (await v1('addTXTRecord', { viewId: view.id, absoluteName: 'gone.example.com', txt: 'bye' })).json();
    const r = await v1('delete', { objectId: id });
    expect([r.status, r.text]).toEqual([200, '']);
    expect((await v1('getEntityById', { id })).json()).toEqual({ id: 0, name: null, type: null, properties: null });
    expect((await v1('delete', { objectId: id })).status).toBe(404);
  });

  it('deleteWithOptions(objectId, options) deletes as delete does (options accepted)', async () => {
    const id = (await v1('addTXTRecord', { viewId: view.id, absoluteName: 'gone2.example.com', txt: 'bye' })).json();
    expect((await v1('deleteWithOptions', { objectId: id, options: 'noServerUpdate=true|' })).status).toBe(200);
    expect((await v1('getEntityById', { id })).json().id).toBe(0);
  });

  it('deleting a zone takes its subzones and records along', async () => {
    const host = (await v1('addHostRecord', { viewId: view.id, absoluteName: 'h.doomed.example.com', addresses: '10.4.4.4', ttl: 60 })).json();
    const doomed = (await v1('getEntityByName', { parentId: zone.id, name: 'doomed', type: 'Zone' })).json();
    expect((await v1('delete', { objectId: doomed.id })).status).toBe(200);
    expect((await v1('getEntityById', { id: host })).json().id).toBe(0);
  });

  it('a user without write rights gets a 500; a read-only session on the Standby a 400', async () => {
    const bob = v1Token((await get(`${base}/Services/REST/v1/login?username=bob&password=bob-pass`)).json());
    expect((await v1('delete', { objectId: zone.id }, bob)).status).toBe(500);
    const standby = cluster.server('bam2').url;
    const ro = v1Token((await get(`${standby}/Services/REST/v1/loginWithOptions?username=alice&password=alice-pass&options=isReadOnly%3Dtrue`)).json());
    expect((await get(`${standby}/Services/REST/v1/delete?objectId=${zone.id}`, { authorization: ro }, 'DELETE')).json()).toMatch(/read-only API session/);
  });
});

describe('v1 DNS servers and deployment', () => {
  it('a configuration holds a named Server entity', async () => {
    const [server] = (await v1('getEntities', { parentId: conf.id, type: 'Server', start: 0, count: 10 })).json();
    expect(server).toMatchObject({ name: 'bdds1', type: 'Server' });
    expect(props(server.properties)).toMatchObject({ fullHostName: 'bdds1.example.com', profile: 'DNS_DHCP_SERVER_60' });
    expect((await v1('getEntityByName', { parentId: conf.id, name: 'bdds1', type: 'Server' })).json().id).toBe(server.id);
  });

  it('deployServer / deployServerConfig answer an empty 200; getServerDeploymentStatus then says DONE (7), before NO_RECENT_DEPLOYMENT (8)', async () => {
    const server = (await v1('getEntityByName', { parentId: conf.id, name: 'bdds1', type: 'Server' })).json();
    expect((await v1('getServerDeploymentStatus', { serverId: server.id, properties: '' })).json()).toBe(8);
    const full = await v1('deployServerConfig', { serverId: server.id, properties: 'services=DNS|forceDNSFullDeployment=true|' });
    expect([full.status, full.text]).toEqual([200, '']);
    expect((await v1('getServerDeploymentStatus', { serverId: server.id, properties: '' })).json()).toBe(7);
    expect((await v1('deployServer', { serverId: server.id })).status).toBe(200);
    expect(cluster.data.deployments.filter((d) => d.serverId === server.id).map((d) => [d.service, d.type])).toEqual([
      ['DNS', 'FullDeployment'],
      ['DNS', 'FullDeployment'],
    ]);
  });

  it('refusals: not a server 404, no services named 400, a user without write rights 500', async () => {
    expect((await v1('deployServer', { serverId: zone.id })).status).toBe(404);
    expect((await v1('deployServerConfig', { serverId: 999999, properties: 'services=DNS|' })).status).toBe(404);
    const server = (await v1('getEntityByName', { parentId: conf.id, name: 'bdds1', type: 'Server' })).json();
    expect((await v1('deployServerConfig', { serverId: server.id, properties: 'forceDNSFullDeployment=true|' })).status).toBe(400);
    const bob = v1Token((await get(`${base}/Services/REST/v1/login?username=bob&password=bob-pass`)).json());
    expect((await v1('deployServer', { serverId: server.id }, bob)).status).toBe(500);
  });
});

describe('v2 alias and TXT records, delete, servers and deployments', () => {
  const post = (path: string, body: unknown, headers = v2) => send('POST', `${base}/api/v2${path}`, body, headers);

  it('POST /zones/{id}/resourceRecords creates an AliasRecord (linkedRecord.absoluteName) and a TXTRecord (text); type filters list them', async () => {
    const alias = await post(`/zones/${zone.id}/resourceRecords`, { type: 'AliasRecord', name: 'v2www', ttl: 120, linkedRecord: { absoluteName: 'target.example.org' } });
    expect(alias.status).toBe(201);
    expect(alias.json()).toMatchObject({ type: 'AliasRecord', name: 'v2www', absoluteName: 'v2www.example.com', ttl: 120, linkedRecord: { absoluteName: 'target.example.org' } });
    const txt = await post(`/zones/${zone.id}/resourceRecords`, { type: 'TXTRecord', name: 'v2www-txt', text: 'heritage=external-dns' });
    expect(txt.json()).toMatchObject({ type: 'TXTRecord', absoluteName: 'v2www-txt.example.com', text: 'heritage=external-dns', ttl: null, zone: { id: zone.id } });
    expect((await v2list(`/zones/${zone.id}/resourceRecords`, "type:'AliasRecord'")).map((r) => r.absoluteName)).toEqual(['www.example.com', 'v2www.example.com']);
    expect((await v2list('/resourceRecords', "absoluteName:'v2www-txt.example.com' and type:'TXTRecord'")).map((r) => r.id)).toEqual([txt.json().id]);
    // The same records through v1: one tree, whatever the API.
    expect((await v1('getEntityById', { id: alias.json().id })).json()).toMatchObject({ type: 'AliasRecord', name: 'v2www' });
  });

  it('bad bodies are 400 InvalidFieldValue; a name clash 409; a user without write rights 500', async () => {
    for (const body of [
      { type: 'AliasRecord', name: 'x' },
      { type: 'TXTRecord', name: 'x' },
      { type: 'MXRecord', name: 'x' },
      { type: 'TXTRecord', text: 'no name' },
    ]) {
      expect((await post(`/zones/${zone.id}/resourceRecords`, body)).json()).toMatchObject({ status: 400, code: 'InvalidFieldValue' });
    }
    expect((await post(`/zones/${zone.id}/resourceRecords`, { type: 'TXTRecord', name: 'www', text: 'x' })).status).toBe(409);
    const s = (await send('POST', `${base}/api/v2/sessions`, { username: 'bob', password: 'bob-pass' })).json();
    const bob = { authorization: `Basic ${s.basicAuthenticationCredentials}` };
    expect((await post(`/zones/${zone.id}/resourceRecords`, { type: 'TXTRecord', name: 'bob', text: 'x' }, bob)).status).toBe(500);
  });

  it('DELETE /resourceRecords/{id}: 204 with no body, then 404 ObjectNotFound', async () => {
    const { id } = (await post(`/zones/${zone.id}/resourceRecords`, { type: 'TXTRecord', name: 'v2gone', text: 'bye' })).json();
    const r = await get(`${base}/api/v2/resourceRecords/${id}`, v2, 'DELETE');
    expect([r.status, r.text]).toEqual([204, '']);
    expect((await v2get(`/resourceRecords/${id}`)).json()).toMatchObject({ status: 404, code: 'ObjectNotFound' });
    expect((await get(`${base}/api/v2/resourceRecords/${id}`, v2, 'DELETE')).status).toBe(404);
  });

  it("servers: /configurations/{id}/servers?filter=name:'bdds1'; POST /servers/{id}/deployments 201, readable at /deployments/{id}", async () => {
    const [server] = await v2list(`/configurations/${conf.id}/servers`, "name:'bdds1'");
    expect(server).toMatchObject({ type: 'Server', name: 'bdds1', configuration: { name: 'Production' } });
    const d = await post(`/servers/${server.id}/deployments`, { type: 'FullDeployment', service: 'DNS' });
    expect(d.status).toBe(201);
    expect(d.json()).toMatchObject({ type: 'FullDeployment', service: 'DNS', state: 'COMPLETED', server: { id: server.id } });
    expect((await v2get(`/deployments/${d.json().id}`)).json()).toEqual(d.json());
    expect((await v2get(`/servers/${server.id}/deployments`)).json().data.map((x: any) => x.id)).toContain(d.json().id);
    for (const bad of [{ type: 'QuickDeployment', service: 'DNS' }, { type: 'FullDeployment' }]) expect((await post(`/servers/${server.id}/deployments`, bad)).status).toBe(400);
    expect((await post(`/servers/${zone.id}/deployments`, { type: 'FullDeployment', service: 'DNS' })).status).toBe(404);
    expect((await v2get('/deployments/999999')).json()).toMatchObject({ status: 404, code: 'ObjectNotFound' });
  });

  it('a method a collection does not take is a 405 in the v2 error shape', async () => {
    expect((await send('PUT', `${base}/api/v2/configurations/${conf.id}`, {}, v2)).json()).toMatchObject({ status: 405, code: 'MethodNotAllowed' });
    expect((await send('POST', `${base}/api/v2/configurations`, { name: 'x' }, v2)).status).toBe(405);
    expect((await get(`${base}/api/v2/configurations/${conf.id}/views`, v2, 'DELETE')).status).toBe(405);
  });
});
