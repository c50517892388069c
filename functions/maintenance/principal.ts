import { config } from '../wiring/config.js';
import { isJsonContentType, type HttpEvent } from '../kernel/http.js';
import { CSRF_HEADER, browserCrossSite } from '../sessions/csrf.js';
import { edgeSettings } from '../wiring/config.js';
import { environment } from '../wiring/environment.js';
import { csrfTokenMatches, hashToken, sessionCookieName, tokenFromCookies, tokenFromHeaders } from '../sessions/domain/tokens.js';
import type { AirlockSession } from './ports.js';
import type { AirlockPrincipal } from './domain/contract.js';
import { airlockError } from './jsonapi.js';
import { maintenanceDeps } from '../wiring/maintenance.js';
import { recheckTenantToken, verifyTenantToken } from '../wiring/tenant-tokens.js';
import { endedByCluster } from '../sessions/domain/session-binding.js';
import { absoluteEnd } from '../sessions/domain/session-lifetime.js';

/** The permission that lets a gateway user (the web UI) use the maintenance API. Admins hold it. */
export const MAINTENANCE_PERMISSION = 'maintenance';
export const REST_SESSION_COOKIE = 'JSESSIONID';

const GATEWAY_TOKEN = /^[A-Za-z0-9_-]{43}$/;
const STATE_CHANGING = new Set(['POST', 'PUT', 'PATCH', 'DELETE']);

export interface Caller {
  principal: AirlockPrincipal;
  /** The live REST session the request named (JSESSIONID), if any. */
  restSession?: AirlockSession;
}

/** The REST session a request's JSESSIONID cookie names, if it is live. */
export async function restSessionOf(event: HttpEvent, now = Date.now()): Promise<AirlockSession | undefined> {
  const id = cookie(event, REST_SESSION_COOKIE);
  if (!id || !GATEWAY_TOKEN.test(id)) return undefined;
  const session = await maintenanceDeps().restSessions.get(hashToken(id));
  return session && session.expiresAt > now ? session : undefined;
}

/**
 * Who calls /airlock/rest: (a) the live REST session of the JSESSIONID cookie, unless
 * `credentialsOnly` (session/create); (b) a gateway session with the `maintenance` permission, by
 * Bearer token or the gateway's session cookie; (c) a tenant token (Bearer). Cookie-authenticated
 * state changes follow the CSRF rules (cross-site Origin or Sec-Fetch-Site: 403). 401 otherwise.
 */
export async function resolveCaller(event: HttpEvent, opts: { credentialsOnly?: boolean } = {}): Promise<Caller> {
  if (!opts.credentialsOnly) {
    const restSession = await restSessionOf(event);
    if (restSession) {
      refuseCrossSite(event);
      // A REST session lives only as long as its tenant token: each call re-reads the token's record
      // (one GetItem, bounded whatever the number of sessions) rather than revocation finding and
      // deleting sessions, which would need a token→sessions index and could miss a session being
      // created while the token is revoked.
      // Likewise with a gateway session: it ends with its logout, expiry or revocation, and with the permission.
      const p = restSession.principal;
      if (p.kind !== 'tenant') refuseOtherGatewaySession(event, p.gatewaySession);
      const principal = p.kind === 'tenant' ? await recheckTenantToken(p) : await recheckGatewaySession(p.gatewaySession!);
      return { principal, restSession };
    }
  }
  // A gateway session token in any form the gateway's own API takes (Bearer or Basic, with or
  // without "BAMAuthToken: "); otherwise a Bearer tenant token (a JWT: never shaped like one).
  const gatewayToken = tokenFromHeaders(event.headers ?? {});
  if (gatewayToken) {
    const gateway = await gatewayPrincipal(gatewayToken);
    if (!gateway) throw airlockError(401, 'UNAUTHORIZED', 'The gateway session has ended or does not exist. Log in again.');
    return { principal: gateway };
  }
  const bearer = /^Bearer\s+(\S+)\s*$/i.exec(event.headers?.authorization ?? '')?.[1];
  if (bearer) return { principal: await verifyTenantToken(bearer) };
  const sessionCookie = tokenFromCookies(event.cookies ?? [], sessionCookieName(config().localMode));
  if (sessionCookie) {
    refuseCrossSite(event);
    const gateway = await gatewayPrincipal(sessionCookie);
    if (gateway) return { principal: gateway };
  }
  throw airlockError(
    401,
    'UNAUTHORIZED',
    opts.credentialsOnly
      ? 'Send Authorization: Bearer <token> (a tenant token, or a gateway session with the maintenance permission).'
      : 'No live REST session: create one with POST /airlock/rest/session/create and send its JSESSIONID cookie.',
  );
}

/** The seam the maintenance API authenticates through (see resolveCaller). */
export async function resolvePrincipal(event: HttpEvent): Promise<AirlockPrincipal> {
  return (await resolveCaller(event)).principal;
}

/**
 * A gateway session's principal, read-only (this function writes no gateway session): undefined
 * when the token names no session; 401 when it ended; 403 without the maintenance permission.
 */
async function gatewayPrincipal(token: string, now = Date.now()): Promise<AirlockPrincipal | undefined> {
  return principalOfSession(hashToken(token), now);
}

/**
 * A REST session opened with a gateway session is bound to it: a request that also carries another
 * gateway session (token or cookie) is refused, so a JSESSIONID planted in someone else's browser
 * acts for nobody. A REST session of this kind without its gateway session recorded is refused too.
 */
function refuseOtherGatewaySession(event: HttpEvent, bound: string | undefined): void {
  const sent = [tokenFromHeaders(event.headers ?? {}), tokenFromCookies(event.cookies ?? [], sessionCookieName(config().localMode))].filter((t): t is string => t !== undefined);
  if (bound && sent.every((t) => hashToken(t) === bound)) return;
  throw airlockError(401, 'UNAUTHORIZED', 'This REST session belongs to another gateway session. Create one with your own: POST /airlock/rest/session/create.');
}

/** The principal of the gateway session a REST session was opened with, checked again: 401 once it ended. */
async function recheckGatewaySession(tokenHash: string): Promise<AirlockPrincipal> {
  const principal = await principalOfSession(tokenHash, Date.now());
  if (!principal) throw airlockError(401, 'UNAUTHORIZED', 'The gateway session this REST session was opened with has ended. Log in again.');
  return principal;
}

async function principalOfSession(tokenHash: string, now: number): Promise<AirlockPrincipal | undefined> {
  const { sessions, permissions, config: cfg, monitorStore } = maintenanceDeps();
  const [session, monitor] = await Promise.all([sessions.get(tokenHash), monitorStore.get()]);
  if (!session) return undefined;
  // Ended by a failover or by maintenance, even if no gateway call has deleted it yet.
  if (endedByCluster(session, monitor?.state)) return undefined;
  if (session.expiresAt <= now || now >= absoluteEnd(session.createdAt, session.maxLifetimeSeconds, cfg.sessionMaxLifetimeSeconds))
    throw airlockError(401, 'UNAUTHORIZED', 'The gateway session expired. Log in again.');
  if (!cfg.admins.includes(session.username) && !(await permissions.has(session.username, MAINTENANCE_PERMISSION))) {
    throw airlockError(403, 'FORBIDDEN', `User ${session.username} lacks the "${MAINTENANCE_PERMISSION}" permission.`);
  }
  return { kind: 'session', user: session.username, readPaths: '.*', writePaths: '.*', gatewaySession: tokenHash };
}

/**
 * Cookie-authenticated changes: no cross-site browser request, and, where the browser holds a
 * gateway session cookie (the web UI), its CSRF token in X-CSRF-Token. A script driving a REST
 * session with only JSESSIONID (from a tenant token) sends no gateway cookie and no browser headers.
 */
function refuseCrossSite(event: HttpEvent): void {
  if (!STATE_CHANGING.has(event.requestContext.http.method.toUpperCase())) return;
  const reason = browserCrossSite(event, edgeSettings(environment()).trustedOrigins);
  if (reason) throw airlockError(403, 'FORBIDDEN', `Cross-site request refused: ${reason}.`);
  const gatewayCookie = tokenFromCookies(event.cookies ?? [], sessionCookieName(config().localMode));
  if (!gatewayCookie) return;
  if (!csrfTokenMatches(gatewayCookie, event.headers?.[CSRF_HEADER])) {
    throw airlockError(403, 'FORBIDDEN', 'A change made with the gateway session cookie needs the X-CSRF-Token header (from GET /ui/api/session).');
  }
  // As everywhere a browser's cookie authenticates a change (SPEC §12): a JSON body, which a form cannot send.
  if (!isJsonContentType(event)) {
    throw airlockError(415, 'UNSUPPORTED_MEDIA_TYPE', 'A change made with the gateway session cookie is sent as JSON, with Content-Type: application/json.');
  }
}

function cookie(event: HttpEvent, name: string): string | undefined {
  for (const c of (event.cookies ?? []).flatMap((x) => x.split(';'))) {
    const [n, ...rest] = c.trim().split('=');
    if (n === name) return rest.join('=');
  }
  return undefined;
}
