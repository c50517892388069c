import type { V1Entity } from '../../../bam/v1-client.js';

/**
 * The entity shape of BlueCat's legacy Gateway API (`to_json`), which `rest_api` answers and
 * external-dns's BlueCat provider decodes: `{"id", "name", "type", "properties": "k=v|k=v|"}`,
 * with BAM's entity id. The provider splits `properties` on `|` and `=` and fails on an empty
 * string or a pair without `=`, so every entity answered here carries at least `absoluteName`.
 */
export interface LegacyEntity {
  id: number;
  name: string;
  type: string;
  properties: string;
}

/** BAM's `k=v|` form; a `|` or `\` inside a value escaped with `\`, as BAM's v1 API writes it. */
export function formatProperties(props: Record<string, string | undefined>): string {
  return Object.entries(props)
    .filter((e): e is [string, string] => e[1] !== undefined)
    .map(([k, v]) => `${k}=${v.replace(/\\/g, '\\\\').replace(/\|/g, '\\|')}|`)
    .join('');
}

/** A v1 entity as it is: BAM's own properties string. */
export function fromV1(e: V1Entity): LegacyEntity {
  return { id: e.id, name: e.name ?? '', type: e.type, properties: e.properties ?? '' };
}

/** The REST v2 resources this workflow reads (RESTful v2 API Guide schemas, the fields it uses). */
export interface V2Resource {
  id: number;
  type: string;
  name?: string | null;
  absoluteName?: string;
  ttl?: number | null;
  deployable?: boolean;
  addresses?: { address: string }[];
  linkedRecord?: { absoluteName?: string };
  text?: string;
  userDefinedFields?: Record<string, unknown> | null;
  profile?: string;
  fullHostName?: string;
  defaultInterfaceAddress?: string;
}

/**
 * A v2 resource in the legacy shape, with the properties v1 would give for the same entity
 * (v2 names the TXT text `text` and the CNAME target `linkedRecord.absoluteName`; v1 `txt` and
 * `linkedRecordName`), so a client sees the same answer whichever API the gateway uses.
 */
export function fromV2(r: V2Resource): LegacyEntity {
  const udf = Object.fromEntries(Object.entries(r.userDefinedFields ?? {}).map(([k, v]) => [k, String(v)]));
  const ttl = typeof r.ttl === 'number' && r.ttl >= 0 ? String(r.ttl) : undefined;
  const name = r.name ?? '';
  switch (r.type) {
    case 'HostRecord':
      return entity(r, name, { ...udf, addresses: (r.addresses ?? []).map((a) => a.address).join(','), ttl, absoluteName: r.absoluteName });
    case 'AliasRecord':
      return entity(r, name, { ...udf, linkedRecordName: r.linkedRecord?.absoluteName, ttl, absoluteName: r.absoluteName });
    case 'TXTRecord':
      return entity(r, name, { ...udf, txt: r.text, ttl, absoluteName: r.absoluteName });
    case 'Zone':
      return entity(r, name, { absoluteName: r.absoluteName, deployable: r.deployable === undefined ? undefined : String(r.deployable) });
    case 'Server':
      return entity(r, name, { profile: r.profile, fullHostName: r.fullHostName, defaultInterfaceAddress: r.defaultInterfaceAddress });
    default:
      return entity(r, name, { ...udf, absoluteName: r.absoluteName });
  }
}

const entity = (r: V2Resource, name: string, props: Record<string, string | undefined>): LegacyEntity => ({ id: r.id, name, type: r.type, properties: formatProperties(props) });

/**
 * What `rest_api` answers when a configuration, view, zone, record or server is missing: a 404
 * whose JSON body is a plain message (`"No matching Zone(s) found"`), not the gateway's error
 * envelope. Thrown by the lookups, answered by the `api` module.
 */
export class RestApiNotFound extends Error {
  constructor(what: 'Configuration' | 'View' | 'Zone' | 'Server' | 'Host Record' | 'CName Record' | 'Text Record') {
    super(`No matching ${what}(s) found`);
    this.name = 'RestApiNotFound';
  }
}
