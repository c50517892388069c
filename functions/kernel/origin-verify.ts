import type middy from '@middy/core';
import type { Context } from 'aws-lambda';
import { GatewayError } from './errors.js';
import type { HttpResult } from './http.js';
import type { VerifiedEvent } from './client-address.js';
import { secretsEqual } from './secrets-equal.js';

/** The header CloudFront adds to every origin request (lib/edge.ts), with the secret's value. */
export const ORIGIN_VERIFY_HEADER = 'x-origin-verify';

/**
 * Behind the CloudFront + WAF edge, the API's own execute-api address stays public: a request that
 * does not carry the distribution's secret header came around the WAF and is refused (403
 * `DirectAccessRefused`) before anything else runs. Active only with a secret (CDK sets
 * ORIGIN_VERIFY_SECRET_ARN only with an edge) and never in local mode. An accepted request is marked
 * `originVerified` (so its viewer address is trusted) and loses the header, which no handler or
 * workflow code needs to see.
 */
export function originVerify(o: { secretArn: string | undefined; localMode: boolean; loadSecret: (arn: string) => Promise<string> }): middy.MiddlewareObj<VerifiedEvent, HttpResult, Error, Context> {
  const { secretArn: arn, localMode, loadSecret } = o;
  return {
    before: async (request) => {
      if (!arn || localMode) return;
      const expected = await loadSecret(arn);
      const headers = request.event.headers ?? {};
      const sent = headers[ORIGIN_VERIFY_HEADER];
      if (sent === undefined || !secretsEqual(sent, expected)) {
        throw new GatewayError(403, 'DirectAccessRefused', "Call the gateway through its CloudFront address, not the API's own address.");
      }
      delete headers[ORIGIN_VERIFY_HEADER];
      request.event.originVerified = true;
    },
  };
}
