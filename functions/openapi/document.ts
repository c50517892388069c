import * as z from 'zod/mini';
import type { RouteDef } from '../kernel/route-table.js';
import type { ManifestRoute, ManifestWorkflow } from '../workflows/manifest-schema.js';
import * as s from './schemas.js';
import { operationDocs as defaultDocs, type JsonSchemaDoc, type OperationDoc, type Security } from './operation-docs.js';

/**
 * The OpenAPI 3.1 document, built from the route table: each explicit route, each `{proxy+}` route
 * expanded into the routes behind it (the admin handler's, /airlock/rest's, each workflow's), with
 * zod's JSON Schema for bodies, query strings and answers. Routes with no documentation still
 * appear (so routes added later show up at once) and are listed in `undocumented`.
 */
export interface OpenApiSources {
  routes: RouteDef[];
  /** The workflow manifest's entries (their schemas are JSON Schema already). */
  workflows: ManifestWorkflow[];
  /** "METHOD path" of the admin routes (functions/handlers/admin.ts). */
  adminRouteKeys: string[];
  docs?: Record<string, OperationDoc>;
  /** Local mode names the session cookie gateway_session; AWS __Host-gateway_session. */
  localMode?: boolean;
  version?: string;
}

type Json = Record<string, unknown>;

const ERROR_TEXT: Record<number, string> = {
  400: 'Bad request: the message names the field',
  401: 'No valid session (or it ended: SessionEndedByFailover, SessionEndedByMaintenance)',
  403: 'Not allowed (permission, admin rights, path rights, cross-site cookie use, or a request that bypassed the edge)',
  404: 'Not found',
  405: 'Method not allowed on this path',
  409: 'Conflict',
  412: 'The precondition (epoch) no longer holds',
  413: 'Body over 1 MB',
  415: 'The body was not sent as JSON',
  429: 'Too many login attempts: wait Retry-After seconds',
  500: 'Unexpected error, with a correlation_id to look up in the logs',
  502: 'Address Manager failed',
  503: "Address Manager failover in progress (BlueCat's body); retry after Retry-After seconds",
  504: 'Address Manager did not answer in time',
};

/** zod → JSON Schema 2020-12 (OpenAPI 3.1's dialect), without the $schema line; a JSON Schema (the manifest's) as it is. */
function jsonSchema(schema: z.ZodMiniType | JsonSchemaDoc, io: 'input' | 'output'): Json {
  if (!('_zod' in schema)) return schema;
  const { $schema: _drop, ...rest } = z.toJSONSchema(schema as z.ZodMiniType, { io, unrepresentable: 'any' }) as Json;
  return rest;
}

const ref = (name: string) => ({ $ref: `#/components/schemas/${name}` });
const retryAfter = { 'Retry-After': { description: 'Seconds to wait before retrying', schema: { type: 'integer' } } };

function errorResponse(status: number, jsonApi: boolean): Json {
  if (status === 503 && !jsonApi) return { description: ERROR_TEXT[503], headers: retryAfter, content: { 'application/json': { schema: ref('FailoverInProgress') } } };
  return {
    description: ERROR_TEXT[status] ?? 'Error',
    ...(status === 429 ? { headers: retryAfter } : {}),
    content: { 'application/json': { schema: ref(jsonApi ? 'JsonApiErrors' : 'Error') } },
  };
}

function securityOf(sec: Security): Json[] {
  switch (sec) {
    case 'public':
      return [];
    case 'session':
      return [{ bearer: [] }, { bamAuth: [] }, { sessionCookie: [] }];
    case 'tenant-or-session':
      return [{ tenantToken: [] }, { bearer: [] }];
    case 'airlock-session':
      return [{ airlockSession: [] }];
  }
}

function pathParams(path: string): Json[] {
  return [...path.matchAll(/\{([^}+]+)\+?\}/g)].map((m) => ({ name: m[1], in: 'path', required: true, schema: { type: 'string' } }));
}

function queryParams(schema: z.ZodMiniType | JsonSchemaDoc | undefined): Json[] {
  if (!schema) return [];
  const js = jsonSchema(schema, 'input') as { properties?: Record<string, Json>; required?: string[] };
  return Object.entries(js.properties ?? {}).map(([name, p]) => ({ name, in: 'query', required: (js.required ?? []).includes(name), schema: p }));
}

function operation(key: string, doc: OperationDoc, path: string): Json {
  const defaultErrors = doc.security === 'public' ? [500] : doc.security === 'airlock-session' ? [401, 500] : [401, 500, 503];
  const errors = [...new Set([...doc.errors, ...defaultErrors])].sort();
  const ok: Json = { description: doc.ok.description };
  if (doc.ok.setsCookie) ok.headers = { 'Set-Cookie': { description: doc.ok.setsCookie, schema: { type: 'string' } } };
  if (doc.ok.schema) {
    const type = key.startsWith('GET /docs') && !key.includes('json') ? (key === 'GET /docs' ? 'text/html' : 'text/plain') : 'application/json';
    ok.content = { [type]: { schema: jsonSchema(doc.ok.schema, 'output') } };
  }
  return {
    operationId: operationId(key),
    summary: doc.summary,
    ...(doc.description ? { description: doc.description } : {}),
    tags: [doc.tag],
    security: securityOf(doc.security),
    parameters: [...pathParams(path), ...queryParams(doc.query)],
    ...(doc.body ? { requestBody: { required: !doc.bodyOptional, content: { 'application/json': { schema: jsonSchema(doc.body, 'input') } } } } : {}),
    responses: { [String(doc.ok.status)]: ok, ...Object.fromEntries(errors.map((st) => [String(st), errorResponse(st, Boolean(doc.jsonApi))])) },
  };
}

function operationId(key: string): string {
  const words = key
    .replace(/[{}+]/g, '')
    .split(/[^A-Za-z0-9]+/)
    .filter(Boolean);
  return words.map((w, i) => (i === 0 ? w.toLowerCase() : w[0]!.toUpperCase() + w.slice(1))).join('');
}

function workflowDoc(w: ManifestWorkflow, r: ManifestRoute): OperationDoc | undefined {
  if (!r.response && r.responseStatus !== 204) return undefined;
  const errors = [400, 403, 404, 409, 502, 504, ...(r.hasBody ? [413, 415] : [])];
  return {
    summary: r.summary ?? `${r.method} /${w.name}${r.path}`,
    description: `Workflow ${w.name}; permission ${r.permission} (gateway admins hold every permission).`,
    tag: `workflow: ${w.name}`,
    security: 'session',
    ...(r.query ? { query: r.query } : {}),
    ...(r.body ? { body: r.body } : {}),
    ok: { status: r.responseStatus, description: 'The workflow answer', ...(r.response ? { schema: r.response } : { noContent: true as const }) },
    errors,
  };
}

const placeholder = (key: string): OperationDoc => ({
  summary: `${key} (not documented yet)`,
  tag: 'undocumented',
  security: 'session',
  ok: { status: 200, description: 'Not documented yet' },
  errors: [],
});

/** The document; `undocumented`: routes with no documentation; `unused`: documentation of no route. */
export function buildOpenApi(src: OpenApiSources): { document: Json; undocumented: string[]; unused: string[] } {
  const docs = src.docs ?? defaultDocs;
  const paths: Record<string, Json> = {};
  const undocumented: string[] = [];
  const used = new Set<string>();
  const add = (key: string, doc: OperationDoc | undefined) => {
    const [method, path] = key.split(' ') as [string, string];
    if (!doc) undocumented.push(key);
    else used.add(key);
    // OpenAPI has no {name+}: a greedy parameter is written as a plain one.
    const openApiPath = path.replace(/\{([A-Za-z0-9_]+)\+\}/g, '{$1}');
    const item = (paths[openApiPath] ??= {});
    const methods = method === 'ANY' ? ['get', 'post', 'put', 'patch', 'delete'] : [method.toLowerCase()];
    for (const m of methods) item[m] = operation(method === 'ANY' ? `${m.toUpperCase()} ${path}` : key, doc ?? placeholder(key), path);
  };

  for (const r of src.routes) {
    if (r.routeKey === '$default') continue;
    const [, path] = r.routeKey.split(' ') as [string, string];
    if (!path.endsWith('/{proxy+}') || docs[r.routeKey]) {
      add(r.routeKey, docs[r.routeKey]);
      continue;
    }
    const prefix = path.slice(0, -'/{proxy+}'.length);
    const workflow = src.workflows.find((w) => `/${w.name}` === prefix);
    if (workflow) {
      for (const wr of workflow.routes) add(`${wr.method} ${prefix}${wr.path}`, workflowDoc(workflow, wr));
    } else if (prefix === '/admin') {
      for (const k of src.adminRouteKeys) add(k, docs[k]);
    } else {
      const below = Object.keys(docs).filter((k) => k.split(' ')[1]!.startsWith(`${prefix}/`));
      if (below.length === 0) add(r.routeKey, undefined);
      for (const k of below) add(k, docs[k]);
    }
  }

  const cookie = src.localMode ? 'gateway_session' : '__Host-gateway_session';
  const document: Json = {
    openapi: '3.1.0',
    info: {
      title: 'Failover Gateway',
      version: src.version ?? '0.1.0',
      summary: 'BlueCat Gateway-compatible sessions, failover monitoring, workflows, the availability group and Airlock-style maintenance, in front of a BAM replication cluster.',
      license: { name: 'MIT', identifier: 'MIT' },
    },
    servers: [{ url: '/' }],
    paths,
    components: {
      schemas: { Error: jsonSchema(s.ErrorEnvelope, 'output'), FailoverInProgress: jsonSchema(s.FailoverInProgress, 'output'), JsonApiErrors: jsonSchema(s.JsonApiErrors, 'output') },
      securitySchemes: {
        bearer: { type: 'http', scheme: 'bearer', description: 'Authorization: Bearer <token> (the access_token of /rest_login, with or without "BAMAuthToken: ")' },
        bamAuth: { type: 'apiKey', in: 'header', name: 'auth', description: "BlueCat's form: auth: Basic BAMAuthToken: <token>; without a scheme too (auth: BAMAuthToken: <token>, auth: <token>)" },
        sessionCookie: { type: 'apiKey', in: 'cookie', name: cookie, description: 'The cookie /rest_login sets; changes it authenticates are refused cross-site' },
        tenantToken: { type: 'http', scheme: 'bearer', bearerFormat: 'JWT', description: 'A tenant token (npm run user-manager), to open an /airlock/rest session' },
        airlockSession: { type: 'apiKey', in: 'cookie', name: 'JSESSIONID', description: 'The /airlock/rest session of POST /airlock/rest/session/create' },
      },
    },
  };
  return { document, undocumented, unused: Object.keys(docs).filter((k) => !used.has(k)) };
}
