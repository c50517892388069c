import { audit } from '../../kernel/audit.js';
import { clientAddress } from '../../kernel/client-address.js';
import { GatewayError } from '../../kernel/errors.js';
import { json, type HttpEvent, type HttpResult } from '../../kernel/http.js';
import { mayCall, quoted, whoOf } from '../domain/contract.js';
import { maintenanceError } from '../jsonapi.js';
import { canonicalSubPath } from '../requests.js';
import { MAINTENANCE_SESSION_IDLE_MS } from '../working-copy.js';
import type { Call, MaintenanceApiDeps } from './call.js';
import { resolveCaller } from './caller.js';
import { openRestSession } from './rest-session.js';
import { findRoute } from './routes.js';

export type { MaintenanceApiDeps, MaintenanceSettings } from './call.js';

/** Where the maintenance API is served: Airlock's path, so Airlock clients and scripts work unchanged. */
export const BASE_PATH = '/airlock/rest';

export type MaintenanceApi = (event: HttpEvent) => Promise<HttpResult>;

/**
 * ANY /airlock/rest/{proxy+}: the Airlock-style maintenance REST API (docs/maintenance.md).
 * Every call but session/create needs a live REST session and the path rights of its principal;
 * changes are audited. Errors are thrown as GatewayErrors: jsonApiErrors() answers them.
 */
export function maintenanceApi(deps: MaintenanceApiDeps): MaintenanceApi {
  const clock = deps.now ?? Date.now;
  return async (event) => {
    const now = clock();
    const method = event.requestContext.http.method.toUpperCase();
    const subPath = canonicalSubPath(event.rawPath.startsWith(BASE_PATH) ? event.rawPath.slice(BASE_PATH.length) : event.rawPath);
    if (method === 'POST' && subPath === '/session/create') return createSession(deps, event, now);
    const { principal, restSession } = await resolveCaller(deps, event, now);
    if (!restSession) throw maintenanceError(401, 'UNAUTHORIZED', 'No live REST session: create one with POST /airlock/rest/session/create and send its JSESSIONID cookie.');
    if (!mayCall(principal, method, subPath))
      throw maintenanceError(403, 'FORBIDDEN', `${principal.user} may not ${method === 'GET' || method === 'HEAD' ? 'read' : 'write'} ${quoted(subPath, 200)}.`);
    const hit = findRoute(method, subPath);
    if (!hit) throw maintenanceError(404, 'NOT_FOUND', `No route ${method} ${BASE_PATH}${quoted(subPath, 200)}.`);
    const call: Call = { deps, event, principal, session: restSession, params: hit.params, now };
    const audited = method !== 'GET' && method !== 'HEAD';
    const entry = (outcome: 'success' | 'failure') => ({ action: 'maintenance' as const, outcome, actor: whoOf(principal), sourceIp: clientAddress(event), target: call.target ?? subPath });
    try {
      // Every call slides the idle expiry; routes that change the working copy write it with theirs.
      if (!audited) await deps.maintenanceSessions.touch(restSession.idHash, now + MAINTENANCE_SESSION_IDLE_MS);
      const answer = await hit.route.run(call);
      if (audited) audit(entry('success'));
      return answer;
    } catch (err) {
      if (audited) audit({ ...entry('failure'), reason: err instanceof GatewayError ? `${err.code}: ${err.message}` : 'error' });
      throw err;
    }
  };
}

/** POST /session/create: a principal allowed to write /session/create gets a REST session and its JSESSIONID cookie. */
async function createSession(deps: MaintenanceApiDeps, event: HttpEvent, now: number): Promise<HttpResult> {
  const { principal } = await resolveCaller(deps, event, now, { credentialsOnly: true });
  if (!mayCall(principal, 'POST', '/session/create')) throw maintenanceError(403, 'FORBIDDEN', `${principal.user} may not write /session/create (writePaths).`);
  const { cookie, expiresAt } = await openRestSession(deps.maintenanceSessions, principal, now, deps.settings.localMode);
  audit({ action: 'maintenance', outcome: 'success', actor: whoOf(principal), sourceIp: clientAddress(event), target: 'session create' });
  return json(200, { meta: { user: principal.user, expiresAt: new Date(expiresAt).toISOString() } }, {}, [cookie]);
}
