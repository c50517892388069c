import type { SimEntity } from './data.js';

export function toV2(e: SimEntity): Record<string, unknown> {
  if (e.type === 'IP4Block') return { id: e.id, type: 'IPv4Block', name: e.name, range: e.properties.CIDR };
  if (e.type === 'HostRecord') {
    const { absoluteName, addresses, ttl, ...rest } = e.properties;
    return {
      id: e.id,
      type: 'HostRecord',
      name: e.name,
      absoluteName,
      ttl: Number(ttl),
      addresses: (addresses ?? '').split(',').map((address) => ({ type: 'IPv4Address', address })),
      userDefinedFields: rest,
    };
  }
  // RESTful v2 API Guide: a Zone's `deployable` is a JSON boolean (v1 keeps it as the text `true`).
  if (e.type === 'Zone') return { id: e.id, type: e.type, name: e.name, ...e.properties, deployable: e.properties.deployable === 'true' };
  return { id: e.id, type: e.type, name: e.name, ...e.properties };
}

type Predicate = (item: Record<string, unknown>) => boolean;
const FIELDS = new Set(['id', 'name', 'absoluteName', 'type', 'range']);
const OPS: Record<string, (a: string, b: string) => boolean> = {
  eq: (a, b) => a === b,
  ne: (a, b) => a !== b,
  contains: (a, b) => a.includes(b),
  startsWith: (a, b) => a.startsWith(b),
  endsWith: (a, b) => a.endsWith(b),
};

/**
 * A v2 `filter` (RESTful v2 API Guide, "Filtering"): `field:op('value')` terms joined by ` and `,
 * and the short form `field:'value'` for eq. Anything else is a 400 (string: the reason), as BAM
 * refuses a filter it does not support rather than ignoring it.
 */
export function parseFilter(filter: string | null): Predicate | string {
  if (!filter) return () => true;
  const terms: Predicate[] = [];
  for (const term of filter.split(/\s+and\s+/)) {
    const m = /^(\w+):(?:(\w+)\('((?:[^']|'')*)'\)|'((?:[^']|'')*)')$/.exec(term.trim());
    if (!m) return `Invalid filter: ${term}`;
    const [, field, opName, inner, short] = m as unknown as [string, string, string | undefined, string | undefined, string | undefined];
    const op = OPS[opName ?? 'eq'];
    if (!FIELDS.has(field) || !op) return `Unsupported filter: ${term}`;
    const value = (inner ?? short ?? '').replace(/''/g, "'");
    terms.push((i) => i[field] !== undefined && op(String(i[field]), value));
  }
  return (i) => terms.every((t) => t(i));
}

/** A v2 collection answer with `fields`, `filter`, `limit`, `offset`; a string when the filter is refused. */
export function collection(list: SimEntity[], q: URLSearchParams, path: string) {
  const keep = parseFilter(q.get('filter'));
  if (typeof keep === 'string') return keep;
  let items = list.map(toV2).filter(keep);
  const total = items.length;
  const offset = Number(q.get('offset') ?? 0);
  const limit = Number(q.get('limit') ?? 1000);
  items = items.slice(offset, offset + limit);
  const fields = q
    .get('fields')
    ?.split(',')
    .map((f) => f.trim());
  if (fields?.length) items = items.map((i) => Object.fromEntries(Object.entries(i).filter(([k]) => fields.includes(k))));
  return { count: items.length, totalCount: total, data: items, _links: { self: { href: `/api/v2${path}` } } };
}
