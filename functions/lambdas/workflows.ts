import type { HttpLambda } from './dispatch.js';
import { handler as workflows } from '../workflows/http/workflows.js';
import { warmUpInLambda } from '../wiring/warm-up.js';

// Connections and SDK warmed during init, not on the first request.
await warmUpInLambda();

/** Lambda `workflows`: every workflow route (`ANY /<workflow>/{proxy+}`, see functions/routes.ts); the handler finds the route in the manifest. */
export const handler = workflows as HttpLambda;
