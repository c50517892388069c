import type middy from '@middy/core';
import { authOf as kernelAuthOf, type AuthContext as KernelAuthContext } from '../kernel/http-route.js';
import type { HttpEvent, HttpResult } from '../kernel/http.js';
import { tokenFromRequest } from './domain/tokens.js';
import type { AuthenticatedSession, SessionService } from './session-service.js';

/** A route's context after `authenticate`: the session, its server and BAM client, the monitor state read. */
export type AuthContext = KernelAuthContext<AuthenticatedSession>;

/**
 * Sent by the web UI on the calls it makes on its own (its heartbeat and live views, while nobody
 * uses the page): they do not count as activity for the session's idle timeout.
 */
export const HEARTBEAT_HEADER = 'x-gateway-heartbeat';

/**
 * Authenticates the request's session token (`auth: Basic`, `Authorization: Basic|Bearer`, or the
 * session cookie) and puts the session on `context.auth`; use slides the idle expiry, but a
 * heartbeat (`heartbeat`, or the HEARTBEAT_HEADER) does not. Refuses with 401, or with the failover
 * 503 where the call needs the Primary and a failover is in progress.
 */
export function authenticate(
  service: () => Pick<SessionService, 'authenticate'>,
  opts: { duringFailover: 'refuse' | 'allow'; heartbeat?: boolean; cookieName: string },
): middy.MiddlewareObj<HttpEvent, HttpResult, Error, AuthContext> {
  return {
    before: async (request) => {
      const headers = request.event.headers ?? {};
      const token = tokenFromRequest(headers, request.event.cookies ?? [], opts.cookieName);
      const slide = !opts.heartbeat && headers[HEARTBEAT_HEADER] === undefined;
      request.context.auth = await service().authenticate(token, { duringFailover: opts.duringFailover, slide });
    },
  };
}

export function authOf(context: AuthContext): AuthenticatedSession {
  return kernelAuthOf(context);
}
