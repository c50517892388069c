import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startLocalStack, type LocalStack } from '../../local/runtime.js';
import { auditSink, setAuditSink, type AuditEntry } from '../../functions/kernel/audit.js';
import { call, eventually, login } from '../support/client.js';
import { restClient } from '../support/airlock-rest-client.js';

/**
 * The maintenance REST API (docs/maintenance.md) over real HTTP, as Airlock clients call it: Airlock's maintenance
 * sequence on the Standby bam2, concurrent REST sessions, bad input, and what it leaves behind
 * (events on the local bus, audit entries).
 */
let stack: LocalStack;
let base: string;
let svc: string;
const audits: AuditEntry[] = [];
const originalSink = auditSink;
const rest = (path: string) => `/airlock/rest${path}`;

beforeAll(async () => {
  setAuditSink((e) => audits.push(e));
  stack = await startLocalStack();
  base = stack.url;
  svc = await login(base, 'gateway-svc', 'gateway-svc-pass'); // a gateway admin: holds `maintenance`
});
afterAll(async () => {
  setAuditSink(originalSink);
  await stack?.close();
});

const { createSession, inSession, modeChange, hostStatus, activate } = restClient(
  () => base,
  () => svc,
);

describe('the Airlock maintenance sequence on the Standby bam2', () => {
  it('drain, disable, enable, each activated, then terminate', async () => {
    const s = inSession(await createSession());
    const node = await s('GET', '/system/status/node');
    expect(node.status).toBe(200);
    expect(node.body.data).toMatchObject({ type: 'node-status', attributes: { version: expect.any(String), failoverState: 'standalone' } });

    expect((await s('POST', '/configuration/configurations/load-active', 'null', { 'content-type': 'application/json' })).status).toBe(204);
    const drained = await s('POST', '/configuration/back-end-groups/address-manager/host-mode', modeChange('bam2', 'NO_NEW_SESSIONS'), { 'content-type': 'application/json' });
    expect(drained.status).toBe(200);
    expect(drained.body.data.attributes.backendHosts.find((h: { name: string }) => h.name === 'bam2')).toMatchObject({ mode: 'NO_NEW_SESSIONS', spare: false, weight: 100 });
    expect((await hostStatus(s, 'bam2')).mode).toBe('ENABLED'); // not active before activate

    const validation = await s('GET', '/configuration/validator-messages?filter=meta.severity==ERROR');
    expect(validation).toMatchObject({ status: 200, body: { data: [] } });
    expect((await activate(s, 'drain bam2')).status).toBe(200);
    expect(await hostStatus(s, 'bam2')).toMatchObject({
      name: 'bam2',
      protocol: 'HTTP',
      hostName: '127.0.0.1',
      port: expect.any(Number),
      mode: 'NO_NEW_SESSIONS',
      health: 'UP',
      role: 'STANDBY',
      SessionCount: { Count: 0 },
    });

    // Instruction 2 addresses the group by id, and the host by its name (no Content-Type: curl -d without -H).
    expect((await s('POST', '/configuration/back-end-groups/1/host-mode', modeChange('bam2', 'DISABLED'))).status).toBe(200);
    expect((await activate(s, 'maintain bam2')).status).toBe(200);
    expect(await hostStatus(s, 'bam2')).toMatchObject({ mode: 'DISABLED', health: 'MAINTENANCE' });

    expect((await s('POST', '/configuration/back-end-groups/1/host-mode', modeChange('bam2', 'ENABLED'))).status).toBe(200);
    expect((await activate(s, 'bam2 back')).status).toBe(200);
    expect(await hostStatus(s, 'bam2')).toMatchObject({ mode: 'ENABLED', health: 'UP' });

    const history = await s('GET', '/configuration/configurations');
    expect(history.body.data[0].attributes).toMatchObject({ configType: 'CURRENTLY_ACTIVE', comment: 'bam2 back', createdBy: 'gateway-svc' });
    expect(history.body.data.map((d: { attributes: { comment: string } }) => d.attributes.comment).slice(0, 3)).toEqual(['bam2 back', 'maintain bam2', 'drain bam2']);

    expect((await s('POST', '/session/terminate')).status).toBe(200);
    const after = await s('GET', '/system/status/node');
    expect(after.status).toBe(401);
    expect(after.body).toEqual({ errors: [{ status: '401', code: 'UNAUTHORIZED', title: 'Unauthorized', detail: expect.any(String) }] });
  });

  it('published a mode change per host change and an activation event per activation, on the local bus', async () => {
    const events = await eventually(
      async () => {
        const all = stack.bus.recent(200).filter((e) => e['detail-type'] === 'BACKEND_HOST_MODE_CHANGED' && (e.detail as { host: { name: string } }).host.name === 'bam2');
        return all.length >= 3 ? all : undefined;
      },
      5000,
      'three mode events for bam2',
    );
    expect(events.map((e) => [(e.detail as { previous: string }).previous, (e.detail as { new: string }).new])).toEqual([
      ['ENABLED', 'NO_NEW_SESSIONS'],
      ['NO_NEW_SESSIONS', 'DISABLED'],
      ['DISABLED', 'ENABLED'],
    ]);
    expect(events[0]!.detail).toMatchObject({
      group: 'address-manager',
      host: { name: 'bam2', url: expect.stringMatching(/^http:\/\/127\.0\.0\.1:\d+$/) },
      by: 'gateway-svc',
      comment: 'drain bam2',
      epoch: expect.any(Number),
    });
    expect(stack.bus.recent(200).filter((e) => e['detail-type'] === 'CONFIGURATION_ACTIVATED').length).toBeGreaterThanOrEqual(3);
  });

  it('audited every maintenance action with who did it', () => {
    const maintenance = audits.filter((a) => a.action === 'maintenance' && a.actor === 'gateway-svc');
    const targets = maintenance.map((a) => a.target);
    expect(targets).toEqual(
      expect.arrayContaining([
        'session create',
        'session terminate',
        expect.stringMatching(/^host-mode bam2 NO_NEW_SESSIONS/),
        expect.stringMatching(/^activate version \d+: bam2 ENABLED->NO_NEW_SESSIONS/),
      ]),
    );
    expect(maintenance.every((a) => a.outcome === 'success' && a.sourceIp)).toBe(true);
    expect(JSON.stringify(audits)).not.toContain(svc);
  });
});

describe('concurrent REST sessions', () => {
  it('an outdated activation is a 409 OUTDATED_CONFIGURATION; autoMerge merges changes to other hosts', async () => {
    const a = inSession(await createSession());
    const b = inSession(await createSession());
    for (const s of [a, b]) expect((await s('POST', '/configuration/configurations/load-active')).status).toBe(204);
    await a('POST', '/configuration/back-end-groups/1/host-mode', modeChange('bam2', 'NO_NEW_SESSIONS'));
    expect((await activate(a, 'a drains bam2')).status).toBe(200);

    await b('POST', '/configuration/back-end-groups/1/host-mode', modeChange('bam2', 'DISABLED'));
    const outdated = await activate(b, 'b disables bam2');
    expect(outdated.status).toBe(409);
    expect(outdated.body.errors[0]).toMatchObject({ status: '409', code: 'OUTDATED_CONFIGURATION' });
    expect((await activate(b, 'b again', { autoMerge: true })).status).toBe(409); // same host on both sides
    expect((await hostStatus(b, 'bam2')).mode).toBe('NO_NEW_SESSIONS');

    // c loads, b changes bam2 meanwhile: c's own change to bam2 clashes (409 even with autoMerge), ignoreOutdatedConfiguration overwrites.
    await b('POST', '/configuration/configurations/load-active');
    const c = inSession(await createSession());
    await c('POST', '/configuration/configurations/load-active');
    await b('POST', '/configuration/back-end-groups/1/host-mode', modeChange('bam2', 'ENABLED'));
    expect((await activate(b, 'b enables bam2')).status).toBe(200);
    expect((await c('POST', '/configuration/back-end-groups/1/host-mode', modeChange('bam2', 'DISABLED'))).status).toBe(200);
    expect((await activate(c, 'c', { autoMerge: true })).status).toBe(409);
    expect((await activate(c, 'c overwrites', { ignoreOutdatedConfiguration: true, failoverActivation: false, failoverAction: true })).status).toBe(200);
    expect((await hostStatus(c, 'bam2')).mode).toBe('DISABLED');
    await c('POST', '/configuration/back-end-groups/1/host-mode', modeChange('bam2', 'ENABLED'));
    expect((await activate(c, 'c enables bam2')).status).toBe(200);
    expect((await hostStatus(c, 'bam2')).mode).toBe('ENABLED');
  });

  it('autoMerge is still validated: taking the Primary out is refused', async () => {
    const a = inSession(await createSession());
    const b = inSession(await createSession());
    for (const s of [a, b]) await s('POST', '/configuration/configurations/load-active');
    await a('POST', '/configuration/back-end-groups/1/host-mode', modeChange('bam2', 'NO_NEW_SESSIONS'));
    expect((await activate(a, 'a drains bam2')).status).toBe(200);
    // Draining the Primary bam1 needs a healthy ENABLED Standby, and bam2 is now drained: the validator refuses it.
    await b('POST', '/configuration/back-end-groups/1/host-mode', modeChange('bam1', 'NO_NEW_SESSIONS'));
    const refused = await activate(b, 'b drains bam1', { autoMerge: true });
    expect(refused.status).toBe(400);
    // Both rules: no host would stay ENABLED, and the Primary has no ENABLED Standby.
    expect(refused.body.errors.map((e: { code: string }) => e.code)).toEqual(['VALIDATION_FAILED', 'VALIDATION_FAILED']);
    expect(refused.body.errors.map((e: { detail: string }) => e.detail).join(' ')).toMatch(/at least one must stay ENABLED.*bam1 is the Primary/);
    // b's copy alone (bam2 ENABLED there) has a Standby to switch over to: no error, a warning naming the switchover.
    const errors = await b('GET', '/configuration/validator-messages?filter=meta.severity==ERROR');
    expect(errors.body.data).toEqual([]);
    const all = await b('GET', '/configuration/validator-messages');
    expect(all.body.data.map((m: { attributes: { detail: string } }) => m.attributes.detail)).toEqual([expect.stringMatching(/activating starts a planned switchover to bam2/)]);
    await a('POST', '/configuration/back-end-groups/1/host-mode', modeChange('bam2', 'ENABLED'));
    expect((await activate(a, 'a enables bam2')).status).toBe(200);
    expect([(await hostStatus(b, 'bam1')).mode, (await hostStatus(b, 'bam2')).mode]).toEqual(['ENABLED', 'ENABLED']);
  });
});

describe('bad input', () => {
  it('answers 400 and 404 as JSON:API errors, and changes nothing', async () => {
    const s = inSession(await createSession());
    expect((await s('POST', '/configuration/back-end-groups/1/host-mode', modeChange('bam2', 'DISABLED'))).status).toBe(400); // nothing loaded
    await s('POST', '/configuration/configurations/load-active', '');
    const cases: [string, string | undefined, number][] = [
      ['/configuration/back-end-groups/1/host-mode', modeChange('bam2', 'OFF'), 400],
      ['/configuration/back-end-groups/1/host-mode', modeChange('bam2', 'disabled'), 400],
      ['/configuration/back-end-groups/1/host-mode', '{"data": ', 400],
      ['/configuration/back-end-groups/1/host-mode', 'null', 400],
      ['/configuration/back-end-groups/1/host-mode', '{"data": {"type": "other", "attributes": {"hostName": "bam2", "mode": "DISABLED"}}}', 400],
      ['/configuration/back-end-groups/1/host-mode', modeChange('127.0.0.1', 'DISABLED', {}), 400],
      ['/configuration/back-end-groups/1/host-mode', modeChange('bam9', 'DISABLED'), 404],
      ['/configuration/back-end-groups/webapp/host-mode', modeChange('bam2', 'DISABLED'), 404],
      ['/configuration/back-end-groups/2/host-mode', modeChange('bam2', 'DISABLED'), 404],
      ['/configuration/nothing-here', undefined, 404],
    ];
    for (const [path, body, status] of cases) {
      const r = await s('POST', path, body);
      expect([path, body, r.status]).toEqual([path, body, status]);
      expect(r.body.errors).toEqual([{ status: String(status), code: expect.any(String), title: expect.any(String), detail: expect.any(String) }]);
    }
    expect((await s('GET', '/system/status/back-end-groups/webapp')).status).toBe(404);
    const status = await s('GET', '/system/status/back-end-groups/1');
    expect(status.body.data.attributes.switchover).toBeNull();
    expect((await s('GET', '/configuration/back-end-groups')).body.data[0].attributes.backendHosts.every((h: { mode: string }) => h.mode === 'ENABLED')).toBe(true);
  });

  it('accepts the ways real clients send bodies and hosts: a port as a number, protocol+hostName+port, a JSON string, no body', async () => {
    const s = inSession(await createSession());
    await s('POST', '/configuration/configurations/load-active');
    const groups = await s('GET', '/configuration/back-end-groups');
    const bam2 = groups.body.data[0].attributes.backendHosts.find((h: { name: string }) => h.name === 'bam2');
    const byUrl = await s('POST', '/configuration/back-end-groups/address-manager/host-mode', modeChange(bam2.hostName, 'NO_NEW_SESSIONS', { protocol: 'HTTP', port: bam2.port }));
    expect(byUrl.status).toBe(200);
    const twice = JSON.stringify(JSON.stringify({ comment: 'pyAirlock sends its body encoded twice', options: { autoMerge: true, failoverAction: true, ignoreOutdatedConfiguration: false } }));
    expect((await s('POST', '/configuration/configurations/activate', twice)).status).toBe(200);
    expect((await s('GET', '/configuration/configurations/validator-messages')).status).toBe(200);
    await s('POST', '/configuration/back-end-groups/1/host-mode', modeChange('bam2', 'ENABLED', { protocol: 'HTTP', port: String(bam2.port) }));
    expect((await s('POST', '/configuration/configurations/activate')).status).toBe(200);
    expect((await hostStatus(s, 'bam2')).mode).toBe('ENABLED');
  });
});

describe('authentication', () => {
  it('refuses calls without a live REST session, and session creation without a usable token', async () => {
    expect((await call(base, 'GET', rest('/system/status/node'))).status).toBe(401);
    expect((await call(base, 'GET', rest('/system/status/node'), { headers: { cookie: 'JSESSIONID=AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA' } })).status).toBe(401);
    // A gateway session alone opens no REST session: session/create is required first.
    expect((await call(base, 'GET', rest('/system/status/node'), { token: svc })).status).toBe(401);
    expect((await call(base, 'POST', rest('/session/create'))).status).toBe(401);
    const tenant = await call(base, 'POST', rest('/session/create'), { headers: { authorization: 'Bearer eyJhbGciOiJIUzI1NiJ9.e30.x' } });
    expect(tenant.status).toBe(401);
    expect(tenant.body.errors[0]).toMatchObject({ status: '401', code: 'INVALID_TOKEN' });
  });

  it('a gateway user without the maintenance permission gets 403; with it, a REST session', async () => {
    const alice = await login(base, 'alice', 'alice-pass');
    const refused = await call(base, 'POST', rest('/session/create'), { token: alice });
    expect(refused.status).toBe(403);
    expect(refused.body.errors[0]).toMatchObject({ status: '403', code: 'FORBIDDEN', detail: expect.stringMatching(/maintenance/) });
    expect(audits.some((a) => a.action === 'forbidden' && a.target === 'POST /airlock/rest/session/create')).toBe(true);
    expect((await call(base, 'PUT', '/admin/users/alice/permissions/maintenance', { token: svc })).status).toBe(200);
    await createSession(alice);
  });

  it('a REST session opened with a gateway session ends with it: logout, or the maintenance permission revoked', async () => {
    const carol = await login(base, 'alice', 'alice-pass');
    expect((await call(base, 'PUT', '/admin/users/alice/permissions/maintenance', { token: svc })).status).toBe(200);
    const s = inSession(await createSession(carol));
    expect((await s('GET', '/system/status/node')).status).toBe(200);
    expect((await call(base, 'POST', '/rest_logout', { token: carol })).status).toBe(200);
    const ended = await s('GET', '/system/status/node');
    expect(ended.status).toBe(401);
    expect(ended.body.errors[0].detail).toMatch(/gateway session this REST session was opened with has ended/);

    const again = await login(base, 'alice', 'alice-pass');
    const t = inSession(await createSession(again));
    expect((await call(base, 'DELETE', '/admin/users/alice/permissions/maintenance', { token: svc })).status).toBe(200);
    expect((await t('GET', '/system/status/node')).status).toBe(403);
  });

  it('a REST session opened with a gateway session is bound to it: refused with another gateway session, by token or cookie', async () => {
    const mine = await login(base, 'gateway-svc', 'gateway-svc-pass');
    const other = await login(base, 'gateway-svc', 'gateway-svc-pass');
    const jsession = await createSession(mine);
    const status = (headers: Record<string, string>) => call(base, 'GET', rest('/system/status/node'), { headers: { accept: 'application/json', ...headers } });
    expect((await status({ cookie: jsession })).status).toBe(200); // JSESSIONID alone: a script
    expect((await status({ cookie: jsession, authorization: `Bearer ${mine}` })).status).toBe(200);
    expect((await status({ cookie: `${jsession}; gateway_session=${mine}` })).status).toBe(200); // the web UI
    const others: Record<string, string>[] = [{ cookie: jsession, authorization: `Bearer ${other}` }, { cookie: `${jsession}; gateway_session=${other}` }];
    for (const headers of others) {
      const r = await status(headers);
      expect(r.status).toBe(401);
      expect(r.body.errors[0].detail).toMatch(/belongs to another gateway session/);
    }
  });

  it('cookie-authenticated changes from another site are refused (CSRF)', async () => {
    const cookie = await createSession();
    const r = await call(base, 'POST', rest('/configuration/configurations/load-active'), { headers: { cookie, origin: 'https://evil.example' } });
    expect(r.status).toBe(403);
    const viaGatewayCookie = await call(base, 'POST', rest('/session/create'), { headers: { cookie: `gateway_session=${svc}`, 'sec-fetch-site': 'cross-site' } });
    expect(viaGatewayCookie.status).toBe(403);
    // The web UI's way: the gateway cookie with the session's CSRF token; without the token, 403.
    expect((await call(base, 'POST', rest('/session/create'), { headers: { cookie: `gateway_session=${svc}` } })).status).toBe(403);
    const csrf = (await call(base, 'GET', '/ui/api/session', { headers: { cookie: `gateway_session=${svc}` } })).body.csrf_token as string;
    expect((await call(base, 'POST', rest('/session/create'), { headers: { cookie: `gateway_session=${svc}`, 'x-csrf-token': csrf, 'content-type': 'application/json' } })).status).toBe(200);
    // ... and a JSON body, as for every cookie-authenticated change (a form can send text/plain).
    const plain = await call(base, 'POST', rest('/session/create'), { headers: { cookie: `gateway_session=${svc}`, 'x-csrf-token': csrf, 'content-type': 'text/plain' } });
    expect(plain.status).toBe(415);
    expect(plain.body.errors[0].code).toBe('UNSUPPORTED_MEDIA_TYPE');
  });
});
