import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startLocalStack, type LocalStack } from '../../local/runtime.js';
import { call, eventually, login } from './client.js';
import { workflowManifest } from '../../functions/workflows/manifest.js';

/**
 * The workflow runtime's behaviour, the same for BAM REST v1 and v2 (one stack per test file,
 * since a process binds its clients once, as a Lambda does).
 */
export function workflowSuite(apiVersion: '1' | '2') {
  let stack: LocalStack;
  let base: string;
  const tokens: Record<string, string> = {};
  const hostRecords = () => [...stack.cluster!.data.entities.values()].filter((e) => e.type === 'HostRecord').map((e) => e.properties.absoluteName);

  beforeAll(async () => {
    stack = await startLocalStack({ env: { BAM_API_VERSION: apiVersion, BAM_TIMEOUT_MS: '1000' } });
    base = stack.url;
    tokens.admin = await login(base, 'gateway-svc', 'gateway-svc-pass');
    tokens.alice = await login(base, 'alice', 'alice-pass');
    tokens.bob = await login(base, 'bob', 'bob-pass');
  });
  afterAll(async () => stack?.close());

  const host = (name: string, extra: Record<string, unknown> = {}) => ({ configuration: 'Production', zone: 'example.com', name, address: '10.1.2.3', ...extra });

  describe(`sample workflows through BAM REST v${apiVersion}`, () => {
    it("get_configurations answers BlueCat Gateway's keys", async () => {
      const r = await call(base, 'GET', '/failover_rest_endpoints/get_configurations', { token: tokens.alice });
      expect(r.status).toBe(200);
      expect(r.body).toEqual({ primary_url: stack.cluster!.server('bam1').url, failover_monitoring_state: 'MONITORING', configurations: ['Production', 'Lab', 'Disaster Recovery'] });
    });

    it("ip_space/blocks lists a configuration's IPv4 blocks", async () => {
      const r = await call(base, 'GET', '/ip_space/blocks?configuration=Production', { token: tokens.alice });
      expect(r.status).toBe(200);
      expect(r.body).toEqual({
        configuration: 'Production',
        blocks: [
          { name: 'Production 10.0.0.0/8', cidr: '10.0.0.0/8' },
          { name: 'Production 172.16.0.0/12', cidr: '172.16.0.0/12' },
        ],
      });
      expect((await call(base, 'GET', '/ip_space/blocks?configuration=Lab', { token: tokens.alice })).body.blocks).toEqual([{ name: 'Lab 192.168.0.0/16', cidr: '192.168.0.0/16' }]);
    });

    it('dns_records/host_records adds a host record in BAM (201), and a duplicate is a 409', async () => {
      const r = await call(base, 'POST', '/dns_records/host_records', { token: tokens.alice, json: host(`www${apiVersion}`, { ttl: 300 }) });
      expect(r.status).toBe(201);
      expect(r.body).toEqual({ id: expect.any(Number), absolute_name: `www${apiVersion}.example.com`, addresses: ['10.1.2.3'], ttl: 300 });
      expect(hostRecords()).toContain(`www${apiVersion}.example.com`);
      const again = await call(base, 'POST', '/dns_records/host_records', { token: tokens.alice, json: host(`www${apiVersion}`) });
      expect(again.status).toBe(409);
      expect(again.body.code).toBe('AddressManagerRejected');
    });

    it('404 JSON naming what BAM does not have', async () => {
      const r = await call(base, 'GET', '/ip_space/blocks?configuration=Nowhere', { token: tokens.alice });
      expect(r.status).toBe(404);
      expect(r.body.message).toMatch(/Nowhere/);
      const z = await call(base, 'POST', '/dns_records/host_records', { token: tokens.alice, json: host('a', { configuration: 'Nowhere' }) });
      expect(z.status).toBe(404);
    });
  });

  describe('permissions', () => {
    it.each([
      ['GET', '/failover_rest_endpoints/get_configurations', undefined],
      ['GET', '/ip_space/blocks?configuration=Lab', undefined],
      ['POST', '/dns_records/host_records', 'perm'],
    ])('%s %s: admin 200, granted user 200, ungranted user 403, no token 401', async (method, path, bodyName) => {
      const send = (token?: string, n = 0) => call(base, method, path, { token, json: bodyName ? host(`${bodyName}${apiVersion}-${n}-${Math.random().toString(36).slice(2, 8)}`) : undefined });
      expect((await send(tokens.admin, 1)).status).toBeLessThan(300);
      expect((await send(tokens.alice, 2)).status).toBeLessThan(300);
      const bob = await send(tokens.bob, 3);
      expect(bob.status).toBe(403);
      expect(bob.body).toMatchObject({ code: 'Forbidden', status: 403 });
      expect((await send(undefined)).status).toBe(401);
    });

    it('granting bob a permission through the admin API lets him in; revoking it shuts him out', async () => {
      const path = '/admin/users/bob/permissions/ip_space';
      expect((await call(base, 'PUT', path, { token: tokens.admin })).status).toBe(200);
      expect((await call(base, 'GET', '/admin/users/bob/permissions', { token: tokens.admin })).body.permissions).toEqual(['ip_space']);
      expect((await call(base, 'GET', '/ip_space/blocks?configuration=Lab', { token: tokens.bob })).status).toBe(200);
      expect((await call(base, 'DELETE', path, { token: tokens.admin })).status).toBe(200);
      expect((await call(base, 'GET', '/ip_space/blocks?configuration=Lab', { token: tokens.bob })).status).toBe(403);
    });

    it('group grants apply to members only while they are members', async () => {
      // carol: a BAM user with write rights (bob has none: BAM would refuse his write) and no gateway permission.
      stack.cluster!.data.users.set('carol', { password: 'carol-pass', canWrite: true });
      const carol = await login(base, 'carol', 'carol-pass');
      const add = (name: string) => call(base, 'POST', '/dns_records/host_records', { token: carol, json: host(name) });
      expect((await add(`carol0${apiVersion}`)).status).toBe(403);
      await call(base, 'PUT', '/admin/groups/dns-team/permissions/dns_records', { token: tokens.admin });
      await call(base, 'PUT', '/admin/groups/dns-team/members/carol', { token: tokens.admin });
      expect((await call(base, 'GET', '/admin/users/carol/groups', { token: tokens.admin })).body.groups).toEqual(['dns-team']);
      expect((await add(`carol${apiVersion}`)).status).toBe(201);
      await call(base, 'DELETE', '/admin/groups/dns-team/members/carol', { token: tokens.admin });
      expect((await add(`carol2${apiVersion}`)).status).toBe(403);
      expect(hostRecords()).not.toContain(`carol2${apiVersion}.example.com`);
    });

    it.each([
      ['a non-admin', 'alice', 'PUT', '/admin/users/bob/permissions/ip_space', 403],
      ['no token', undefined, 'GET', '/admin/permissions', 401],
      ['an unknown permission', 'admin', 'PUT', '/admin/users/bob/permissions/launch_missiles', 400],
      ['an unknown collection', 'admin', 'PUT', '/admin/robots/bob/permissions/ip_space', 404],
      ['a bad user name', 'admin', 'PUT', '/admin/users/b%20o%20b/permissions/ip_space', 400],
      ['a malformed percent-escape', 'admin', 'GET', '/admin/users/%ZZ/permissions', 400],
      ['an unknown admin route', 'admin', 'GET', '/admin/nothing', 404],
      ['a wrong method', 'admin', 'POST', '/admin/users/bob/permissions/ip_space', 405],
    ])('admin API: %s gets %s', async (_, who, method, path, status) => {
      const r = await call(base, method as string, path as string, { token: who ? tokens[who as string] : undefined });
      expect(r.status).toBe(status);
      expect(r.body).toMatchObject({ status });
    });

    it("lists every permission there is: each workflow's and the gateway's own two", async () => {
      const own = ['availability_group', 'maintenance'];
      // The sample workflows are there; a workflow added to functions/workflows/modules/ joins them.
      expect(workflowManifest.workflows.map((w) => w.name)).toEqual(expect.arrayContaining(['api', 'dns_records', 'failover_rest_endpoints', 'ip_space']));
      const expected = [...new Set([...workflowManifest.workflows.flatMap((w) => [w.name, ...w.routes.map((r) => r.permission)]), ...own])].sort();
      expect((await call(base, 'GET', '/admin/permissions', { token: tokens.admin })).body.permissions).toEqual(expected);
    });
  });

  describe('bad input to every workflow route', () => {
    it.each([
      ['GET', '/ip_space/blocks', undefined, /configuration/],
      ['GET', '/ip_space/blocks?configuration=', undefined, /configuration/],
      ['POST', '/dns_records/host_records', '{"name":', /not valid JSON/],
      ['POST', '/dns_records/host_records', '', /body is required/],
      ['POST', '/dns_records/host_records', JSON.stringify({ configuration: 'Production', zone: 'example.com', address: '10.0.0.1' }), /name/],
      ['POST', '/dns_records/host_records', JSON.stringify({ configuration: 'Production', zone: 'example.com', name: 'x', address: '300.0.0.1' }), /address/],
      ['POST', '/dns_records/host_records', JSON.stringify({ configuration: 'Production', zone: 'example.com', name: 'x', address: '10.0.0.1', ttl: 'long' }), /ttl/],
      ['POST', '/dns_records/host_records', JSON.stringify({ configuration: 'Production', zone: 'not a zone', name: 'x', address: '10.0.0.1' }), /zone/],
    ])('%s %s %s → 400 naming the field', async (method, path, body, message) => {
      const r = await call(base, method, path, { token: tokens.alice, body, headers: { 'content-type': 'application/json' } });
      expect(r.status).toBe(400);
      expect(r.body.code).toBe('BadRequest');
      expect(r.body.message).toMatch(message);
    });

    it('a 2 MB body is a 413', async () => {
      const r = await call(base, 'POST', '/dns_records/host_records', { token: tokens.alice, json: host('big', { pad: 'x'.repeat(2 * 1024 * 1024) }) });
      expect(r.status).toBe(413);
    });

    it('unknown workflow and unknown route are JSON 404s', async () => {
      expect((await call(base, 'GET', '/no_such_workflow/x', { token: tokens.alice })).status).toBe(404);
      expect((await call(base, 'GET', '/ip_space/nothing', { token: tokens.alice })).body).toMatchObject({ code: 'NotFound', status: 404 });
    });
  });

  describe('values that reach BAM are escaped or refused', () => {
    it("a quote in a filter value (configuration=Nope%27) never answers another configuration's blocks", async () => {
      const r = await call(base, 'GET', '/ip_space/blocks?configuration=Nope%27', { token: tokens.alice });
      // v2 puts the value in a filter literal, which has no escape: refused. v1 URL-encodes it: not found.
      expect(r.status).toBe(apiVersion === '2' ? 400 : 404);
      expect(r.body.blocks).toBeUndefined();
      if (apiVersion === '2') expect(r.body).toMatchObject({ code: 'BadRequest', message: expect.stringMatching(/configuration/) });
      const slash = await call(base, 'GET', `/ip_space/blocks?configuration=${encodeURIComponent('Production\\')}`, { token: tokens.alice });
      expect(slash.status).toBe(apiVersion === '2' ? 400 : 404);
    });

    it("a quote in a host record's configuration creates nothing anywhere", async () => {
      const before = hostRecords().length;
      const r = await call(base, 'POST', '/dns_records/host_records', { token: tokens.alice, json: host(`inj${apiVersion}`, { configuration: "Nope'" }) });
      expect(r.status).toBe(apiVersion === '2' ? 400 : 404);
      if (apiVersion === '2') expect(r.body.message).toMatch(/configuration/);
      const view = await call(base, 'POST', '/dns_records/host_records', { token: tokens.alice, json: host(`inj${apiVersion}`, { view: "x') or name:contains('" }) });
      expect(view.status).toBe(apiVersion === '2' ? 400 : 404);
      expect(hostRecords().length).toBe(before);
    });

    // Path parameters are checked on the trusted side before any runner: test/unit/injection.test.ts.
  });

  describe("errors, like BlueCat's api_exc_handler", () => {
    it("an unexpected error is a 500 with the workflow's default message and a correlation id, and no internals", async () => {
      const { withRouteHandler } = await import('./runners.js');
      const crash = async () => {
        throw new TypeError('secret internals at line 42');
      };
      const r = await withRouteHandler('ip_space', 0, crash, () => call(base, 'GET', '/ip_space/blocks?configuration=Lab', { token: tokens.alice }));
      expect(r.status).toBe(500);
      expect(r.body).toEqual({ code: 'InternalError', message: 'Unable to list IPv4 blocks from Address Manager', status: 500, correlation_id: expect.any(String) });
    });

    it('BAM rejecting the session (its sessions timed out) is a 401', async () => {
      const t = await login(base, 'alice', 'alice-pass');
      stack.cluster!.server('bam1').dropSessions();
      const r = await call(base, 'GET', '/ip_space/blocks?configuration=Lab', { token: t });
      expect(r.status).toBe(401);
      expect(r.body.message).toMatch(/rejected/);
      tokens.alice = await login(base, 'alice', 'alice-pass');
      tokens.bob = await login(base, 'bob', 'bob-pass');
      tokens.admin = await login(base, 'gateway-svc', 'gateway-svc-pass');
    });

    it('a write during a failover is refused with the 503 and never reaches BAM', async () => {
      const before = hostRecords().length;
      const t = await login(base, 'gateway-svc', 'gateway-svc-pass');
      await call(base, 'POST', '/_local/bam/bam1/stop');
      await eventually(async () => (await call(base, 'GET', '/_local/state')).body.monitoring.monitoring_state === 'FAILOVER_IN_PROGRESS', 8000);
      const r = await call(base, 'POST', '/dns_records/host_records', { token: t, json: host(`during${apiVersion}`) });
      expect(r.status).toBe(503);
      expect(r.body.status).toBe('FailoverProcessing');
      expect(r.headers.get('retry-after')).toBeTruthy();
      await call(base, 'POST', '/_local/bam/bam2/promote');
      await eventually(async () => (await call(base, 'GET', '/_local/state')).body.monitoring.monitoring_state === 'MONITORING', 8000);
      expect(hostRecords().length).toBe(before);
      // Same token after the failover: the write goes through to the new Primary, once.
      const after = await call(base, 'POST', '/dns_records/host_records', { token: t, json: host(`during${apiVersion}`) });
      expect(after.status).toBe(201);
      expect(hostRecords().filter((n) => n === `during${apiVersion}.example.com`)).toHaveLength(1);
    });
  });
}
