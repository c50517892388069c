import type middy from '@middy/core';
import type { Context } from 'aws-lambda';
import { config } from '../commons/config.js';
import { forbidden } from '../commons/errors.js';
import type { HttpEvent, HttpResult } from '../commons/http.js';
import { sessionCookieName, tokenFromCookies, tokenFromHeaders } from '../domain/tokens.js';

const STATE_CHANGING = new Set(['POST', 'PUT', 'PATCH', 'DELETE']);

/**
 * CSRF defence beyond SameSite (SPEC §13): a state-changing request authenticated by the session
 * cookie alone is refused (403) when the browser says it comes from another site: an `Origin`
 * other than the request's own host (or `TRUSTED_ORIGINS`), or `Sec-Fetch-Site` cross-site or
 * same-site. Requests carrying the token in a header are not CSRF-prone: browsers never add one.
 * Clients that send neither header (curl, scripts) are not browsers and pass.
 */
export function csrfGuard(): middy.MiddlewareObj<HttpEvent, HttpResult, Error, Context> {
  return {
    before: async (request) => {
      const reason = crossSiteReason(request.event, trustedOrigins());
      if (reason) throw forbidden(`Cross-site request refused: ${reason}. Send the token in the Authorization header, or call from the gateway's own origin.`);
    },
  };
}

export function crossSiteReason(event: HttpEvent, trusted: string[]): string | undefined {
  const headers = event.headers ?? {};
  if (!STATE_CHANGING.has(event.requestContext.http.method.toUpperCase())) return undefined;
  if (tokenFromHeaders(headers) || !tokenFromCookies(event.cookies ?? [], sessionCookieName(config().localMode))) return undefined;
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

/** Extra origins allowed to use the cookie, e.g. a UI served from CloudFront: `https://ui.example.com,...`. */
export function trustedOrigins(): string[] {
  return (process.env.TRUSTED_ORIGINS ?? '').split(',').map((o) => o.trim().replace(/\/+$/, '').toLowerCase()).filter(Boolean);
}
