import { parseProperties, type BamV1Client, type V1Entity } from '../../../bam/v1-client.js';
import { allPages, deepestZone, type DnsBackend, type RecordInput } from './backend.js';
import { formatProperties, fromV1, RestApiNotFound, type LegacyEntity } from './entity.js';
import { absolute, RECORD_KINDS, topDown, type RecordKind } from './names.js';

/** `rest_api`'s full deploy: DNS only, forced full (deployServerConfig's documented properties). */
const FULL_DNS_DEPLOY = 'services=DNS|forceDNSFullDeployment=true|';

/** The DNS routes through BAM's REST v1 API, each call over the HTTP method BAM's WADL declares. */
export function v1Backend(v1: BamV1Client): DnsBackend {
  const named = async (parentId: number, name: string, type: string) => (await v1.getEntityByName(parentId, name, type)) ?? undefined;
  const configuration = async (name: string) => (await named(0, name, 'Configuration')) ?? notFound('Configuration');
  const view = async (conf: string, name: string) => (await named((await configuration(conf)).id, name, 'View')) ?? notFound('View');
  const zoneIn = async (viewId: number, labels: readonly string[]) => {
    const { zone, depth } = await deepestZone<V1Entity>(labels, (parent, label) => named(parent?.id ?? viewId, label, 'Zone'));
    return zone && depth === labels.length ? zone : notFound('Zone');
  };
  const children = (parentId: number, type: string) => allPages((start, count) => v1.getEntities(parentId, type, start, count));

  /** The record by name: in the deepest zone its name falls in, under its remaining labels (BAM's own rule for where a record goes). */
  const find = async (conf: string, viewName: string, fqdn: string, kind: RecordKind) => {
    const v = await view(conf, viewName);
    const labels = topDown(fqdn);
    const { zone, depth } = await deepestZone<V1Entity>(labels.slice(0, -1), (parent, label) => named(parent?.id ?? v.id, label, 'Zone'));
    const record = zone ? await named(zone.id, absolute(labels.slice(depth)), RECORD_KINDS[kind].type) : null;
    return record ?? notFound(RECORD_KINDS[kind].label);
  };

  return {
    async subzones(conf, viewName, zone) {
      const v = await view(conf, viewName);
      const parent = zone.length ? await zoneIn(v.id, zone) : v;
      return (await children(parent.id, 'Zone')).map(fromV1);
    },
    async records(conf, viewName, zone, kind) {
      const z = await zoneIn((await view(conf, viewName)).id, zone);
      return (await children(z.id, RECORD_KINDS[kind].type)).map(fromV1);
    },
    async create(conf, viewName, zone, r) {
      const v = await view(conf, viewName);
      await zoneIn(v.id, zone);
      const absoluteName = `${r.name}.${absolute(zone)}`;
      const common = { viewId: v.id, absoluteName };
      const tail = { ttl: r.ttl, properties: r.properties };
      const id = Number(
        r.kind === 'host_records'
          ? await v1.call('POST', 'addHostRecord', { ...common, addresses: r.addresses!.join(','), ...tail })
          : r.kind === 'cname_records'
            ? await v1.call('POST', 'addAliasRecord', { ...common, linkedRecordName: r.linkedRecord!, ...tail })
            : await v1.call('POST', 'addTXTRecord', { ...common, txt: r.txt!, ...tail }),
      );
      // The record exists from here on: a failed read-back must not turn it into an error the
      // client would retry (a second create is a 409), so the answer is then built from what was sent.
      const stored = await v1.getEntityById(id).catch(() => null);
      return stored ? fromV1(stored) : sent(id, absoluteName, r);
    },
    async record(conf, viewName, fqdn, kind) {
      return fromV1(await find(conf, viewName, fqdn, kind));
    },
    async remove(conf, viewName, fqdn, kind) {
      const record = await find(conf, viewName, fqdn, kind);
      await v1.call('DELETE', 'delete', { objectId: record.id });
    },
    async fullDeploy(conf, serverName) {
      const server = (await named((await configuration(conf)).id, serverName, 'Server')) ?? notFound('Server');
      await v1.call('POST', 'deployServerConfig', { serverId: server.id, properties: FULL_DNS_DEPLOY });
      return fromV1(server);
    },
  };
}

function notFound(what: ConstructorParameters<typeof RestApiNotFound>[0]): never {
  throw new RestApiNotFound(what);
}

/** The created record as it was sent (v1's property names), when BAM could not be asked for it. */
function sent(id: number, absoluteName: string, r: RecordInput): LegacyEntity {
  const own = r.kind === 'host_records' ? { addresses: r.addresses!.join(',') } : r.kind === 'cname_records' ? { linkedRecordName: r.linkedRecord } : { txt: r.txt };
  const ttl = r.ttl >= 0 ? String(r.ttl) : undefined;
  return { id, name: r.name, type: RECORD_KINDS[r.kind].type, properties: formatProperties({ ...parseProperties(r.properties), ...own, ttl, absoluteName }) };
}
