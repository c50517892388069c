import { cli } from './cli-options.js';
import { README_CHECK } from './commands.js';

cli(README_CHECK);
