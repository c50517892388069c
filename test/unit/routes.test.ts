import { describe, expect, it } from 'vitest';
import { routes, selectRoute } from '../../functions/routes.js';

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
  ])('%s %s goes to %s, as API Gateway would route it', (method, path, handler) => {
    expect(selectRoute(method, path).handler).toBe(handler);
  });

  it('never exposes the local controls', () => {
    expect(routes.some((r) => r.routeKey.includes('_local'))).toBe(false);
  });
});
