import type middy from '@middy/core';
import type { Context } from 'aws-lambda';
import { FailoverInProgressError, GatewayError, failoverTime } from './errors.js';
import { json, type HttpEvent, type HttpResult } from './http.js';
import { logger } from './logger.js';
import { audit } from './audit.js';
import { clientAddress } from './client-address.js';

/**
 * Turns any error into a JSON answer (docs/api.md): gateway errors keep their status and message;
 * a failover in progress gets BlueCat's 503 body and Retry-After; anything unexpected is a 500
 * with a generic message and a correlation id, never internals.
 */
export function httpErrors(opts: { defaultMessage?: string } = {}): middy.MiddlewareObj<HttpEvent, HttpResult, Error, Context> {
  return {
    onError: async (request) => {
      request.response = errorResponse(request.error, request.context?.awsRequestId ?? 'unknown', opts.defaultMessage);
      auditRefusal(request.response.statusCode, request.error, request.event, request.context);
    },
  };
}

/** Every 401 and 403 answered goes to the audit log (docs/security.md): who (if known), from where, which route, why. */
function auditRefusal(status: number | undefined, err: unknown, event: HttpEvent, context: Context | undefined): void {
  if (status !== 401 && status !== 403) return;
  const actor = (context as { auth?: { session?: { username?: string } } } | undefined)?.auth?.session?.username;
  audit({
    action: status === 401 ? 'unauthenticated' : 'forbidden',
    outcome: 'denied',
    ...(actor ? { actor } : {}),
    sourceIp: clientAddress(event),
    target: `${event.requestContext?.http?.method ?? '?'} ${event.rawPath ?? '?'}`,
    // Gateway messages name users, permissions and routes, never a token or a password.
    reason: err instanceof GatewayError ? `${err.code}: ${err.message}` : 'refused',
    correlationId: context?.awsRequestId,
  });
}

export function errorResponse(err: unknown, correlationId: string, defaultMessage = 'The gateway could not complete the request.'): HttpResult {
  if (err instanceof FailoverInProgressError) {
    return json(
      503,
      { code: 503, description: 'Address Manager failover in progress. Refresh or try again later.', status: 'FailoverProcessing', time: failoverTime(new Date()) },
      { 'retry-after': String(err.retryAfterSeconds) },
    );
  }
  if (err instanceof GatewayError) {
    if (err.status >= 500) logger.warn('request failed', { code: err.code, status: err.status, correlationId });
    return json(err.status, { code: err.code, message: err.message, status: err.status, ...(err.details !== undefined ? { details: err.details } : {}) }, err.headers);
  }
  // middy's own HTTP errors (createError) carry statusCode/expose.
  const httpish = err as { statusCode?: number; expose?: boolean; message?: string };
  if (typeof httpish?.statusCode === 'number' && httpish.statusCode < 500 && httpish.expose) {
    return json(httpish.statusCode, { code: 'BadRequest', message: httpish.message, status: httpish.statusCode });
  }
  logger.error('unexpected error', { correlationId, error: err as Error });
  return json(500, { code: 'InternalError', message: defaultMessage, status: 500, correlation_id: correlationId });
}
