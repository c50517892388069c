import type { Output, Schema } from '../commons/validation.js';
import type { BamApi } from '../bam/clients.js';
import { badRequest } from '../commons/errors.js';
import type { HttpResult } from '../commons/http.js';
import type { MonitoringState } from '../domain/monitor-machine.js';
import type { NodeState } from '../group/node-state.js';

export type HttpMethod = 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';

/** The live platform state a workflow may read (BlueCat's `app.platform`). */
export interface Platform {
  failoverMonitoringManager: { primaryUrl: string | null; monitoringState: MonitoringState };
  /** The availability group as this node sees it (BlueCat's `availability_group.api.get_node_state()`). */
  availability: { getNodeState: () => Promise<NodeState> };
}

/** What a workflow handler receives (the serverless form of BlueCat's `g.user`, `app.platform` and the request). */
export interface WorkflowContext<Q = Record<string, string>, B = unknown> {
  user: { username: string; bamApi: BamApi };
  platform: Platform;
  /** Validated input: query string and JSON body as the route's schemas parsed them; `{name}` path segments in `params`. */
  input: { query: Q; body: B; params: Record<string, string> };
  request: {
    method: HttpMethod;
    path: string;
    headers: Record<string, string | undefined>;
  };
}

export interface WorkflowRoute<Q extends Schema = Schema, B extends Schema = Schema> {
  method: HttpMethod;
  /** Path below the workflow's prefix, e.g. `/get_configurations` or `/blocks/{id}`. */
  path: string;
  /** Permission the caller needs; defaults to the workflow's name. */
  permission?: string;
  /** zod/mini schema of the query string (an object of strings); bad input is a 400 naming the field. */
  query?: Q;
  /** Schema of the JSON body; its presence makes a JSON body required. */
  body?: B;
  /** Schema of the answer, for the OpenAPI document (/openapi.json): every route documents one. */
  response?: Schema;
  /** The status the answer comes with: 200, or 201 for a route that answers `created(...)`. */
  responseStatus?: 200 | 201;
  /** One line for the API reference. */
  summary?: string;
  /** Answers a JSON-serialisable value (sent as 200) or a full HTTP result (see `created()`). */
  handler: (ctx: WorkflowContext<Output<Q>, Output<B>>) => Promise<unknown>;
}

export interface Workflow {
  /** URL prefix and default permission: routes live under `/<name>/...`. */
  name: string;
  /** The message of the 500 answered when the workflow fails unexpectedly. */
  defaultMessage: string;
  routes: WorkflowRoute<any, any>[];
}

/** Declares one route; a function so TypeScript infers the handler's input types from the schemas. */
export function route<Q extends Schema = Schema, B extends Schema = Schema>(r: WorkflowRoute<Q, B>): WorkflowRoute<Q, B> {
  return r;
}

export function defineWorkflow(w: Workflow): Workflow {
  if (!/^[a-z][a-z0-9_]*$/.test(w.name)) throw new Error(`workflow name "${w.name}" must be lower-case letters, digits and _`);
  if (!w.defaultMessage) throw new Error(`workflow ${w.name}: defaultMessage is required`);
  const seen = new Set<string>();
  for (const r of w.routes) {
    if (!/^\/[A-Za-z0-9_\-/{}]*$/.test(r.path)) throw new Error(`workflow ${w.name}: route path "${r.path}" must start with / and hold only letters, digits, _ - / and {params}`);
    const key = `${r.method} ${r.path}`;
    if (seen.has(key)) throw new Error(`workflow ${w.name}: route ${key} is declared twice`);
    seen.add(key);
  }
  return w;
}

/** Checks a set of workflows can be served together: unique names (they are URL prefixes). */
export function checkWorkflows(list: Workflow[]): Workflow[] {
  const names = list.map((w) => w.name);
  const dup = names.find((n, i) => names.indexOf(n) !== i);
  if (dup) throw new Error(`two workflows are named "${dup}"`);
  return list;
}

/** A 201 answer, for routes that create something. */
export function created(body: unknown): HttpResult {
  return { statusCode: 201, headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) };
}

export function isHttpResult(v: unknown): v is HttpResult {
  return Boolean(v && typeof v === 'object' && 'statusCode' in v && typeof (v as HttpResult).statusCode === 'number');
}

/** Matches a request sub-path against a route path with `{name}` segments; answers the params or null. */
export function matchPath(pattern: string, path: string): Record<string, string> | null {
  const p = pattern.split('/').filter(Boolean);
  const a = path.split('/').filter(Boolean);
  if (p.length !== a.length) return null;
  const params: Record<string, string> = {};
  for (let i = 0; i < p.length; i++) {
    const seg = p[i]!;
    if (seg.startsWith('{') && seg.endsWith('}')) {
      params[seg.slice(1, -1)] = pathParam(seg.slice(1, -1), a[i]!);
    } else if (seg !== a[i]) return null;
  }
  return params;
}

/**
 * One decoded `{name}` segment. Decoding happens after the path was split, so `%2F` and friends
 * would smuggle separators into a value that a workflow may put in a BAM path: refused (400).
 */
function pathParam(name: string, raw: string): string {
  let value: string;
  try {
    value = decodeURIComponent(raw);
  } catch {
    throw badRequest(`Malformed percent-encoding in the path segment "${raw}".`);
  }
  // eslint-disable-next-line no-control-regex
  if (/[/?#\\\u0000-\u001f\u007f]/.test(value) || value === '.' || value === '..') {
    throw badRequest(`Path parameter "${name}" may not contain / ? # \\ or control characters, nor be . or ..`, [{ field: name, problem: 'forbidden character' }]);
  }
  return value;
}
