/**
 * `npm run build:ui`: builds the web UI into ui/dist when its sources changed (`--force`: always)
 * and prints the bundle sizes (gzip JS and CSS). `npm start` runs it first.
 */
import { bundleSizes, ensureUiBuilt, printSizes } from '../local/ui-build.js';

const built = await ensureUiBuilt({ force: process.argv.includes('--force') });
if (!built) {
  console.log('Web UI up to date (ui/dist).');
  printSizes(await bundleSizes());
}
