import type { Workflow } from './define.js';
import failoverRestEndpoints from './failover_rest_endpoints.js';

/** Every workflow the gateway serves. The router and the CDK stack both build from this list. */
export const workflows: Workflow[] = [failoverRestEndpoints];
