import type { APIGatewayProxyEventV2, APIGatewayProxyStructuredResultV2 } from 'aws-lambda';
import { validate, type Output, type Schema } from './validation.js';
import { GatewayError, badRequest } from './errors.js';

export type HttpEvent = APIGatewayProxyEventV2;
export type HttpResult = APIGatewayProxyStructuredResultV2;

/** Bodies above this are refused before parsing (API Gateway itself allows 10 MB). */
export const MAX_BODY_BYTES = 1024 * 1024;

export function json(statusCode: number, body: unknown, headers: Record<string, string> = {}, cookies?: string[]): HttpResult {
  return {
    statusCode,
    headers: { 'content-type': 'application/json', 'cache-control': 'no-store', ...headers },
    body: JSON.stringify(body),
    ...(cookies ? { cookies } : {}),
  };
}

/** `application/json` or any `+json` type, with optional parameters (charset). */
const JSON_CONTENT_TYPE = /^application\/(?:[a-z0-9!#$&^_.-]+\+)?json\s*(?:;.*)?$/i;

/**
 * A JSON body must say so: text/plain or a form can be sent cross-site by any page without a
 * CORS preflight (CSRF), application/json cannot. 415 otherwise.
 */
/** Whether the request declares a JSON body (application/json, or a +json type, with parameters). */
export function isJsonContentType(event: HttpEvent): boolean {
  return JSON_CONTENT_TYPE.test((event.headers?.['content-type'] ?? '').trim());
}

export function requireJsonContentType(event: HttpEvent): void {
  if (!isJsonContentType(event)) {
    throw new GatewayError(415, 'UnsupportedMediaType', 'Send the request body as JSON, with Content-Type: application/json.');
  }
}

/** Reads a required JSON body: 413 when too large, 415 when not declared JSON, 400 when empty or malformed. */
export function readJsonBody(event: HttpEvent): unknown {
  const raw = event.body ? (event.isBase64Encoded ? Buffer.from(event.body, 'base64').toString('utf8') : event.body) : '';
  if (Buffer.byteLength(raw) > MAX_BODY_BYTES) throw new GatewayError(413, 'PayloadTooLarge', `Request body exceeds ${MAX_BODY_BYTES} bytes.`);
  if (raw.trim() === '') throw badRequest('A JSON request body is required.');
  requireJsonContentType(event);
  try {
    return JSON.parse(raw);
  } catch {
    throw badRequest('Request body is not valid JSON.');
  }
}

/** Parses and validates a JSON body: readJsonBody's answers, and 400 when of the wrong shape. */
export function parseJsonBody<S extends Schema>(event: HttpEvent, schema: S): Output<S> {
  const data = readJsonBody(event);
  const parsed = validate(schema, data);
  if (!parsed.ok) {
    const details = parsed.issues.map((i) => ({ field: i.field || '(body)', problem: i.problem }));
    throw badRequest(`Invalid request body: ${details.map((d) => `${d.field}: ${d.problem}`).join('; ')}`, details);
  }
  return parsed.data;
}
