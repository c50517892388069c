import { dispatch, type HttpLambda } from './dispatch.js';
import { handler as workflows } from '../handlers/workflows.js';
import { warmUpInLambda } from '../commons/warm-up.js';

// Connections and SDK warmed during init, not on the first request.
await warmUpInLambda();

/** Lambda `workflows`: every workflow route (see functions/routes.ts). */
export const handler = dispatch({ workflows: workflows as HttpLambda });
