import type { BamApi } from '../bam/clients.js';
import type { HttpResult } from '../commons/http.js';
import type { MonitoringState } from '../domain/monitor-machine.js';

export type HttpMethod = 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';

/** What a workflow handler receives (the serverless form of BlueCat's `g.user` and `app.platform`). */
export interface WorkflowContext {
  user: { username: string; bamApi: BamApi };
  platform: {
    failoverMonitoringManager: { primaryUrl: string | null; monitoringState: MonitoringState };
  };
  request: {
    method: HttpMethod;
    path: string;
    query: Record<string, string>;
    headers: Record<string, string | undefined>;
    body: string | undefined;
  };
}

export interface WorkflowRoute {
  method: HttpMethod;
  /** Path below the workflow's own prefix, e.g. `/get_configurations`. */
  path: string;
  /** Permission the caller needs; defaults to the workflow's name. */
  permission?: string;
  /** Answers a JSON-serialisable value (sent as 200) or a full HTTP result. */
  handler: (ctx: WorkflowContext) => Promise<unknown>;
}

export interface Workflow {
  /** URL prefix and default permission: routes live under `/<name>/...`. */
  name: string;
  /** The message of the 500 answered when the workflow fails unexpectedly. */
  defaultMessage: string;
  routes: WorkflowRoute[];
}

export function defineWorkflow(w: Workflow): Workflow {
  if (!/^[a-z][a-z0-9_]*$/.test(w.name)) throw new Error(`workflow name "${w.name}" must be lower-case letters, digits and _`);
  for (const r of w.routes) if (!r.path.startsWith('/')) throw new Error(`workflow ${w.name}: route path "${r.path}" must start with /`);
  return w;
}

export function isHttpResult(v: unknown): v is HttpResult {
  return Boolean(v && typeof v === 'object' && 'statusCode' in v && typeof (v as HttpResult).statusCode === 'number');
}
