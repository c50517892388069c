import { json } from './http.js';
import { httpHandler } from '../wiring/http-handler.js';

/** The API's default route: any path no other route claims gets a JSON 404, not API Gateway's bare one. */
export const handler = httpHandler().handler(async (event) => json(404, { code: 'NotFound', message: `No route for ${event.requestContext.http.method} ${event.rawPath}.`, status: 404 }));
