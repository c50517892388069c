import type { BamV2Client } from './v2-client.js';
import { badRequest, notFound } from '../kernel/errors.js';
import { v2Path } from './v2-path.js';

export { v2Path };

/**
 * A value for a BAM v2 filter string literal (`name:eq('<value>')`). BAM documents no escape
 * inside these quotes, so a quote or backslash would end the literal and rewrite the filter
 * (`Nope'` matched every configuration): refused with a 400 naming the field, as are control
 * characters. Use it for every user-supplied value placed in a filter.
 */
export function filterLiteral(field: string, value: string): string {
  // eslint-disable-next-line no-control-regex
  if (/['\\\u0000-\u001f\u007f]/.test(value)) {
    throw badRequest(`${field} may not contain quotes ('), backslashes or control characters.`, [{ field, problem: 'forbidden character' }]);
  }
  return `'${value}'`;
}

/** Lookups several workflows share: find a named object in REST v2, or answer 404 naming it. */
type Named = { id: number; name: string };

async function one(client: BamV2Client, path: string, filter: string, what: string): Promise<Named> {
  const page = (await client.httpGet(path, { filter, limit: 1 })) as { data: Named[] };
  const hit = page.data[0];
  if (!hit) throw notFound(`No ${what}.`);
  return hit;
}

/** `field` names the request field the value came from, for the 400 of a refused value. */
export const findConfigurationV2 = (c: BamV2Client, name: string, field = 'configuration') => one(c, '/configurations', `name:eq(${filterLiteral(field, name)})`, `configuration named "${name}"`);
export const findViewV2 = (c: BamV2Client, configurationId: number, name: string, field = 'view') =>
  one(c, v2Path`/configurations/${configurationId}/views`, `name:eq(${filterLiteral(field, name)})`, `view named "${name}"`);

/**
 * A zone by its absolute name. BAM v2 nests zones one label each (`example.com` is the zone
 * `example` under `com`, under the view), and a view's `/zones` lists only its top-level ones: so
 * walk from the top-level label down, one call per label, each a documented `name:eq` filter.
 */
export async function findZoneV2(c: BamV2Client, viewId: number, absoluteName: string, field = 'zone'): Promise<Named> {
  const labels = absoluteName.replace(/\.$/, '').split('.').reverse();
  const what = `zone "${absoluteName}"`;
  let zone = await one(c, v2Path`/views/${viewId}/zones`, `name:eq(${filterLiteral(field, labels[0]!)})`, what);
  for (const label of labels.slice(1)) zone = await one(c, v2Path`/zones/${zone.id}/zones`, `name:eq(${filterLiteral(field, label)})`, what);
  return zone;
}
