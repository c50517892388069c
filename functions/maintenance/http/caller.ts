import { isJsonContentType, type HttpEvent } from '../../kernel/http.js';
import { CSRF_HEADER, browserCrossSite } from '../../sessions/csrf.js';
import { csrfTokenMatches, hashToken, sessionCookieName, tokenFromCookies, tokenFromHeaders } from '../../sessions/domain/tokens.js';
import type { MaintenancePrincipal } from '../domain/contract.js';
import { principalOfGatewaySession } from '../gateway-principal.js';
import { maintenanceError } from '../jsonapi.js';
import type { MaintenanceSession } from '../ports.js';
import type { MaintenanceApiDeps } from './call.js';
import { boundRestSession } from './rest-session.js';

const STATE_CHANGING = new Set(['POST', 'PUT', 'PATCH', 'DELETE']);

export interface Caller {
  principal: MaintenancePrincipal;
  /** The live maintenance session the request named (JSESSIONID), if any. */
  restSession?: MaintenanceSession;
}

/**
 * Who calls /airlock/rest: (a) the live REST session of the JSESSIONID cookie, unless
 * `credentialsOnly` (session/create); (b) a gateway session with the `maintenance` permission, by
 * Bearer token or the gateway's session cookie; (c) a tenant token (Bearer). Cookie-authenticated
 * state changes follow the CSRF rules (cross-site Origin or Sec-Fetch-Site: 403). 401 otherwise.
 */
export async function resolveCaller(d: MaintenanceApiDeps, event: HttpEvent, now: number, opts: { credentialsOnly?: boolean } = {}): Promise<Caller> {
  const gatewayCookieName = sessionCookieName(d.settings.localMode);
  if (!opts.credentialsOnly) {
    const restSession = await boundRestSession(d.maintenanceSessions, event, now);
    if (restSession) {
      refuseCrossSite(d, event);
      // A REST session lives only as long as its tenant token: each call re-reads the token's record
      // (one GetItem, bounded whatever the number of sessions) rather than revocation finding and
      // deleting sessions, which would need a token→sessions index and could miss a session being
      // created while the token is revoked.
      // Likewise with a gateway session: it ends with its logout, expiry or revocation, and with the permission.
      const p = restSession.principal;
      if (p.kind !== 'tenant') refuseOtherGatewaySession(event, p.gatewaySession, gatewayCookieName);
      const principal = p.kind === 'tenant' ? await d.tenantTokens.recheck(p) : await recheckGatewaySession(d, p.gatewaySession!, now);
      return { principal, restSession };
    }
  }
  // A gateway session token in any form the gateway's own API takes (Bearer or Basic, with or
  // without "BAMAuthToken: "); otherwise a Bearer tenant token (a JWT: never shaped like one).
  const gatewayToken = tokenFromHeaders(event.headers ?? {});
  if (gatewayToken) {
    const gateway = await principalOfGatewaySession(gatewayPrincipalDeps(d), hashToken(gatewayToken), now);
    if (!gateway) throw maintenanceError(401, 'UNAUTHORIZED', 'The gateway session has ended or does not exist. Log in again.');
    return { principal: gateway };
  }
  const bearer = /^Bearer\s+(\S+)\s*$/i.exec(event.headers?.authorization ?? '')?.[1];
  if (bearer) return { principal: await d.tenantTokens.verify(bearer) };
  const sessionCookie = tokenFromCookies(event.cookies ?? [], gatewayCookieName);
  if (sessionCookie) {
    refuseCrossSite(d, event);
    const gateway = await principalOfGatewaySession(gatewayPrincipalDeps(d), hashToken(sessionCookie), now);
    if (gateway) return { principal: gateway };
  }
  throw maintenanceError(
    401,
    'UNAUTHORIZED',
    opts.credentialsOnly
      ? 'Send Authorization: Bearer <token> (a tenant token, or a gateway session with the maintenance permission).'
      : 'No live REST session: create one with POST /airlock/rest/session/create and send its JSESSIONID cookie.',
  );
}

const gatewayPrincipalDeps = (d: MaintenanceApiDeps) => ({
  gatewaySessions: d.gatewaySessions,
  monitor: d.monitor,
  permissions: d.permissions,
  admins: d.settings.admins,
  sessionMaxLifetimeSeconds: d.settings.sessionMaxLifetimeSeconds,
});

/**
 * A REST session opened with a gateway session is bound to it: a request that also carries another
 * gateway session (token or cookie) is refused, so a JSESSIONID planted in someone else's browser
 * acts for nobody. A REST session of this kind without its gateway session recorded is refused too.
 */
function refuseOtherGatewaySession(event: HttpEvent, bound: string | undefined, gatewayCookieName: string): void {
  const sent = [tokenFromHeaders(event.headers ?? {}), tokenFromCookies(event.cookies ?? [], gatewayCookieName)].filter((t): t is string => t !== undefined);
  if (bound && sent.every((t) => hashToken(t) === bound)) return;
  throw maintenanceError(401, 'UNAUTHORIZED', 'This REST session belongs to another gateway session. Create one with your own: POST /airlock/rest/session/create.');
}

/** The principal of the gateway session a REST session was opened with, checked again: 401 once it ended. */
async function recheckGatewaySession(d: MaintenanceApiDeps, tokenHash: string, now: number): Promise<MaintenancePrincipal> {
  const principal = await principalOfGatewaySession(gatewayPrincipalDeps(d), tokenHash, now);
  if (!principal) throw maintenanceError(401, 'UNAUTHORIZED', 'The gateway session this REST session was opened with has ended. Log in again.');
  return principal;
}

/**
 * Cookie-authenticated changes: no cross-site browser request, and, where the browser holds a
 * gateway session cookie (the web UI), its CSRF token in X-CSRF-Token. A script driving a REST
 * session with only JSESSIONID (from a tenant token) sends no gateway cookie and no browser headers.
 */
function refuseCrossSite(d: MaintenanceApiDeps, event: HttpEvent): void {
  if (!STATE_CHANGING.has(event.requestContext.http.method.toUpperCase())) return;
  const reason = browserCrossSite(event, d.settings.trustedOrigins);
  if (reason) throw maintenanceError(403, 'FORBIDDEN', `Cross-site request refused: ${reason}.`);
  const gatewayCookie = tokenFromCookies(event.cookies ?? [], sessionCookieName(d.settings.localMode));
  if (!gatewayCookie) return;
  if (!csrfTokenMatches(gatewayCookie, event.headers?.[CSRF_HEADER])) {
    throw maintenanceError(403, 'FORBIDDEN', 'A change made with the gateway session cookie needs the X-CSRF-Token header (from GET /ui/api/session).');
  }
  // As everywhere a browser's cookie authenticates a change: a JSON body, which a form cannot send.
  if (!isJsonContentType(event)) {
    throw maintenanceError(415, 'UNSUPPORTED_MEDIA_TYPE', 'A change made with the gateway session cookie is sent as JSON, with Content-Type: application/json.');
  }
}
