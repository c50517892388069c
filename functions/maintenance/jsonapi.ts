import { GatewayError } from '../kernel/errors.js';
import { MAX_BODY_BYTES, json, type HttpEvent, type HttpResult } from '../kernel/http.js';

/**
 * JSON:API wire helpers for the maintenance API (/airlock/rest): error documents, and request
 * bodies as real Airlock clients send them (empty, `null`, JSON with or without Content-Type, or JSON encoded
 * twice as a string, as pyAirlock's activate does).
 */
export interface JsonApiError {
  status: string;
  code: string;
  title: string;
  detail: string;
}

const TITLES: Record<number, string> = {
  400: 'Bad Request',
  401: 'Unauthorized',
  403: 'Forbidden',
  404: 'Not Found',
  409: 'Conflict',
  413: 'Payload Too Large',
  415: 'Unsupported Media Type',
  500: 'Internal Server Error',
};

/** A refusal carrying one or more JSON:API errors (the first one's status is the answer's). */
export function maintenanceError(status: number, code: string, detail: string, more: JsonApiError[] = []): GatewayError {
  return new GatewayError(status, code, detail, { errors: more });
}

/** `BadRequest` → `BAD_REQUEST`: gateway error codes in Airlock's style. */
const upperSnake = (code: string) => code.replace(/([a-z0-9])([A-Z])/g, '$1_$2').toUpperCase();

export function errorDocument(err: GatewayError): HttpResult {
  const extra = (err.details as { errors?: JsonApiError[] } | undefined)?.errors ?? [];
  const first: JsonApiError = { status: String(err.status), code: upperSnake(err.code), title: TITLES[err.status] ?? 'Error', detail: err.message };
  return json(err.status, { errors: extra.length ? extra : [first] }, { ...err.headers, 'content-type': 'application/json' });
}

/** The body as a value: undefined for empty or `null`; 400 for anything that is not JSON; 413 when too large. */
export function tolerantBody(event: HttpEvent): unknown {
  const raw = event.body ? (event.isBase64Encoded ? Buffer.from(event.body, 'base64').toString('utf8') : event.body) : '';
  if (Buffer.byteLength(raw) > MAX_BODY_BYTES) throw maintenanceError(413, 'PAYLOAD_TOO_LARGE', `Request bodies are limited to ${MAX_BODY_BYTES} bytes.`);
  if (raw.trim() === '') return undefined;
  let value: unknown;
  try {
    value = JSON.parse(raw);
    if (typeof value === 'string' && /^\s*[{[]/.test(value)) value = JSON.parse(value);
  } catch {
    throw maintenanceError(400, 'BAD_REQUEST', 'The request body is not valid JSON.');
  }
  return value ?? undefined;
}

export const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);
