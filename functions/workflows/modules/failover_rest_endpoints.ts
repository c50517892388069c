import type { BamV1Client } from '../../bam/v1-client.js';
import type { BamV2Client } from '../../bam/v2-client.js';
import * as z from 'zod/mini';
import { defineWorkflow, route } from '../define.js';

/** The configurations' names through REST v1. */
async function configurationsV1(client: BamV1Client): Promise<string[]> {
  const entities = await client.getEntities(0, 'Configuration', 0, 1000);
  return entities.map((e) => e.name ?? '');
}

/** The configurations' names through REST v2. */
async function configurationsV2(client: BamV2Client): Promise<string[]> {
  const page = (await client.httpGet('/configurations', { fields: 'id,name' })) as { data: { name: string }[] };
  return page.data.map((c) => c.name);
}

/** The sample workflow of BlueCat's failover documentation: the current Primary, the monitoring state, the configurations. */
export default defineWorkflow({
  name: 'failover_rest_endpoints',
  defaultMessage: 'Unable to retrieve configurations from Address Manager',
  routes: [
    route({
      method: 'GET',
      path: '/get_configurations',
      summary: "The Primary's URL, the monitoring state and the configurations' names",
      response: z.object({ primary_url: z.nullable(z.string()), failover_monitoring_state: z.string(), configurations: z.array(z.string()) }),
      handler: async ({ user, platform }) => {
        const { v1, v2 } = user.bamApi;
        const configurations = v1 ? await configurationsV1(v1) : await configurationsV2(v2!);
        return {
          primary_url: platform.failoverMonitoringManager.primaryUrl,
          failover_monitoring_state: platform.failoverMonitoringManager.monitoringState,
          configurations,
        };
      },
    }),
  ],
});
