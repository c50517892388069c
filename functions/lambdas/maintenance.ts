import { dispatch, type HttpLambda } from './dispatch.js';
import { handler as airlock } from '../maintenance/http/maintenance-api.js';

/** Lambda `maintenance`: the Airlock-style maintenance REST API under /airlock/rest (see functions/routes.ts). */
export const handler = dispatch({ airlock: airlock as HttpLambda });
