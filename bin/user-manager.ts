/** `npm run user-manager -- --help`: tenant users and their tokens (see bin/user-manager-cli.ts, docs/maintenance.md). */
import { userManager } from './user-manager-cli.js';

// `... --list | head -n 1` closes the pipe early: the reader has what it wanted, not an error.
process.stdout.on('error', (err: NodeJS.ErrnoException) => {
  if (err.code === 'EPIPE') process.exit(process.exitCode ?? 0);
  throw err;
});

process.exitCode = await userManager(process.argv.slice(2), { out: (l) => console.log(l), err: (l) => console.error(l), env: process.env });
