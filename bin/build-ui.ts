/**
 * `npm run build:ui`: builds the web UI into ui/dist when its sources changed (`--force`: always)
 * and prints the bundle sizes (gzip JS and CSS). `npm start` runs it first.
 */
import { bundleSizes, ensureUiBuilt, printSizes } from '../local/ui-build.js';
import { cli } from './cli-options.js';
import { BUILD_UI } from './commands.js';

const built = await ensureUiBuilt({ force: cli(BUILD_UI).force as boolean });
if (!built) {
  console.log('Web UI up to date (ui/dist).');
  printSizes(await bundleSizes());
}
