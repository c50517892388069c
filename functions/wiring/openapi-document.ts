import { adminRouteKeys } from '../permissions/http/admin.js';
import { routes } from './all-routes.js';
import { workflowManifest } from '../workflows/manifest.js';
import { workflowSchemas } from '../workflows/manifest-schemas.js';
import { joinManifest } from '../workflows/manifest-schema.js';
import { buildOpenApi } from '../openapi/document.js';

/**
 * The document of this code base: the local runtime serves it as it starts, the CDK app writes it
 * into the operations function's asset (generated there, so the Lambda bundle carries no
 * JSON Schema generator).
 */
export function currentOpenApi(localMode: boolean): string {
  return JSON.stringify(buildOpenApi({ routes, workflows: joinManifest(workflowManifest, workflowSchemas).workflows, adminRouteKeys, localMode }).document);
}
