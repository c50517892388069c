import { maintenanceApi, type MaintenanceApi } from '../maintenance/http/maintenance-api.js';
import { maintenanceChain, maintenanceDeps } from '../wiring/maintenance.js';

let api: MaintenanceApi | undefined;

/**
 * Lambda `maintenance`: the Airlock-style maintenance REST API under /airlock/rest, which routes
 * its own paths (JSON:API errors, its own REST sessions). The API is built on the first call, once
 * the middleware has loaded the secrets the configuration reads.
 */
export const handler = maintenanceChain().handler((event) => (api ??= maintenanceApi(maintenanceDeps()))(event));
