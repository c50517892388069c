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
