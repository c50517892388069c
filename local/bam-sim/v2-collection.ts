import type { ClusterData, SimEntity } from './data.js';
import { type FilterError, parseFilter } from './v2-filter.js';

/** An inlined reference to a parent resource, as BAM embeds `configuration`, `view` and `zone`. */
const ref = (e: SimEntity | undefined) => (e ? { id: e.id, type: e.type, name: e.name, ...(e.type === 'Zone' ? { absoluteName: e.properties.absoluteName } : {}) } : undefined);

/**
 * An entity as REST v2 represents it. Below a configuration, resources inline the
 * `configuration` they belong to (and views' contents their `view`, records their `zone`), as the
 * RESTful v2 API Guide's examples show, so nested-field filters such as `configuration.name` work.
 */
export function toV2(e: SimEntity, data: ClusterData): Record<string, unknown> {
  const configuration = ref(data.ancestor(e, 'Configuration'));
  const view = ref(data.ancestor(e, 'View'));
  const zone = ref(data.ancestor(e, 'Zone'));
  const base = { id: e.id, type: e.type, name: e.name, ...(configuration ? { configuration } : {}), ...(view ? { view } : {}) };
  const { absoluteName, ttl, addresses, linkedRecordName, txt, ...userDefinedFields } = e.properties;
  const record = { ...base, zone, absoluteName, ttl: ttl === undefined ? null : Number(ttl), userDefinedFields };
  switch (e.type) {
    case 'IP4Block':
      return { ...base, type: 'IPv4Block', range: e.properties.CIDR };
    case 'HostRecord':
      return { ...record, addresses: (addresses ?? '').split(',').map((address) => ({ type: 'IPv4Address', address })) };
    // RESTful v2 API Guide (AliasRecord, TXTRecord schemas): the CNAME target inlined as linkedRecord, the text as `text`.
    case 'AliasRecord':
      return { ...record, linkedRecord: { type: 'ResourceRecord', absoluteName: linkedRecordName } };
    case 'TXTRecord':
      return { ...record, text: txt };
    // A zone's `deployable` is a JSON boolean (v1 keeps it as the text `true`).
    case 'Zone':
      return { ...base, ...e.properties, deployable: e.properties.deployable === 'true' };
    case 'Server':
      return { ...base, profile: e.properties.profile, fullHostName: e.properties.fullHostName, defaultInterfaceAddress: e.properties.defaultInterfaceAddress };
    default:
      return { ...base, ...e.properties };
  }
}

/** A v2 collection answer with `fields`, `filter`, `limit`, `offset`; the filter's 400 when refused. */
export function collection(items: Record<string, unknown>[], q: URLSearchParams, path: string): Record<string, unknown> | FilterError {
  const keep = parseFilter(q.get('filter'));
  if (typeof keep !== 'function') return keep;
  let data = items.filter(keep);
  const total = data.length;
  const offset = Number(q.get('offset') ?? 0);
  const limit = Number(q.get('limit') ?? 1000);
  data = data.slice(offset, offset + limit);
  const fields = q
    .get('fields')
    ?.split(',')
    .map((f) => f.trim());
  if (fields?.length) data = data.map((i) => pick(i, fields));
  return { count: data.length, totalCount: total, data, _links: { self: { href: `/api/v2${path}` } } };
}

/** `fields=id,name,configuration.name`: dot paths keep only that part of an inlined resource. */
function pick(item: Record<string, unknown>, fields: string[]): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const f of fields) {
    const [head, ...rest] = f.split('.');
    if (!head || !(head in item)) continue;
    const v = item[head];
    if (rest.length && v && typeof v === 'object') out[head] = { ...((out[head] as object) ?? {}), ...pick(v as Record<string, unknown>, [rest.join('.')]) };
    else out[head] = v;
  }
  return out;
}
