import type { APIGatewayProxyEventV2, APIGatewayProxyStructuredResultV2, Context } from 'aws-lambda';
import { staticRoutes, type HandlerName } from '../wiring/routes.js';

export type HttpLambda = (event: APIGatewayProxyEventV2, context: Context) => Promise<APIGatewayProxyStructuredResultV2>;

/**
 * A Lambda function that hosts several of the gateway's own routes: API Gateway names the matched
 * route in `event.routeKey`, and the route table says which handler serves it. (The workflows
 * function serves every workflow route with one handler: it needs no dispatch, nor the manifest's
 * route list in the other functions' bundles.)
 */
export function dispatch(handlers: Partial<Record<HandlerName, HttpLambda>>): HttpLambda {
  const byRoute = new Map(staticRoutes.filter((r) => handlers[r.handler]).map((r) => [r.routeKey, handlers[r.handler]!]));
  return async (event, context) => {
    const handler = byRoute.get(event.routeKey);
    if (!handler) {
      // A route wired to the wrong function is a deployment bug, not a client error.
      return {
        statusCode: 500,
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ code: 'MisroutedRequest', message: `This function does not serve ${event.routeKey}.`, status: 500 }),
      };
    }
    return handler(event, context);
  };
}
