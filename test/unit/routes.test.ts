import { describe, expect, it } from 'vitest';
import { routes, selectRoute } from '../../functions/wiring/all-routes.js';

describe('route table', () => {
  it.each([
    ['POST', '/rest_login', 'login'],
    ['POST', '/rest_logout', 'logout'],
    ['GET', '/failover_monitoring/status', 'status'],
    ['GET', '/failover_rest_endpoints/get_configurations', 'workflows'],
    ['DELETE', '/failover_rest_endpoints/anything/deeper', 'workflows'],
    ['GET', '/rest_login', 'not-found'],
    ['GET', '/failover_rest_endpoints/', 'not-found'],
    ['GET', '/unknown', 'not-found'],
    ['POST', '/airlock/rest/session/create', 'airlock'],
    ['GET', '/airlock/rest/system/status/back-end-groups/address-manager', 'airlock'],
    ['GET', '/ui/api/login-options', 'ui-public'],
    ['GET', '/ui/api/session', 'ui'],
    ['GET', '/ui/api/events', 'ui'],
    ['GET', '/ui/api/workflows', 'ui'],
    ['GET', '/ui/api/session-counts', 'ui'],
    ['GET', '/ui/api/dashboard', 'ui'],
    ['POST', '/ui/api/session', 'not-found'],
    ['GET', '/ui/api/other', 'not-found'],
  ])('%s %s goes to %s, as API Gateway would route it', (method, path, handler) => {
    expect(selectRoute(method, path).handler).toBe(handler);
  });

  it('never exposes the local controls', () => {
    expect(routes.some((r) => r.routeKey.includes('_local'))).toBe(false);
  });
});

describe('grouped Lambda functions', () => {
  it('every route is served by exactly one function, and each function serves exactly its routes', async () => {
    const entries = {
      sessions: await import('../../functions/lambdas/sessions.js'),
      operations: await import('../../functions/lambdas/operations.js'),
      ui: await import('../../functions/lambdas/ui.js'),
      workflows: await import('../../functions/lambdas/workflows.js'),
    };
    for (const [fn, entry] of Object.entries(entries)) {
      const table = routes.filter((r) => r.fn === fn).map((r) => r.routeKey);
      expect(Object.keys(entry.routes).sort(), fn).toEqual(table.sort());
    }
    // The maintenance function routes its own paths under its one proxy route.
    expect(routes.filter((r) => r.fn === 'maintenance').map((r) => r.routeKey)).toEqual(['ANY /airlock/rest/{proxy+}']);
    for (const r of routes) expect(['sessions', 'workflows', 'operations', 'ui', 'maintenance']).toContain(r.fn);
  });

  it('a route wired to the wrong function is a 500 MisroutedRequest, and no handler runs', async () => {
    const { httpApi } = await import('../../functions/wiring/http-api.js');
    const served: string[] = [];
    const fn = httpApi({ 'POST /rest_login': { auth: 'public', handle: async (e) => (served.push(e.routeKey), { statusCode: 200 }) } }, () => {
      throw new Error('no session needed');
    });
    const event = (routeKey: string) =>
      ({ routeKey, rawPath: '/', headers: {}, requestContext: { http: { method: 'POST', path: '/', sourceIp: '127.0.0.1' } } }) as unknown as Parameters<typeof fn>[0];
    expect((await fn(event('POST /rest_login'), {} as never)).statusCode).toBe(200);
    const wrong = await fn(event('GET /failover_monitoring/status'), {} as never);
    expect(wrong.statusCode).toBe(500);
    expect(JSON.parse(wrong.body!)).toMatchObject({ code: 'MisroutedRequest' });
    expect(served).toEqual(['POST /rest_login']);
  });
});
