import * as z from 'zod/mini';
import { isRoutePattern } from '../kernel/path-match.js';
import { validate } from '../kernel/validation.js';

/**
 * The workflow manifest: everything the trusted side knows of the workflow modules (routes,
 * permissions, input and answer schemas as JSON Schema), generated from them by
 * `npm run gen:workflows` in a sandboxed process of its own (bin/gen-workflows.ts). Trusted code
 * reads this data and never imports a module. It is checked against this schema both when it is
 * generated and when the CDK app reads it: the modules are code the operators may trust less.
 */
export type JsonSchema = Record<string, unknown>;

const name = z.string().check(z.regex(/^[a-z][a-z0-9_]{0,62}$/));
const permission = z.string().check(z.regex(/^[A-Za-z0-9_.@+-]{1,128}$/));
const text = (max: number) => z.string().check(z.minLength(1), z.maxLength(max));
/** A JSON Schema object (the sizes are checked on the whole manifest). */
const jsonSchema = z.record(z.string(), z.unknown());

export const ManifestRouteSchema = z.strictObject({
  method: z.enum(['GET', 'POST', 'PUT', 'PATCH', 'DELETE']),
  path: z.string().check(
    z.maxLength(512),
    z.refine((p) => isRoutePattern(p), 'a route path: /literal, {name} and at most one {name+} segments'),
  ),
  permission,
  summary: z.optional(text(200)),
  responseStatus: z.union([z.literal(200), z.literal(201), z.literal(204)]),
  hasBody: z.boolean(),
  query: z.optional(jsonSchema),
  body: z.optional(jsonSchema),
  response: z.optional(jsonSchema),
});

export const ManifestWorkflowSchema = z.strictObject({
  name,
  /** The module's file below functions/workflows/modules/ (always `<name>.ts`). */
  module: z.string().check(z.regex(/^[a-z][a-z0-9_]{0,62}\.ts$/)),
  /** sha256 over the module's source and every file it imports (bin/gen-workflows.ts): a stale manifest is refused. */
  sourceHash: z.string().check(z.regex(/^[0-9a-f]{64}$/)),
  defaultMessage: text(300),
  routes: z.array(ManifestRouteSchema).check(z.maxLength(200)),
});

export const WorkflowManifestSchema = z.strictObject({ workflows: z.array(ManifestWorkflowSchema) });

export type ManifestRoute = z.output<typeof ManifestRouteSchema>;
export type ManifestWorkflow = z.output<typeof ManifestWorkflowSchema>;
export type WorkflowManifest = z.output<typeof WorkflowManifestSchema>;

/**
 * The manifest is written in two files: the routing part (manifest.ts), which every API function
 * carries, and the JSON Schemas (manifest-schemas.ts), which only the OpenAPI document needs.
 */
export type RouteSchemas = Pick<ManifestRoute, 'query' | 'body' | 'response'>;
export type RoutingRoute = Omit<ManifestRoute, keyof RouteSchemas>;
export type RoutingWorkflow = Omit<ManifestWorkflow, 'routes'> & { routes: RoutingRoute[] };
export interface WorkflowRouting {
  workflows: RoutingWorkflow[];
}
/** Schemas by workflow name, then by `METHOD path`. */
export type WorkflowSchemas = Record<string, Record<string, RouteSchemas>>;

export function splitManifest(m: WorkflowManifest): { routing: WorkflowRouting; schemas: WorkflowSchemas } {
  const schemas: WorkflowSchemas = {};
  const routing = {
    workflows: m.workflows.map((w) => ({
      ...w,
      routes: w.routes.map(({ query, body, response, ...route }) => {
        const own = { ...(query ? { query } : {}), ...(body ? { body } : {}), ...(response ? { response } : {}) };
        if (Object.keys(own).length > 0) (schemas[w.name] ??= {})[`${route.method} ${route.path}`] = own;
        return route;
      }),
    })),
  };
  return { routing, schemas };
}

export function joinManifest(routing: WorkflowRouting, schemas: WorkflowSchemas): WorkflowManifest {
  return { workflows: routing.workflows.map((w) => ({ ...w, routes: w.routes.map((r) => ({ ...r, ...schemas[w.name]?.[`${r.method} ${r.path}`] })) })) };
}

/** A manifest's whole size cap: it becomes part of every trusted bundle and of the OpenAPI document. */
export const MAX_MANIFEST_BYTES = 512 * 1024;

/** Checks a manifest (unique names, unique routes, file named after the workflow, size); throws naming the problem. */
export function checkManifest(data: unknown): WorkflowManifest {
  const parsed = validate(WorkflowManifestSchema, data);
  if (!parsed.ok) throw new Error(`invalid workflow manifest: ${parsed.issues.map((i) => `${i.field}: ${i.problem}`).join('; ')}`);
  const m = parsed.data;
  if (JSON.stringify(m).length > MAX_MANIFEST_BYTES) throw new Error(`invalid workflow manifest: over ${MAX_MANIFEST_BYTES} bytes`);
  const names = new Set<string>();
  for (const w of m.workflows) {
    if (names.has(w.name)) throw new Error(`invalid workflow manifest: two workflows are named "${w.name}"`);
    names.add(w.name);
    if (w.module !== `${w.name}.ts`) throw new Error(`invalid workflow manifest: workflow "${w.name}" must live in ${w.name}.ts, not ${w.module}`);
    const keys = new Set<string>();
    for (const r of w.routes) {
      const key = `${r.method} ${r.path}`;
      if (keys.has(key)) throw new Error(`invalid workflow manifest: workflow ${w.name} declares ${key} twice`);
      keys.add(key);
    }
  }
  return m;
}
