import type middy from '@middy/core';
import type { Context } from 'aws-lambda';
import type { HttpEvent, HttpResult } from '../commons/http.js';
import { config } from '../commons/config.js';
import { sessionCookieName, tokenFromRequest } from '../domain/tokens.js';
import type { AuthenticatedSession, SessionService } from '../sessions/session-service.js';

export type AuthContext = Context & { auth?: AuthenticatedSession };

/**
 * Authenticates the request's session token (`auth: Basic`, `Authorization: Basic|Bearer`, or the
 * session cookie) and puts the session on `context.auth`. Refuses with 401, or with the failover
 * 503 where the call needs the Primary and a failover is in progress.
 */
export function authenticate(
  service: () => SessionService,
  opts: { duringFailover: 'refuse' | 'allow' } = { duringFailover: 'refuse' },
): middy.MiddlewareObj<HttpEvent, HttpResult, Error, AuthContext> {
  return {
    before: async (request) => {
      const headers = request.event.headers ?? {};
      const token = tokenFromRequest(headers, request.event.cookies ?? [], sessionCookieName(config().localMode));
      request.context.auth = await service().authenticate(token, opts);
    },
  };
}

export function authOf(context: AuthContext): AuthenticatedSession {
  if (!context.auth) throw new Error('authenticate() middleware missing');
  return context.auth;
}
