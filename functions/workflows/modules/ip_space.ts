import * as z from 'zod/mini';
import { parseProperties } from '../../bam/v1-client.js';
import { notFound } from '../../kernel/errors.js';
import { defineWorkflow, route } from '../define.js';
import { findConfigurationV2, v2Path } from '../../bam/v2-lookups.js';

/** A read through BAM: the IPv4 blocks of a configuration. */
export default defineWorkflow({
  name: 'ip_space',
  defaultMessage: 'Unable to list IPv4 blocks from Address Manager',
  routes: [
    route({
      method: 'GET',
      path: '/blocks',
      summary: 'The IPv4 blocks of a configuration',
      response: z.object({ configuration: z.string(), blocks: z.array(z.object({ name: z.string(), cidr: z.string() })) }),
      query: z.object({ configuration: z.string().check(z.minLength(1), z.maxLength(256)) }),
      handler: async ({ user, input }) => {
        const { v1, v2 } = user.bamApi;
        const name = input.query.configuration;
        let blocks: { name: string; cidr: string }[];
        if (v1) {
          const conf = await v1.getEntityByName(0, name, 'Configuration');
          if (!conf) throw notFound(`No configuration named "${name}".`);
          blocks = (await v1.getEntities(conf.id, 'IP4Block', 0, 1000)).map((b) => ({ name: b.name ?? '', cidr: parseProperties(b.properties).CIDR ?? '' }));
        } else {
          const conf = await findConfigurationV2(v2!, name);
          const page = (await v2!.httpGet(v2Path`/configurations/${conf.id}/blocks`, { limit: 1000 })) as { data: { name: string; range: string }[] };
          blocks = page.data.map((b) => ({ name: b.name, cidr: b.range }));
        }
        return { configuration: name, blocks };
      },
    }),
  ],
});
