import { describe, expect, it } from 'vitest';
import * as z from 'zod/mini';
import { Validator } from '@seriousme/openapi-schema-validator';
import { buildOpenApi } from '../../functions/openapi/document.js';
import { operationDocs } from '../../functions/openapi/operation-docs.js';
import { routes } from '../../functions/wiring/all-routes.js';
import { workflowManifest } from '../../functions/workflows/manifest.js';
import { workflowSchemas } from '../../functions/workflows/manifest-schemas.js';
import { joinManifest } from '../../functions/workflows/manifest-schema.js';
import { manifestOf } from '../support/manifest.js';

const workflows = joinManifest(workflowManifest, workflowSchemas).workflows;
import { adminRouteKeys } from '../../functions/permissions/http/admin.js';
import { BASE_PATH } from '../../functions/maintenance/http/maintenance-api.js';
import { maintenanceRoutePatterns } from '../../functions/maintenance/http/routes.js';
import { defineWorkflow, route } from '../../functions/workflows/define.js';

const real = () => buildOpenApi({ routes, workflows, adminRouteKeys });
type Operation = { responses: Record<string, { content?: Record<string, { schema?: unknown }> }>; requestBody?: unknown };

describe('the OpenAPI document', () => {
  it('documents every route of the code, and nothing else', () => {
    const { undocumented, unused } = real();
    expect(undocumented).toEqual([]);
    expect(unused).toEqual([]);
  });

  it('is a valid OpenAPI 3.1 document', async () => {
    const validator = new Validator();
    const result = await validator.validate(real().document);
    expect(result.errors ?? []).toEqual([]);
    expect(result.valid).toBe(true);
    expect(validator.version).toBe('3.1');
  });

  it('every operation has a success answer with a schema (or 204), error answers in an envelope, and its body schema', () => {
    const paths = real().document.paths as Record<string, Record<string, Operation>>;
    for (const [path, item] of Object.entries(paths)) {
      for (const [method, op] of Object.entries(item)) {
        const where = `${method.toUpperCase()} ${path}`;
        const success = Object.entries(op.responses).filter(([st]) => st.startsWith('2'));
        expect(success.length, where).toBe(1);
        const [status, answer] = success[0]!;
        if (status !== '204') expect(Object.values(answer.content ?? {})[0]?.schema, `${where}: success schema`).toBeDefined();
        for (const [st, r] of Object.entries(op.responses)) if (!st.startsWith('2')) expect(Object.values(r.content ?? {})[0]?.schema, `${where} ${st}`).toBeDefined();
      }
    }
    const login = paths['/rest_login']!.post! as Operation & { requestBody: { content: Record<string, { schema: { required: string[] } }> } };
    expect(login.requestBody.content['application/json']!.schema.required).toEqual(['username', 'password']);
    const hostRecords = paths['/dns_records/host_records']!.post!;
    expect(hostRecords.requestBody).toBeDefined();
    expect(Object.keys(hostRecords.responses)).toContain('201');
    const blocks = paths['/ip_space/blocks']!.get! as unknown as { parameters: { name: string; in: string; required: boolean }[] };
    expect(blocks.parameters).toContainEqual(expect.objectContaining({ name: 'configuration', in: 'query', required: true }));
  });

  it('names the security schemes and the error envelopes', () => {
    const { document } = real();
    const components = document.components as { securitySchemes: Record<string, unknown>; schemas: Record<string, unknown> };
    expect(Object.keys(components.securitySchemes).sort()).toEqual(['airlockSession', 'bamAuth', 'bearer', 'sessionCookie', 'tenantToken']);
    expect(Object.keys(components.schemas).sort()).toEqual(['Error', 'FailoverInProgress', 'JsonApiErrors']);
  });

  it('documents each /airlock/rest route the maintenance handler serves, and only those', () => {
    const documented = Object.keys(operationDocs)
      .filter((k) => k.includes(BASE_PATH))
      .map((k) => {
        const [method, path] = k.split(' ') as [string, string];
        return { method, sample: path.slice(BASE_PATH.length).replace(/\{[^}]+\}/g, 'address-manager') };
      });
    for (const r of maintenanceRoutePatterns)
      expect(
        documented.some((d) => d.method === r.method && r.path.test(d.sample)),
        `${r.method} ${r.path}`,
      ).toBe(true);
    for (const d of documented)
      expect(
        maintenanceRoutePatterns.some((r) => r.method === d.method && r.path.test(d.sample)),
        `${d.method} ${d.sample}`,
      ).toBe(true);
  });
});

describe('a route without documentation', () => {
  it('a workflow route without a response schema is reported, and still listed', () => {
    const bare = defineWorkflow({ name: 'bare', defaultMessage: 'x', routes: [route({ method: 'GET', path: '/things', handler: async () => ({}) })] });
    const { document, undocumented } = buildOpenApi({
      routes: [...routes, { routeKey: 'ANY /bare/{proxy+}', handler: 'workflows', fn: 'workflows' }],
      workflows: [...workflows, manifestOf(bare)],
      adminRouteKeys,
    });
    expect(undocumented).toEqual(['GET /bare/things']);
    expect((document.paths as Record<string, unknown>)['/bare/things']).toBeDefined();
  });

  it('a route added to the route table appears at once, reported until documented', () => {
    const { document, undocumented } = buildOpenApi({ routes: [...routes, { routeKey: 'GET /reports/weekly', handler: 'status', fn: 'operations' }], workflows, adminRouteKeys });
    expect(undocumented).toEqual(['GET /reports/weekly']);
    expect((document.paths as Record<string, Record<string, { tags: string[] }>>)['/reports/weekly']!.get!.tags).toEqual(['undocumented']);
  });

  it('a workflow with a response schema is documented from the JSON Schemas of its manifest', () => {
    const w = defineWorkflow({
      name: 'greet',
      defaultMessage: 'x',
      routes: [route({ method: 'POST', path: '/{who}', body: z.object({ times: z.int() }), response: z.object({ text: z.string() }), handler: async () => ({ text: '' }) })],
    });
    const { document, undocumented } = buildOpenApi({ routes: [{ routeKey: 'ANY /greet/{proxy+}', handler: 'workflows', fn: 'workflows' }], workflows: [manifestOf(w)], adminRouteKeys: [] });
    expect(undocumented).toEqual([]);
    const op = (document.paths as Record<string, Record<string, { parameters: unknown[]; requestBody: { content: Record<string, { schema: unknown }> } }>>)['/greet/{who}']!.post!;
    expect(op.parameters).toEqual([{ name: 'who', in: 'path', required: true, schema: { type: 'string' } }]);
    expect(op.requestBody.content['application/json']!.schema).toMatchObject({ type: 'object', properties: { times: { type: 'integer' } }, required: ['times'] });
  });
});
