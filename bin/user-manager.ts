/** `npm run user-manager -- --help`: tenant users and their tokens (see bin/user-manager-cli.ts, README). */
import { userManager } from './user-manager-cli.js';

process.exitCode = await userManager(process.argv.slice(2), { out: (l) => console.log(l), err: (l) => console.error(l), env: process.env });
