import type { BamV2Client } from './v2-client.js';
import { notFound } from '../commons/errors.js';

/** Lookups several workflows share: find a named object in REST v2, or answer 404 naming it. */
type Named = { id: number; name: string };

async function one(client: BamV2Client, path: string, filter: string, what: string): Promise<Named> {
  const page = (await client.httpGet(path, { filter, limit: 1 })) as { data: Named[] };
  const hit = page.data[0];
  if (!hit) throw notFound(`No ${what}.`);
  return hit;
}

export const findConfigurationV2 = (c: BamV2Client, name: string) => one(c, '/configurations', `name:eq('${name}')`, `configuration named "${name}"`);
export const findViewV2 = (c: BamV2Client, configurationId: number, name: string) => one(c, `/configurations/${configurationId}/views`, `name:eq('${name}')`, `view named "${name}"`);
export const findZoneV2 = (c: BamV2Client, viewId: number, absoluteName: string) => one(c, `/views/${viewId}/zones`, `absoluteName:eq('${absoluteName}')`, `zone "${absoluteName}"`);
