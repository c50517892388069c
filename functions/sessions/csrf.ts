import type middy from '@middy/core';
import type { Context } from 'aws-lambda';
import { GatewayError, forbidden } from '../kernel/errors.js';
import type { HttpEvent, HttpResult } from '../kernel/http.js';
import { csrfTokenMatches, tokenFromCookies, tokenFromHeaders } from './domain/tokens.js';
import { requireJsonContentType } from '../kernel/http.js';

const STATE_CHANGING = new Set(['POST', 'PUT', 'PATCH', 'DELETE']);

/** The header the web UI sends its session's CSRF token in (from `GET /ui/api/session`). */
export const CSRF_HEADER = 'x-csrf-token';

/**
 * CSRF defence beyond SameSite. A state-changing request authenticated by the
 * session cookie must come from the gateway's own origin (a cross-site or same-site `Origin` /
 * `Sec-Fetch-Site` is a 403), carry the session's CSRF token in `X-CSRF-Token` (403 otherwise) and
 * declare a JSON body (415). Requests carrying the token in a header are not CSRF-prone: browsers
 * never add one. `POST /rest_login` authenticates with the body, not the cookie: only its origin is
 * checked (login CSRF).
 */
export function csrfGuard(o: { cookieName: string; trustedOrigins: string[] }): middy.MiddlewareObj<HttpEvent, HttpResult, Error, Context> {
  return {
    before: async (request) => {
      const { event } = request;
      if (event.rawPath === '/rest_login') {
        const reason = browserCrossSite(event, o.trustedOrigins);
        if (reason) throw forbidden(`Cross-site login refused: ${reason}.`);
        return;
      }
      const reason = crossSiteReason(event, o.trustedOrigins, o.cookieName);
      if (reason) throw forbidden(`Cross-site request refused: ${reason}. Send the token in the Authorization header, or call from the gateway's own origin.`);
      const cookieToken = cookieAuthenticatedChange(event, o.cookieName);
      if (cookieToken === undefined) return;
      if (!csrfTokenMatches(cookieToken, event.headers?.[CSRF_HEADER])) {
        throw new GatewayError(
          403,
          'CsrfTokenRequired',
          'A change made with the session cookie needs the X-CSRF-Token header (from GET /ui/api/session), or send the token in the Authorization header.',
        );
      }
      requireJsonContentType(event);
    },
  };
}

/** The session cookie's token when the request is a state change authenticated by that cookie alone. */
export function cookieAuthenticatedChange(event: HttpEvent, cookieName: string): string | undefined {
  if (!STATE_CHANGING.has(event.requestContext.http.method.toUpperCase())) return undefined;
  if (tokenFromHeaders(event.headers ?? {})) return undefined;
  return tokenFromCookies(event.cookies ?? [], cookieName);
}

export function crossSiteReason(event: HttpEvent, trusted: string[], cookieName: string): string | undefined {
  if (cookieAuthenticatedChange(event, cookieName) === undefined) return undefined;
  return browserCrossSite(event, trusted);
}

/** Why a browser request is cross-site (Sec-Fetch-Site, Origin), for any cookie-authenticated state change; undefined when it is not. */
export function browserCrossSite(event: HttpEvent, trusted: string[]): string | undefined {
  const headers = event.headers ?? {};
  const site = headers['sec-fetch-site']?.trim().toLowerCase();
  if (site === 'cross-site' || site === 'same-site') return `Sec-Fetch-Site is ${site}`;
  const origin = headers.origin?.trim();
  if (origin !== undefined && !sameOrigin(origin, headers.host ?? event.requestContext.domainName, trusted)) return 'its Origin is another site';
  return undefined;
}

function sameOrigin(origin: string, host: string | undefined, trusted: string[]): boolean {
  if (trusted.includes(origin.replace(/\/+$/, '').toLowerCase())) return true;
  try {
    // "null" (sandboxed frames, some redirects) does not parse: refused.
    return Boolean(host) && new URL(origin).host.toLowerCase() === host!.toLowerCase();
  } catch {
    return false;
  }
}
