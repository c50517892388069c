import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SimCluster } from '../../local/bam-sim/cluster.js';
import { declaredArgs, UndeclaredParameter } from '../../local/bam-sim/v1-methods.js';
import { get } from './bam-http.js';
import { bluecatWadlMethods, type WadlMethod, wadlCaller } from './wadl-parse.js';

/**
 * `GET /Services/REST/application.wadl`, read as BlueCat's own v1 client reads it (bluecat_libraries
 * `rest/auto/_wadl_parser.py`; see wadl-parse.ts). Signatures: HTTP methods from the RESTful v2 API
 * Guide's "v1 REST API to RESTful v2 API migration guide", parameter names from the Legacy v1 API
 * Guide, their order from the documented method signatures as bluecat_libraries' Client passes them
 * positionally. The one-off run of the Python client itself is described in BEHAVIOURS.md.
 */
const DOCUMENTED: Record<string, WadlMethod> = {
  login: { http: 'GET', params: ['username', 'password'] },
  loginWithOptions: { http: 'GET', params: ['username', 'password', 'options'] },
  logout: { http: 'GET', params: [] },
  getSystemInfo: { http: 'GET', params: [] },
  getEntities: { http: 'GET', params: ['parentId', 'type', 'start', 'count'] },
  getEntitiesByName: { http: 'GET', params: ['parentId', 'name', 'type', 'start', 'count'] },
  getEntityById: { http: 'GET', params: ['id'] },
  getEntityByName: { http: 'GET', params: ['parentId', 'name', 'type'] },
  getParent: { http: 'GET', params: ['entityId'] },
  searchByObjectTypes: { http: 'GET', params: ['keyword', 'types', 'start', 'count'] },
  getZonesByHint: { http: 'GET', params: ['containerId', 'start', 'count', 'options'] },
  getHostRecordsByHint: { http: 'GET', params: ['start', 'count', 'options'] },
  getAliasesByHint: { http: 'GET', params: ['start', 'count', 'options'] },
  addHostRecord: { http: 'POST', params: ['viewId', 'absoluteName', 'addresses', 'ttl', 'properties'] },
  addAliasRecord: { http: 'POST', params: ['viewId', 'absoluteName', 'linkedRecordName', 'ttl', 'properties'] },
  addTXTRecord: { http: 'POST', params: ['viewId', 'absoluteName', 'txt', 'ttl', 'properties'] },
  delete: { http: 'DELETE', params: ['objectId'] },
  deleteWithOptions: { http: 'DELETE', params: ['objectId', 'options'] },
  deployServer: { http: 'POST', params: ['serverId'] },
  deployServerConfig: { http: 'POST', params: ['serverId', 'properties'] },
  getServerDeploymentStatus: { http: 'GET', params: ['serverId', 'properties'] },
  failoverReplication: { http: 'POST', params: ['standbyServer', 'properties'] },
};

/** bluecat_libraries `serialize_joined_key_value_pairs`: `\` → `\\`, `|` → `\|`, pairs joined `k=v|`. */
const escapeValue = (v: string) => v.replace(/\\/g, '\\\\').replace(/\|/g, '\\|');
const serialize = (props: Record<string, string>) =>
  Object.entries(props)
    .map(([k, v]) => `${escapeValue(k)}=${escapeValue(v)}|`)
    .join('');
/** bluecat_libraries `deserialize_joined_key_value_pairs`: a backslash takes the next character, `|` ends a pair, the first `=` splits it. */
function deserialize(text: string): Record<string, string> {
  const pairs: string[] = [];
  let token = '';
  for (let i = 0; i < text.length; i++) {
    if (text[i] === '\\') token += text[++i] ?? '';
    else if (text[i] === '|') {
      pairs.push(token);
      token = '';
    } else token += text[i];
  }
  if (token) pairs.push(token);
  return Object.fromEntries(pairs.map((p) => [p.slice(0, p.indexOf('=')), p.slice(p.indexOf('=') + 1)]));
}

let cluster: SimCluster;
let methods: Map<string, WadlMethod>;
const url = (name: string) => cluster.server(name).url;
/** A v1 client built from the server's WADL, carrying `Authorization: BAMAuthToken: …` once logged in. */
const client = (name: string) => {
  let token = '';
  const call = wadlCaller(url(name), methods, (): Record<string, string> => (token ? { authorization: token } : {}));
  const setToken = (answer: string) => (token = /BAMAuthToken: \S+/.exec(answer)![0]);
  return { call, setToken };
};

beforeAll(async () => {
  cluster = await new SimCluster().start();
  const r = await get(`${url('bam1')}/Services/REST/application.wadl`);
  expect([r.status, r.type]).toEqual([200, 'application/vnd.sun.wadl+xml']);
  methods = bluecatWadlMethods(r.text);
});
afterAll(async () => cluster.close());

describe('application.wadl', () => {
  it('declares exactly the served v1 methods, each with its documented HTTP method and query params in order', () => {
    expect(Object.fromEntries(methods)).toEqual(DOCUMENTED);
  });

  it('answers no method it does not declare (404), and a declared one only over its declared HTTP method (405)', async () => {
    for (const undeclared of ['addEntity', 'getNothing', 'update']) expect((await get(`${url('bam1')}/Services/REST/v1/${undeclared}`)).status).toBe(404);
    for (const [id, m] of methods) {
      const wrong = m.http === 'GET' ? 'POST' : 'GET';
      expect([id, (await get(`${url('bam1')}/Services/REST/v1/${id}`, {}, wrong)).status]).toEqual([id, 405]);
    }
  });

  it('every method it answers reads only the params it declares (called with all of them, none is a simulator-bug 500)', async () => {
    const { call, setToken } = client('bam1');
    setToken((await call('login', 'alice', 'alice-pass')).body);
    const value: Record<string, string> = { type: 'Zone', name: 'example', keyword: 'example', types: 'Zone', options: 'hint=example', properties: '', standbyServer: 'nowhere' };
    value.absoluteName = 'wadl.example.com';
    value.addresses = '10.7.7.7';
    value.linkedRecordName = 'target.example.com';
    value.txt = 'declared';
    for (const [id, m] of methods) {
      if (id === 'login' || id === 'loginWithOptions' || id === 'logout') continue;
      // Ids name nothing (999999): the point is which params each handler reads, not what it changes.
      const args = m.params.map((p) => value[p] ?? (p === 'start' ? '0' : p === 'count' || p === 'ttl' ? '10' : '999999'));
      const r = await call(id, ...args);
      expect([id, r.status === 500 ? String(r.body) : 'ok']).toEqual([id, 'ok']);
    }
  });

  it("the dispatcher's guard refuses a read of an undeclared param (what the previous test relies on)", () => {
    const args = declaredArgs('getEntityById', new URLSearchParams('id=1&objectId=2'));
    expect(args.id).toBe('1');
    expect(() => (args as unknown as Record<string, string>).objectId).toThrow(UndeclaredParameter);
  });
});

describe("BlueCat's v1 client sequence, replayed in TypeScript (bluecat_libraries address_manager.api Client)", () => {
  it('logs in, reads system info, finds a configuration and a view by name, adds a host record with escaped properties and reads them back, logs out', async () => {
    const { call, setToken } = client('bam1');
    const login = await call('login', 'alice', 'alice-pass');
    expect(login).toEqual({ status: 200, body: expect.stringMatching(/^Session Token-> BAMAuthToken: \S+ <- for User : alice$/) });
    setToken(login.body);
    const info = await call('getSystemInfo');
    expect(deserialize(info.body)).toMatchObject({ version: '9.6.0', replicationRole: 'Primary' });
    const conf = (await call('getEntityByName', 0, 'Production', 'Configuration')).body;
    const view = (await call('getEntityByName', conf.id, 'default', 'View')).body;
    expect([conf.type, view.type]).toEqual(['Configuration', 'View']);
    const props = { comments: 'a|b', owner: 'ops\\team' };
    expect(serialize(props)).toBe('comments=a\\|b|owner=ops\\\\team|');
    const id = (await call('addHostRecord', view.id, 'bc.example.com', '10.9.9.9', 300, serialize(props))).body;
    expect(typeof id).toBe('number');
    const host = (await call('getEntityById', id)).body;
    expect(host).toMatchObject({ id, name: 'bc', type: 'HostRecord' });
    expect(deserialize(host.properties)).toMatchObject({ ...props, absoluteName: 'bc.example.com', addresses: '10.9.9.9', ttl: '300' });
    expect(await call('logout')).toEqual({ status: 200, body: 'Successfully logged out' });
    expect((await call('getSystemInfo')).status).toBe(401);
  });

  it('on the Standby: a plain login is refused, loginWithOptions(isReadOnly=true) works and getSystemInfo reports Standby; writes are refused', async () => {
    const { call, setToken } = client('bam2');
    expect((await call('login', 'alice', 'alice-pass')).status).toBe(503);
    const login = await call('loginWithOptions', 'alice', 'alice-pass', serialize({ isReadOnly: 'true' }));
    expect(login.status).toBe(200);
    setToken(login.body);
    expect(deserialize((await call('getSystemInfo')).body).replicationRole).toBe('Standby');
    expect((await call('addHostRecord', 1, 'ro.example.com', '10.0.0.1')).body).toMatch(/read-only API session/);
    expect((await call('logout')).status).toBe(200);
  });

  it("a parameter-less WADL (the simulator's first pass) would have sent login without credentials: 401", async () => {
    const bare = new Map([...methods].map(([id, m]) => [id, { ...m, params: [] }]));
    const r = await wadlCaller(url('bam1'), bare, () => ({}))('login', 'alice', 'alice-pass');
    expect(r.status).toBe(401);
  });
});
