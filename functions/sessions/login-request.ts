import { GatewayError, badRequest, forbidden } from '../kernel/errors.js';
import { MAX_BODY_BYTES, isJsonContentType, parseJsonBody, type HttpEvent } from '../kernel/http.js';
import { boundaryOf, LOGIN_FORM_LIMITS, parseMultipart } from '../kernel/multipart.js';
import { validate } from '../kernel/validation.js';
import { LoginBody } from './login-body.js';
import type { LoginRequest } from './domain/login-target.js';

/**
 * `POST /rest_login`'s body in the three forms BlueCat Gateway's clients send: JSON,
 * `application/x-www-form-urlencoded` (BlueCat's Rundeck plugin, `curl -d`) and
 * `multipart/form-data` (BlueCat's Postman collections), all checked by the same schema, so the
 * answers are the same. Forms are what a page of another site can post without asking: the
 * csrf middleware refuses a browser's cross-site login (Origin, Sec-Fetch-Site) for every body,
 * and a form submitted by a browser navigation is refused here too, whatever its site.
 */
export function parseLoginRequest(event: HttpEvent): LoginRequest {
  const type = (event.headers?.['content-type'] ?? '').trim();
  if (isJsonContentType(event)) return parseJsonBody(event, LoginBody);
  const form = /^application\/x-www-form-urlencoded\s*(;|$)/i.test(type) ? 'urlencoded' : /^multipart\/form-data\s*(;|$)/i.test(type) ? 'multipart' : undefined;
  if (!form) {
    if (!event.body) throw badRequest('A login body is required: username and password.');
    throw new GatewayError(415, 'UnsupportedMediaType', 'Send the login as application/json, application/x-www-form-urlencoded or multipart/form-data.');
  }
  refuseBrowserFormPost(event);
  const raw = event.body ? Buffer.from(event.body, event.isBase64Encoded ? 'base64' : 'utf8') : Buffer.alloc(0);
  if (raw.length > MAX_BODY_BYTES) throw new GatewayError(413, 'PayloadTooLarge', `Request body exceeds ${MAX_BODY_BYTES} bytes.`);
  if (raw.length === 0) throw badRequest('A login body is required: username and password.');
  const fields = form === 'urlencoded' ? urlEncodedFields(raw, type) : parseMultipart(raw, boundaryOf(type), LOGIN_FORM_LIMITS);
  const data: Record<string, string> = {};
  for (const { name, value } of fields) {
    if (Object.hasOwn(data, name)) throw badRequest(`The field "${name.slice(0, 64)}" is given twice.`, [{ field: name.slice(0, 64), problem: 'given twice' }]);
    data[name] = value;
  }
  const parsed = validate(LoginBody, data);
  if (!parsed.ok) {
    const details = parsed.issues.map((i) => ({ field: i.field || '(body)', problem: i.problem }));
    throw badRequest(`Invalid request body: ${details.map((d) => `${d.field}: ${d.problem}`).join('; ')}`, details);
  }
  return parsed.data;
}

function urlEncodedFields(raw: Buffer, type: string): { name: string; value: string }[] {
  const charset = /;\s*charset="?([^";\s]+)"?/i.exec(type)?.[1];
  if (charset && !/^(utf-8|us-ascii)$/i.test(charset)) throw new GatewayError(415, 'UnsupportedMediaType', `Form bodies are read as UTF-8, not ${charset.slice(0, 40)}.`);
  const fields = [...new URLSearchParams(raw.toString('utf8'))].map(([name, value]) => ({ name, value }));
  if (fields.length > LOGIN_FORM_LIMITS.maxParts) throw badRequest(`A form body may hold at most ${LOGIN_FORM_LIMITS.maxParts} fields.`);
  return fields;
}

/**
 * A login form a browser submits as a page navigation (`<form method=post>`, Fetch Metadata
 * `Sec-Fetch-Mode: navigate` or a document destination): no client this route serves does that,
 * and it is the shape of a login-CSRF attack.
 */
function refuseBrowserFormPost(event: HttpEvent): void {
  const h = event.headers ?? {};
  const mode = h['sec-fetch-mode']?.trim().toLowerCase();
  const dest = h['sec-fetch-dest']?.trim().toLowerCase();
  if (mode === 'navigate' || mode === 'nested-navigate' || ['document', 'iframe', 'frame', 'embed', 'object'].includes(dest ?? '')) {
    throw forbidden('A login form submitted by a browser page is refused (login CSRF): scripts may post forms, the web UI logs in with JSON.');
  }
}
