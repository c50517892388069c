import * as z from 'zod/mini';
import { notFound } from '../../kernel/errors.js';
import { created, defineWorkflow, route } from '../define.js';
import { findConfigurationV2, findViewV2, findZoneV2, v2Path } from '../../bam/v2-lookups.js';

const text = (max: number) => z.string().check(z.minLength(1), z.maxLength(max));
const HostRecordInput = z.object({
  configuration: text(256),
  view: z._default(text(256), 'default'),
  zone: z.string().check(z.regex(/^[a-z0-9-]+(\.[a-z0-9-]+)+$/i, 'a DNS zone such as example.com')),
  name: z.string().check(z.regex(/^[a-z0-9-]{1,63}$/i, 'one DNS label')),
  address: z.ipv4(),
  ttl: z._default(z.int().check(z.minimum(-1), z.maximum(2_147_483_647)), -1),
});

/** A write through BAM: add a host record. Refused with the failover 503 while no Primary is confirmed. */
export default defineWorkflow({
  name: 'dns_records',
  defaultMessage: 'Unable to add the host record in Address Manager',
  routes: [
    route({
      method: 'POST',
      path: '/host_records',
      summary: 'Add a host record',
      responseStatus: 201,
      response: z.object({ id: z.int(), absolute_name: z.string(), addresses: z.array(z.string()), ttl: z.int() }),
      body: HostRecordInput,
      handler: async ({ user, input }) => {
        const { configuration, view, zone, name, address, ttl } = input.body;
        const absoluteName = `${name}.${zone}`;
        const { v1, v2 } = user.bamApi;
        let id: number;
        if (v1) {
          const conf = await v1.getEntityByName(0, configuration, 'Configuration');
          if (!conf) throw notFound(`No configuration named "${configuration}".`);
          const v = await v1.getEntityByName(conf.id, view, 'View');
          if (!v) throw notFound(`No view named "${view}".`);
          id = await v1.addHostRecord(v.id, absoluteName, [address], ttl);
        } else {
          const conf = await findConfigurationV2(v2!, configuration);
          const v = await findViewV2(v2!, conf.id, view);
          const z2 = await findZoneV2(v2!, v.id, zone);
          const record = (await v2!.httpPost(v2Path`/zones/${z2.id}/resourceRecords`, { type: 'HostRecord', name, ttl, addresses: [{ type: 'IPv4Address', address }] })) as { id: number };
          id = record.id;
        }
        return created({ id, absolute_name: absoluteName, addresses: [address], ttl });
      },
    }),
  ],
});
