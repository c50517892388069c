import { dispatch, type HttpLambda } from './dispatch.js';
import { handler as workflows } from '../handlers/workflows.js';

/** Lambda `workflows`: every workflow route (see functions/routes.ts). */
export const handler = dispatch({ workflows: workflows as HttpLambda });
