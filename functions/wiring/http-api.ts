import middy from '@middy/core';
import httpHeaderNormalizer from '@middy/http-header-normalizer';
import type { Context } from 'aws-lambda';
import type { HttpEvent, HttpResult } from '../kernel/http.js';
import type { Route, Routes } from '../kernel/http-route.js';
import { httpErrors } from '../kernel/http-errors.js';
import { originVerify } from '../kernel/origin-verify.js';
import { authenticate, type AuthContext } from '../sessions/authenticate.js';
import type { SessionService } from '../sessions/session-service.js';
import { csrfGuard } from '../sessions/csrf.js';
import { sessionCookieName } from '../sessions/domain/tokens.js';
import { loadOriginVerifySecret, loadSecrets } from './secrets.js';
import { edgeSettings } from './config.js';
import { environment } from './environment.js';

export type HttpLambda = (event: HttpEvent, context: Context) => Promise<HttpResult>;

/**
 * The route helper every HTTP API of the gateway uses: one middleware chain for every route
 * (lower-cased headers, JSON errors, requests that went around the CloudFront edge refused before
 * anything else runs, the secrets loaded, cross-site cookie requests refused, then the route's
 * authentication), and dispatch on API Gateway's `routeKey`. `sessions` is asked for the session
 * service only when a request needs it, after the secrets are loaded.
 */
export function httpApi(routes: Routes<AuthContext>, sessions: () => Pick<SessionService, 'authenticate'>): HttpLambda {
  let chains: Map<string, HttpLambda> | undefined;
  return async (event, context) => {
    chains ??= new Map(Object.entries(routes).map(([key, route]) => [key, chain(route, sessions)]));
    const handler = chains.get(event.routeKey);
    // A route wired to the wrong function is a deployment bug, not a client error.
    if (!handler)
      return {
        statusCode: 500,
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ code: 'MisroutedRequest', message: `This function does not serve ${event.routeKey}.`, status: 500 }),
      };
    return handler(event, context);
  };
}

/** The middleware chain without a route's authentication, for an entry that routes on its own. */
export function httpChain(defaultMessage?: string) {
  const edge = edgeSettings(environment());
  return middy<HttpEvent, HttpResult, Error, AuthContext>()
    .use(httpHeaderNormalizer())
    .use(httpErrors(defaultMessage ? { defaultMessage } : {}))
    .use(originVerify({ secretArn: edge.originVerifySecretArn, localMode: edge.localMode, loadSecret: loadOriginVerifySecret }))
    .before(loadSecrets)
    .use(csrfGuard({ cookieName: sessionCookieName(edge.localMode), trustedOrigins: edge.trustedOrigins }));
}

function chain(route: Route<AuthContext>, sessions: () => Pick<SessionService, 'authenticate'>): HttpLambda {
  const base = httpChain(route.defaultMessage);
  const cookieName = sessionCookieName(edgeSettings(environment()).localMode);
  const withAuth =
    route.auth === 'public' ? base : base.use(authenticate(sessions, { cookieName, duringFailover: route.auth === 'session' ? 'refuse' : 'allow', heartbeat: route.auth === 'heartbeat' }));
  const handler = withAuth.handler(route.handle) as unknown as HttpLambda;
  const finish = route.finish;
  return finish ? async (event, context) => finish(await handler(event, context)) : handler;
}
