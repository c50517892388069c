/** Lambda `maintenance`: the Airlock-style maintenance REST API under /airlock/rest, which routes its own paths (JSON:API errors, its own REST sessions). */
export { handler } from '../maintenance/http/maintenance-api.js';
