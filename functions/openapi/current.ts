import { adminRouteKeys } from '../handlers/admin.js';
import { routes } from '../routes.js';
import { workflowManifest } from '../workflows/manifest.js';
import { buildOpenApi } from './document.js';

/**
 * The document of this code base: the local runtime serves it as it starts, the CDK app writes it
 * into the operations function's asset (generated there, so the Lambda bundle carries no
 * JSON Schema generator).
 */
export function currentOpenApi(localMode: boolean): string {
  return JSON.stringify(buildOpenApi({ routes, workflows: workflowManifest.workflows, adminRouteKeys, localMode }).document);
}
