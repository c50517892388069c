import type { BamV2Client } from '../../../bam/v2-client.js';
import { filterLiteral, v2Path } from '../../../bam/v2-lookups.js';
import { parseProperties } from '../../../bam/v1-client.js';
import { allPages, deepestZone, type DnsBackend, type RecordInput } from './backend.js';
import { fromV2, RestApiNotFound, type V2Resource } from './entity.js';
import { absolute, RECORD_KINDS, topDown, type RecordKind } from './names.js';

type Page = { data: V2Resource[] };

/**
 * The DNS routes through BAM's RESTful v2 API (RESTful v2 API Guide: the v1 → v2 migration table
 * maps getEntities to the collections below, addHostRecord / addAliasRecord / addTXTRecord to
 * `POST /zones/{id}/resourceRecords`, delete to `DELETE /resourceRecords/{id}`, deployServerConfig
 * to `POST /servers/{id}/deployments`). Names in filters go through filterLiteral.
 */
export function v2Backend(v2: BamV2Client): DnsBackend {
  const first = async (path: string, filter: string) => ((await v2.httpGet(path, { filter, limit: 1 })) as Page).data[0];
  const byName = (field: string, name: string) => `name:eq(${filterLiteral(field, name)})`;
  const configuration = async (name: string) => (await first('/configurations', byName('configuration', name))) ?? notFound('Configuration');
  const view = async (conf: string, name: string) => (await first(v2Path`/configurations/${(await configuration(conf)).id}/views`, byName('view', name))) ?? notFound('View');
  const zonesOf = (viewId: number, parent: V2Resource | undefined) => (parent ? v2Path`/zones/${parent.id}/zones` : v2Path`/views/${viewId}/zones`);
  const zoneIn = async (viewId: number, labels: readonly string[]) => {
    const { zone, depth } = await deepestZone<V2Resource>(labels, (parent, label) => first(zonesOf(viewId, parent), byName('zone', label)));
    return zone && depth === labels.length ? zone : notFound('Zone');
  };
  const list = (path: string, filter?: string) => allPages(async (offset, limit) => ((await v2.httpGet(path, { filter, offset, limit })) as Page).data);
  const ofType = (kind: RecordKind) => `type:eq('${RECORD_KINDS[kind].type}')`;

  const find = async (conf: string, viewName: string, fqdn: string, kind: RecordKind) => {
    const v = await view(conf, viewName);
    const labels = topDown(fqdn);
    const { zone, depth } = await deepestZone<V2Resource>(labels.slice(0, -1), (parent, label) => first(zonesOf(v.id, parent), byName('absolute_name', label)));
    const hits = zone ? await list(v2Path`/zones/${zone.id}/resourceRecords`, `${byName('absolute_name', absolute(labels.slice(depth)))} and ${ofType(kind)}`) : [];
    // Several TXT records may share a name: the oldest (lowest id) answers, as v1's getEntityByName does.
    return hits.sort((a, b) => a.id - b.id)[0] ?? notFound(RECORD_KINDS[kind].label);
  };

  return {
    async subzones(conf, viewName, zone) {
      const v = await view(conf, viewName);
      const parent = zone.length ? await zoneIn(v.id, zone) : undefined;
      return (await list(zonesOf(v.id, parent))).map(fromV2);
    },
    async records(conf, viewName, zone, kind) {
      const z = await zoneIn((await view(conf, viewName)).id, zone);
      return (await list(v2Path`/zones/${z.id}/resourceRecords`, ofType(kind))).map(fromV2);
    },
    async create(conf, viewName, zone, r) {
      const z = await zoneIn((await view(conf, viewName)).id, zone);
      return fromV2((await v2.httpPost(v2Path`/zones/${z.id}/resourceRecords`, body(r))) as V2Resource);
    },
    async record(conf, viewName, fqdn, kind) {
      return fromV2(await find(conf, viewName, fqdn, kind));
    },
    async remove(conf, viewName, fqdn, kind) {
      const record = await find(conf, viewName, fqdn, kind);
      await v2.httpDelete(v2Path`/resourceRecords/${record.id}`);
    },
    async fullDeploy(conf, serverName) {
      const c = await configuration(conf);
      const server = (await first(v2Path`/configurations/${c.id}/servers`, byName('server_name', serverName))) ?? notFound('Server');
      await v2.httpPost(v2Path`/servers/${server.id}/deployments`, { type: 'FullDeployment', service: 'DNS' });
      return fromV2(server);
    },
  };
}

function notFound(what: ConstructorParameters<typeof RestApiNotFound>[0]): never {
  throw new RestApiNotFound(what);
}

/** The v2 resource for a record: the v1 `properties` become user-defined fields. */
function body(r: RecordInput): Record<string, unknown> {
  const own =
    r.kind === 'host_records'
      ? { addresses: r.addresses!.map((address) => ({ type: 'IPv4Address', address })) }
      : r.kind === 'cname_records'
        ? { linkedRecord: { absoluteName: r.linkedRecord } }
        : { text: r.txt };
  const udf = parseProperties(r.properties);
  return { type: RECORD_KINDS[r.kind].type, name: r.name, ...(r.ttl >= 0 ? { ttl: r.ttl } : {}), ...own, ...(Object.keys(udf).length ? { userDefinedFields: udf } : {}) };
}
