import { workflowManifest } from '../workflows/manifest.js';
import { workflowPermissions } from '../workflows/route-match.js';

/** Every permission something checks: each workflow's and route's, the availability group's and maintenance's. */
export function knownPermissions(): string[] {
  return [...new Set(['availability_group', 'maintenance', ...workflowManifest.workflows.map((w) => w.name), ...workflowPermissions(workflowManifest)])].sort();
}
