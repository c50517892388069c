import { manifestEntry } from '../../bin/workflow-extract.js';
import type { Workflow } from '../../functions/workflows/define.js';
import { checkManifest, type ManifestWorkflow } from '../../functions/workflows/manifest-schema.js';

/** A test workflow's manifest entry, as `npm run gen:workflows` would write it (without its sandbox). */
export function manifestOf(w: Workflow): ManifestWorkflow {
  return checkManifest({ workflows: [{ ...manifestEntry(w), module: `${w.name}.ts`, sourceHash: '0'.repeat(64) }] }).workflows[0]!;
}
