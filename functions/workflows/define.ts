import type { Output, Schema } from '../kernel/validation.js';
import type { BamApi } from '../bam/clients.js';
import type { MonitoringState } from '../monitor/domain/monitor-machine.js';
import type { NodeState } from '../group/node-state.js';
import { isRoutePattern } from '../kernel/path-match.js';

/**
 * What a workflow module is written with (docs/workflows.md). A module runs only in its own
 * runner function; the trusted side knows it through the generated manifest alone.
 */
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
  /** Validated input: query string and JSON body as the route's schemas parsed them; `{name}` / `{name+}` path segments in `params`. */
  input: { query: Q; body: B; params: Record<string, string> };
  request: {
    method: HttpMethod;
    path: string;
    headers: Record<string, string | undefined>;
  };
}

/** A status and JSON body, or an attachment: what `created()`, `noContent()`, `answer()` and `attachment()` build. */
export interface WorkflowAnswer {
  readonly statusCode: number;
  readonly headers: Record<string, string>;
  readonly body?: string;
}

export interface WorkflowRoute<Q extends Schema = Schema, B extends Schema = Schema> {
  method: HttpMethod;
  /** Path below the workflow's prefix: `/get_configurations`, `/blocks/{id}`, or `/zones/{path+}/records` (one segment or more). */
  path: string;
  /** Permission the caller needs; defaults to the workflow's name. */
  permission?: string;
  /** zod/mini schema of the query string (an object of strings); bad input is a 400 naming the field. */
  query?: Q;
  /** Schema of the JSON body; its presence makes a JSON body required. */
  body?: B;
  /** Schema of the answer, for the OpenAPI document (/openapi.json): every route documents one. */
  response?: Schema;
  /** The status the answer comes with: 200, 201 for `created(...)`, 204 for `noContent()`. */
  responseStatus?: 200 | 201 | 204;
  /** One line for the API reference. */
  summary?: string;
  /** Answers a JSON-serialisable value (sent as 200) or one of the answers built below. */
  handler: (ctx: WorkflowContext<Output<Q>, Output<B>>) => Promise<unknown>;
}

export interface Workflow {
  /** URL prefix and default permission: routes live under `/<name>/...`. The module's file is `<name>.ts`. */
  name: string;
  /** The message of the 500 (and 502/504) answered when the workflow fails unexpectedly. */
  defaultMessage: string;
  routes: WorkflowRoute<any, any>[];
}

/** First path segments the gateway itself serves: no workflow may take them. */
export const RESERVED_WORKFLOW_NAMES = ['rest_login', 'rest_logout', 'failover_monitoring', 'admin', 'ag', 'airlock', 'ui', 'docs', 'openapi', '_local'];

/** Declares one route; a function so TypeScript infers the handler's input types from the schemas. */
export function route<Q extends Schema = Schema, B extends Schema = Schema>(r: WorkflowRoute<Q, B>): WorkflowRoute<Q, B> {
  return r;
}

export function defineWorkflow(w: Workflow): Workflow {
  if (!/^[a-z][a-z0-9_]{0,62}$/.test(w.name)) throw new Error(`workflow name "${w.name}" must be lower-case letters, digits and _ (at most 63)`);
  if (RESERVED_WORKFLOW_NAMES.includes(w.name)) throw new Error(`workflow name "${w.name}" is a path the gateway serves itself`);
  if (!w.defaultMessage) throw new Error(`workflow ${w.name}: defaultMessage is required`);
  const seen = new Set<string>();
  for (const r of w.routes) {
    if (!isRoutePattern(r.path)) throw new Error(`workflow ${w.name}: route path "${r.path}" must start with / and hold only letters, digits, _ - . / and {params} (at most one {name+})`);
    const key = `${r.method} ${r.path}`;
    if (seen.has(key)) throw new Error(`workflow ${w.name}: route ${key} is declared twice`);
    seen.add(key);
  }
  return w;
}

const JSON_TYPE = { 'content-type': 'application/json' };

/** An answer with this status and JSON body (statuses the gateway passes: 200, 201, 202, 204, and 4xx errors; see docs/workflows.md). */
export function answer(statusCode: number, body: unknown, headers: { 'retry-after'?: string } = {}): WorkflowAnswer {
  return { statusCode, headers: { ...JSON_TYPE, ...headers }, body: JSON.stringify(body) };
}

/** A 201 answer, for routes that create something. */
export function created(body: unknown): WorkflowAnswer {
  return answer(201, body);
}

/** A 204 answer without a body, for routes that delete something. */
export function noContent(): WorkflowAnswer {
  return { statusCode: 204, headers: {} };
}

/** Text served as a download (`text/csv` or `text/plain`), never rendered by the browser. */
export function attachment(contentType: 'text/csv' | 'text/plain', filename: string, text: string): WorkflowAnswer {
  return { statusCode: 200, headers: { 'content-type': `${contentType}; charset=utf-8`, 'content-disposition': `attachment; filename="${filename}"` }, body: text };
}

export function isWorkflowAnswer(v: unknown): v is WorkflowAnswer {
  return Boolean(v && typeof v === 'object' && 'statusCode' in v && typeof (v as WorkflowAnswer).statusCode === 'number');
}
