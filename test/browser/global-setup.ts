import { ensureUiBuilt } from '../../local/ui-build.js';

/** One UI build for the whole browser run (none when ui/dist is current). */
export default async function setup(): Promise<void> {
  await ensureUiBuilt();
}
