import type { Context } from 'aws-lambda';
import type { HttpEvent, HttpResult } from './http.js';

/**
 * One route of an HTTP API, as a feature declares it: how its caller is authenticated and what
 * answers. The route helper (functions/wiring/http-api.ts) gives every route the same middleware
 * chain, and each Lambda entry lists the routes it serves.
 * - `public`: no session (login, the login options, the API reference);
 * - `session`: a valid session; during a failover, calls that need the Primary get the 503;
 * - `session-during-failover`: a valid session, answered from the table through a failover;
 * - `heartbeat`: like the last, but never slides the session's idle timeout.
 */
export type RouteAuth = 'public' | 'session' | 'session-during-failover' | 'heartbeat';

export interface Route<C extends Context = Context> {
  auth: RouteAuth;
  handle: (event: HttpEvent, context: C) => Promise<HttpResult>;
  /** The message of an unexpected error's 500 (default: the gateway's). */
  defaultMessage?: string;
  /** A last look at every answer, errors included (a logout clears the cookie even on its 401). */
  finish?: (result: HttpResult) => HttpResult;
}

/** Routes by API Gateway route key (`POST /rest_login`, `ANY /admin/{proxy+}`...). */
export type Routes<C extends Context = Context> = Record<string, Route<C>>;

/** A route's context once its authentication ran: `auth` is who calls, as the feature that authenticates describes them. */
export type AuthContext<A = unknown> = Context & { auth?: A };

/**
 * Who calls, typed as the route needs it (a route asks only for what it reads: the username, the
 * monitor state the authentication read...). Throws when the route has no authentication.
 */
export function authOf<A>(context: AuthContext<A>): A {
  if (!context.auth) throw new Error('authenticate() middleware missing');
  return context.auth;
}

/** What most routes read of their caller: the session's username. */
export interface Caller {
  session: { username: string };
}
