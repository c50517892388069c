import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startLocalStack, type LocalStack } from '../../local/runtime.js';
import { call, eventually, login } from './client.js';
import { BluecatProviderReplay, ProviderError, splitProperties, type BluecatConfig } from './external-dns-bluecat.js';

/**
 * external-dns's BlueCat provider against the gateway's `api` workflow, call for call as its
 * source makes them (test/support/external-dns-bluecat.ts cites where), through BAM REST v1 or v2.
 */
export function externalDnsSuite(apiVersion: '1' | '2') {
  let stack: LocalStack;
  let cfg: BluecatConfig;
  const entities = (type: string) => [...stack.cluster!.data.entities.values()].filter((e) => e.type === type);
  const absoluteNames = (type: string) => entities(type).map((e) => e.properties.absoluteName);
  const txtOwner = '"heritage=external-dns,external-dns/owner=default,external-dns/resource=service/default/app"';

  beforeAll(async () => {
    stack = await startLocalStack({ env: { BAM_API_VERSION: apiVersion, BAM_TIMEOUT_MS: '1000' } });
    // The service user: its session is restorable, so it keeps its token through a failover.
    cfg = {
      gatewayHost: stack.url,
      gatewayUsername: 'gateway-svc',
      gatewayPassword: 'gateway-svc-pass',
      dnsConfiguration: 'Production',
      dnsView: 'default',
      dnsServerName: 'bdds1',
      dnsDeployType: 'full-deploy',
    };
  });
  afterAll(async () => stack?.close());

  describe(`external-dns's BlueCat provider through BAM REST v${apiVersion}`, () => {
    it('logs in with its exact request (sorted JSON keys, an empty cookie) and gets a string-only answer, a token and a cookie', async () => {
      const p = await BluecatProviderReplay.login(cfg);
      expect(p.token).toMatch(/^[A-Za-z0-9_-]{43}$/);
      expect(p.cookie).toMatch(/^gateway_session=/);
    });

    it('lists zones recursively from the root zone, with BAM entity ids and absoluteName in every properties string', async () => {
      // A record in sub.example.com makes BAM create that zone below example.com.
      const cluster = stack.cluster!;
      const view = entities('View').find((v) => cluster.data.ancestor(v, 'Configuration')?.name === 'Production')!;
      expect(typeof cluster.data.addHostRecord(view.id, `deep${apiVersion}.sub.example.com`, ['10.9.0.1'], 60)).toBe('object');
      const p = await BluecatProviderReplay.login(cfg);
      const zones = await p.getBluecatZones('com');
      const production = (z: { id: number }) => cluster.data.ancestor(cluster.data.entities.get(z.id)!, 'Configuration')?.name === 'Production';
      const ids = Object.fromEntries(
        entities('Zone')
          .filter(production)
          .map((z) => [z.properties.absoluteName, z.id]),
      );
      expect(zones).toEqual([
        { id: ids['example.com'], name: 'example', type: 'Zone', properties: expect.stringContaining('absoluteName=example.com|') },
        { id: ids['sub.example.com'], name: 'sub', type: 'Zone', properties: expect.stringContaining('absoluteName=sub.example.com|') },
      ]);
      expect(await p.zones()).toEqual(['example.com', 'sub.example.com']);
      // The operator's --zone-id-filter matches BAM's ids.
      expect(await p.zones([ids['sub.example.com']!])).toEqual(['sub.example.com']);
      // One walk is three calls, trailing slashes and all; the three walks above made the same ones.
      const walk = [
        'GET /api/v1/configurations/Production/views/default/zones/com/zones/',
        'GET /api/v1/configurations/Production/views/default/zones/com/zones/example/zones/',
        'GET /api/v1/configurations/Production/views/default/zones/com/zones/example/zones/sub/zones/',
      ];
      expect(p.calls).toEqual([...walk, ...walk, ...walk]);
    });

    it('creates host, TXT and CNAME records (201 each), reads them back with their owner, deletes by FQDN (204), and full-deploys (201)', async () => {
      const p = await BluecatProviderReplay.login(cfg);
      const app = `app${apiVersion}.example.com`;
      const www = `www${apiVersion}.example.com`;
      const created = await p.applyChanges({
        create: [
          { dnsName: app, recordType: 'A', targets: ['10.0.0.10'] },
          { dnsName: app, recordType: 'TXT', targets: [txtOwner] },
          { dnsName: www, recordType: 'CNAME', targets: [app], ttl: 300 },
          { dnsName: www, recordType: 'TXT', targets: [txtOwner] },
        ],
      });
      // A CNAME stands alone in DNS: BAM refuses the TXT beside it, and the provider is told (409), never a silent 201.
      expect(created.errors.map((e) => [e.status, JSON.parse(e.body).code])).toEqual([[409, 'AddressManagerRejected']]);
      expect(entities('TXTRecord').filter((e) => e.properties.absoluteName === www)).toEqual([]);
      expect(absoluteNames('HostRecord')).toContain(app);
      expect(absoluteNames('AliasRecord')).toContain(www);
      const records = await p.records();
      expect(records).toEqual(
        expect.arrayContaining([
          { dnsName: app, recordType: 'A', targets: ['10.0.0.10'], ttl: 0, owner: 'default' },
          { dnsName: www, recordType: 'CNAME', targets: [app], ttl: 300 },
          { dnsName: `app${apiVersion}`, recordType: 'TXT', targets: [expect.stringContaining(txtOwner)], owner: 'default' },
        ]),
      );
      const deployments = stack.cluster!.data.deployments.length;
      p.calls.length = 0;
      const deleted = await p.applyChanges({
        delete: [
          { dnsName: www, recordType: 'CNAME', targets: [app] },
          { dnsName: app, recordType: 'TXT', targets: [txtOwner] },
        ],
      });
      expect(deleted.errors).toEqual([]);
      const base = '/api/v1/configurations/Production/views/default';
      expect(p.calls.filter((c) => !c.includes('/zones/'))).toEqual([
        `GET ${base}/cname_records/${www}/`,
        `DELETE ${base}/cname_records/${www}/`,
        `GET ${base}/text_records/${app}/`,
        `DELETE ${base}/text_records/${app}/`,
        'POST /api/v1/configurations/Production/server/full_deploy/',
      ]);
      expect(absoluteNames('AliasRecord')).not.toContain(www);
      expect(absoluteNames('TXTRecord')).not.toContain(app);
      expect(absoluteNames('HostRecord')).toContain(app);
      const server = entities('Server').find((s) => s.name === 'bdds1')!;
      expect(stack.cluster!.data.deployments.slice(deployments).map((d) => [d.serverId, d.service, d.type])).toEqual([[server.id, 'DNS', 'FullDeployment']]);
    });

    it("answers a created record as rest_api does: BAM's id, the first label as name, properties BAM holds", async () => {
      const p = await BluecatProviderReplay.login(cfg);
      const r = await call(stack.url, 'POST', '/api/v1/configurations/Production/views/default/zones/com/zones/example/host_records/', {
        token: p.token,
        json: { absolute_name: `one${apiVersion}.two.example.com`, ip4_address: '10.0.0.11,10.0.0.12', ttl: 120, properties: 'owner=ops|' },
      });
      expect(r.status).toBe(201);
      // rest_api's rule, kept: the record goes into the zone of the path, under the first label.
      const stored = entities('HostRecord').find((e) => e.id === r.body.id)!;
      expect(stored.properties.absoluteName).toBe(`one${apiVersion}.example.com`);
      expect(r.body).toEqual({ id: stored.id, name: `one${apiVersion}`, type: 'HostRecord', properties: expect.any(String) });
      expect(splitProperties(r.body.properties)).toEqual({ owner: 'ops', addresses: '10.0.0.11,10.0.0.12', ttl: '120', absoluteName: `one${apiVersion}.example.com` });
      const read = await p.getRecord('A', `one${apiVersion}.example.com`);
      expect(read).toEqual(r.body);
    });

    it('keeps its token through a BAM failover: 503 with Retry-After while it runs, 200 with the same token after the promote', async () => {
      const p = await BluecatProviderReplay.login(cfg);
      expect(await p.zones()).toContain('example.com');
      // A provider with a user of its own (alice, granted api): its session ends with the failover.
      const svc = await login(stack.url, 'gateway-svc', 'gateway-svc-pass');
      expect((await call(stack.url, 'PUT', '/admin/users/alice/permissions/api', { token: svc })).status).toBe(200);
      const own = { ...cfg, gatewayUsername: 'alice', gatewayPassword: 'alice-pass' };
      const q = await BluecatProviderReplay.login(own);
      expect(await q.zones()).toContain('example.com');
      await call(stack.url, 'POST', '/_local/bam/bam1/stop');
      await eventually(async () => (await call(stack.url, 'GET', '/_local/state')).body.monitoring.monitoring_state === 'FAILOVER_IN_PROGRESS', 8000);
      const during = await p.zones().catch((e: unknown) => e);
      expect(during).toBeInstanceOf(ProviderError);
      expect((during as ProviderError).status).toBe(503);
      expect(Number((during as ProviderError).headers.get('retry-after'))).toBeGreaterThan(0);
      expect(JSON.parse((during as ProviderError).body)).toMatchObject({ code: 503, status: 'FailoverProcessing' });
      await call(stack.url, 'POST', '/_local/bam/bam2/promote');
      await eventually(async () => (await call(stack.url, 'GET', '/_local/state')).body.monitoring.monitoring_state === 'MONITORING', 8000);
      // The same provider, the same token and cookie: its next poll works against bam2.
      expect(await p.zones()).toEqual(['example.com', 'sub.example.com']);
      // The other one gets a 401 saying why; from v0.13.5 it exits on it, Kubernetes restarts it, and it logs in again.
      const ended = (await q.zones().catch((e: unknown) => e)) as ProviderError;
      expect([ended.status, JSON.parse(ended.body).code]).toEqual([401, 'SessionEndedByFailover']);
      expect(await (await BluecatProviderReplay.login(own)).zones()).toEqual(['example.com', 'sub.example.com']);
      await call(stack.url, 'DELETE', '/admin/users/alice/permissions/api', { token: await login(stack.url, 'gateway-svc', 'gateway-svc-pass') });
      const after = await p.applyChanges({ create: [{ dnsName: `after${apiVersion}.example.com`, recordType: 'A', targets: ['10.0.0.20'] }] });
      expect(after.errors).toEqual([]);
      expect(absoluteNames('HostRecord')).toContain(`after${apiVersion}.example.com`);
    });
  });

  describe(`rest_api's answers to bad input, through BAM REST v${apiVersion}`, () => {
    const V = '/api/v1/configurations/Production/views/default';
    let svc: string;
    beforeAll(async () => {
      svc = await login(stack.url, 'gateway-svc', 'gateway-svc-pass');
    });
    const hostCount = () => entities('HostRecord').length;

    it.each([
      ['an unknown configuration', 'GET', '/api/v1/configurations/Nowhere/views/default/zones/com/zones/', 'No matching Configuration(s) found'],
      ['an unknown view', 'GET', '/api/v1/configurations/Production/views/nowhere/zones/', 'No matching View(s) found'],
      ['an unknown zone path', 'GET', `${V}/zones/com/zones/nowhere/host_records/`, 'No matching Zone(s) found'],
      ['an unknown zone below a known one', 'GET', `${V}/zones/com/zones/example/zones/nowhere/zones/`, 'No matching Zone(s) found'],
      ['a missing host record', 'GET', `${V}/host_records/missing.example.com/`, 'No matching Host Record(s) found'],
      ['a missing CNAME record', 'DELETE', `${V}/cname_records/missing.example.com/`, 'No matching CName Record(s) found'],
      ['a missing TXT record', 'GET', `${V}/text_records/missing.nozone.example.com/`, 'No matching Text Record(s) found'],
    ])("%s: 404 with rest_api's plain message", async (_, method, path, message) => {
      const r = await call(stack.url, method, path, { token: svc });
      expect([r.status, r.body]).toEqual([404, message]);
    });

    it('a full deploy of an unknown server: 404, nothing deployed', async () => {
      const before = stack.cluster!.data.deployments.length;
      const r = await call(stack.url, 'POST', '/api/v1/configurations/Production/server/full_deploy/', { token: svc, json: { server_name: 'nosuch' } });
      expect([r.status, r.body]).toEqual([404, 'No matching Server(s) found']);
      expect(stack.cluster!.data.deployments.length).toBe(before);
    });

    it.each([
      ['a malformed zone path', 'GET', `${V}/zones/com/records/example/host_records/`, undefined, /zone path/],
      ['a zone name that is no DNS name', 'GET', `${V}/zones/com/zones/ex%20ample/host_records/`, undefined, /zone/],
      ['a malformed FQDN', 'GET', `${V}/host_records/bad..example.com/`, undefined, /absolute_name/],
      ['a one-label FQDN', 'DELETE', `${V}/text_records/localhost/`, undefined, /absolute_name/],
      ['a bad address', 'POST', `${V}/zones/com/zones/example/host_records/`, { absolute_name: 'x.example.com', ip4_address: '10.0.0.300' }, /ip4_address/],
      ['one bad address of two', 'POST', `${V}/zones/com/zones/example/host_records/`, { absolute_name: 'x.example.com', ip4_address: '10.0.0.1,nope' }, /ip4_address/],
      ['no address', 'POST', `${V}/zones/com/zones/example/host_records/`, { absolute_name: 'x.example.com' }, /ip4_address/],
      ['a bad name', 'POST', `${V}/zones/com/zones/example/host_records/`, { absolute_name: 'bad name.example.com', ip4_address: '10.0.0.1' }, /absolute_name/],
      ['a bad TTL', 'POST', `${V}/zones/com/zones/example/host_records/`, { absolute_name: 'x.example.com', ip4_address: '10.0.0.1', ttl: 'long' }, /ttl/],
      ['a bad CNAME target', 'POST', `${V}/zones/com/zones/example/cname_records/`, { absolute_name: 'x.example.com', linked_record: 'not a name' }, /linked_record/],
      ['an empty text', 'POST', `${V}/zones/com/zones/example/text_records/`, { absolute_name: 'x.example.com', txt: '' }, /txt/],
      ['no server name', 'POST', '/api/v1/configurations/Production/server/full_deploy/', {}, /server_name/],
    ])('%s: a 400 naming the field, nothing created', async (_, method, path, json, message) => {
      const before = hostCount();
      const r = await call(stack.url, method, path, { token: svc, ...(json ? { json } : {}) });
      expect(r.status).toBe(400);
      expect(r.body).toMatchObject({ code: 'BadRequest', status: 400, message: expect.stringMatching(message) });
      expect(hostCount()).toBe(before);
    });

    it('a create into an unknown zone is a 404 and creates nothing (no zone either)', async () => {
      const zones = entities('Zone').length;
      const r = await call(stack.url, 'POST', `${V}/zones/com/zones/example/zones/newsub/host_records/`, { token: svc, json: { absolute_name: 'a.newsub.example.com', ip4_address: '10.0.0.1' } });
      expect([r.status, r.body]).toEqual([404, 'No matching Zone(s) found']);
      expect(entities('Zone').length).toBe(zones);
    });

    it("BAM's refusals map as for every workflow: a duplicate 409, a user without BAM write rights 403", async () => {
      const body = { absolute_name: `dup${apiVersion}.example.com`, ip4_address: '10.0.0.1', ttl: 60, properties: '' };
      expect((await call(stack.url, 'POST', `${V}/zones/com/zones/example/host_records/`, { token: svc, json: body })).status).toBe(201);
      const again = await call(stack.url, 'POST', `${V}/zones/com/zones/example/host_records/`, { token: svc, json: body });
      expect([again.status, again.body.code]).toEqual([409, 'AddressManagerRejected']);
      // bob: granted the api permission, but BAM gives him no write rights.
      expect((await call(stack.url, 'PUT', '/admin/users/bob/permissions/api', { token: svc })).status).toBe(200);
      const bob = await login(stack.url, 'bob', 'bob-pass');
      expect((await call(stack.url, 'GET', `${V}/zones/com/zones/`, { token: bob })).status).toBe(200);
      const refused = await call(stack.url, 'POST', `${V}/zones/com/zones/example/host_records/`, { token: bob, json: { ...body, absolute_name: 'bob.example.com' } });
      expect([refused.status, refused.body.code]).toEqual([403, 'AddressManagerForbidden']);
      expect(absoluteNames('HostRecord')).not.toContain('bob.example.com');
      await call(stack.url, 'DELETE', '/admin/users/bob/permissions/api', { token: svc });
    });

    it('its own permission: alice (who holds the sample workflows) gets 403, no token 401; a wrong method 405', async () => {
      const alice = await login(stack.url, 'alice', 'alice-pass');
      const r = await call(stack.url, 'GET', `${V}/zones/com/zones/`, { token: alice });
      expect([r.status, r.body.code]).toEqual([403, 'Forbidden']);
      expect(r.body.message).toMatch(/"api" permission/);
      expect((await call(stack.url, 'GET', `${V}/zones/com/zones/`)).status).toBe(401);
      expect((await call(stack.url, 'PUT', `${V}/zones/com/zones/`, { token: svc, json: {} })).status).toBe(405);
    });

    it('a quote in a configuration name never reaches another configuration', async () => {
      const r = await call(stack.url, 'GET', "/api/v1/configurations/Nope'/views/default/zones/", { token: svc });
      // v2 puts the name in a filter literal, which has no escape: refused. v1 URL-encodes it: not found.
      expect(r.status).toBe(apiVersion === '2' ? 400 : 404);
    });
  });
}
