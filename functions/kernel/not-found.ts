import { json } from './http.js';
import type { Route } from './http-route.js';

/** The API's default route: any path no other route claims gets a JSON 404, not API Gateway's bare one. */
export const notFoundRoute: Route = {
  auth: 'public',
  handle: async (event) => json(404, { code: 'NotFound', message: `No route for ${event.requestContext.http.method} ${event.rawPath}.`, status: 404 }),
};
