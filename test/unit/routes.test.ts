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
  it('every route is served by exactly one function, and each function serves its routes', async () => {
    const { dispatch } = await import('../../functions/lambdas/dispatch.js');
    const served: string[] = [];
    const fn = dispatch({ login: async (e) => (served.push(e.routeKey), { statusCode: 200 }) });
    const event = (routeKey: string) => ({ routeKey }) as Parameters<typeof fn>[0];
    expect((await fn(event('POST /rest_login'), {} as never)).statusCode).toBe(200);
    const wrong = await fn(event('GET /failover_monitoring/status'), {} as never);
    expect(wrong.statusCode).toBe(500);
    expect(JSON.parse(wrong.body!)).toMatchObject({ code: 'MisroutedRequest' });
    expect(served).toEqual(['POST /rest_login']);
    for (const r of routes) expect(['sessions', 'workflows', 'operations', 'ui', 'maintenance']).toContain(r.fn);
  });
});
