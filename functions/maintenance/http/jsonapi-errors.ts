import type middy from '@middy/core';
import type { Context } from 'aws-lambda';
import { audit } from '../../kernel/audit.js';
import { clientAddress } from '../../kernel/client-address.js';
import { GatewayError } from '../../kernel/errors.js';
import type { HttpEvent, HttpResult } from '../../kernel/http.js';
import { logger } from '../../kernel/logger.js';
import { errorDocument, maintenanceError } from '../jsonapi.js';

/**
 * The maintenance API's errors as JSON:API error documents (Airlock's shape, not the gateway's
 * envelope); an unexpected error is a 500 naming the correlation id, and logged. Every 401 and
 * 403 goes to the audit log.
 */
export function jsonApiErrors(): middy.MiddlewareObj<HttpEvent, HttpResult, Error, Context> {
  return {
    onError: async (request) => {
      const err = request.error;
      const gatewayError = err instanceof GatewayError ? err : undefined;
      if (!gatewayError) logger.error('unexpected error', { correlationId: request.context.awsRequestId, error: err as Error });
      const answered = gatewayError ?? maintenanceError(500, 'INTERNAL_ERROR', `The gateway could not complete the request (correlation id ${request.context.awsRequestId}).`);
      request.response = errorDocument(answered);
      if (answered.status === 401 || answered.status === 403) {
        audit({
          action: answered.status === 401 ? 'unauthenticated' : 'forbidden',
          outcome: 'denied',
          sourceIp: clientAddress(request.event),
          target: `${request.event.requestContext.http.method} ${request.event.rawPath}`,
          reason: `${answered.code}: ${answered.message}`,
          correlationId: request.context.awsRequestId,
        });
      }
    },
  };
}
