/**
 * Runs inside the sandboxed process of bin/gen-workflows.ts, bundled with ONE workflow module:
 * prints that module's manifest entry (routes, permissions, JSON Schemas) as JSON on stdout. The
 * process has an empty environment and may read only its own bundle (Node's permission model), so
 * the module's top-level code and schema callbacks meet no credential, file or child process.
 */
import * as z from 'zod/mini';
import type { Workflow } from '../functions/workflows/define.js';

type Json = Record<string, unknown>;

function jsonSchema(schema: unknown, io: 'input' | 'output'): Json | undefined {
  if (!schema) return undefined;
  const { $schema: _drop, ...rest } = z.toJSONSchema(schema as z.ZodMiniType, { io, unrepresentable: 'any' }) as Json;
  return rest;
}

export function manifestEntry(w: Workflow): Json {
  return {
    name: w.name,
    defaultMessage: w.defaultMessage,
    routes: w.routes.map((r) => ({
      method: r.method,
      path: r.path,
      permission: r.permission ?? w.name,
      ...(r.summary ? { summary: r.summary } : {}),
      responseStatus: r.responseStatus ?? 200,
      hasBody: Boolean(r.body),
      ...(r.query ? { query: jsonSchema(r.query, 'input') } : {}),
      ...(r.body ? { body: jsonSchema(r.body, 'input') } : {}),
      ...(r.response ? { response: jsonSchema(r.response, 'output') } : {}),
    })),
  };
}

/** The bundle's entry calls this with the module's default export. */
export function printEntry(exported: unknown): void {
  const w = exported as Workflow;
  if (!w || typeof w !== 'object' || !Array.isArray(w.routes)) throw new Error('the module does not default-export defineWorkflow(...)');
  process.stdout.write(JSON.stringify(manifestEntry(w)));
}
