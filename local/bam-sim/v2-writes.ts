import type { ClusterData, SimDeployment, SimEntity } from './data.js';
import { type Reply, v2Reply } from './reply.js';
import type { SimBamServer, SimSession } from './server.js';
import { toV2 } from './v2-collection.js';

type RecordBody = {
  type?: string;
  name?: string;
  ttl?: number;
  addresses?: { address?: string }[];
  linkedRecord?: { absoluteName?: string };
  text?: string;
  userDefinedFields?: Record<string, string>;
};
type Make = (viewId: number, absoluteName: string, ttl: number, udf: Record<string, string>) => SimEntity | string;

/** Modelled: BAM may answer missing access rights with a 500 whose message says so. */
function refuseWrite(server: SimBamServer, session: SimSession, what: string): Reply | undefined {
  if (server.data.canWrite(session.username)) return undefined;
  return v2Reply(500, 'InternalServerError', `User ${session.username} does not have sufficient access rights to ${what}`);
}

/** How to create the record `body` describes (RESTful v2 API Guide record schemas), or why it cannot be. */
function maker(data: ClusterData, body: RecordBody): Make | string {
  switch (body.type) {
    case 'HostRecord':
      if (!Array.isArray(body.addresses) || body.addresses.length === 0) return 'A HostRecord needs at least one address';
      return (view, name, ttl, udf) =>
        data.addHostRecord(
          view,
          name,
          body.addresses!.map((a) => a.address ?? ''),
          ttl,
          udf,
        );
    case 'AliasRecord':
      if (typeof body.linkedRecord?.absoluteName !== 'string') return 'An AliasRecord needs linkedRecord.absoluteName';
      return (view, name, ttl, udf) => data.addAliasRecord(view, name, body.linkedRecord!.absoluteName!, ttl, udf);
    case 'TXTRecord':
      if (typeof body.text !== 'string' || body.text === '') return 'A TXTRecord needs text';
      return (view, name, ttl, udf) => data.addTXTRecord(view, name, body.text!, ttl, udf);
    default:
      return `Resource record type ${String(body.type)} is not supported here (HostRecord, AliasRecord, TXTRecord)`;
  }
}

/**
 * `POST /zones/{id}/resourceRecords` (the migration guide maps v1 addHostRecord, addAliasRecord
 * and addTXTRecord here): `name` is relative to the zone, and `a.b` under example.com creates the
 * missing subzone b.example.com.
 */
export function addRecord(server: SimBamServer, session: SimSession, zone: SimEntity, json: unknown): Reply {
  const body = (json ?? {}) as RecordBody;
  if (typeof body.name !== 'string') return v2Reply(400, 'InvalidFieldValue', 'A resource record needs a name');
  const make = maker(server.data, body);
  if (typeof make === 'string') return v2Reply(400, 'InvalidFieldValue', make);
  const refused = refuseWrite(server, session, `add a resource record to ${zone.properties.absoluteName}`);
  if (refused) return refused;
  const view = server.data.ancestor(zone, 'View')!;
  const absoluteName = body.name ? `${body.name}.${zone.properties.absoluteName}` : zone.properties.absoluteName!;
  const created = make(view.id, absoluteName, body.ttl ?? -1, body.userDefinedFields ?? {});
  if (typeof created === 'string') return created.startsWith('Duplicate') ? v2Reply(409, 'DuplicateObject', created) : v2Reply(400, 'InvalidFieldValue', created);
  return { status: 201, body: toV2(created, server.data) };
}

/** `DELETE /{collection}/{id}` (RESTful v2 API Guide, "Deleting resources"): 204 and no body. */
export function deleteResource(server: SimBamServer, session: SimSession, e: SimEntity): Reply {
  const refused = refuseWrite(server, session, `delete ${e.type} ${e.id}`);
  if (refused) return refused;
  server.data.remove(e.id);
  return { status: 204 };
}

/**
 * `POST /servers/{id}/deployments` `{type: 'FullDeployment' | 'DifferentialDeployment', service}`
 * (migration guide: v1 deployServer and deployServerConfig, one service at a time): 201 with the
 * deployment. The simulator deploys nothing, so it is COMPLETED at once (state modelled).
 */
export function deployServer(server: SimBamServer, session: SimSession, target: SimEntity, json: unknown): Reply {
  const body = (json ?? {}) as { type?: string; service?: string };
  if (body.type !== 'FullDeployment' && body.type !== 'DifferentialDeployment') return v2Reply(400, 'InvalidFieldValue', 'type must be FullDeployment or DifferentialDeployment');
  if (!['DNS', 'DHCP', 'TFTP'].includes(body.service ?? '')) return v2Reply(400, 'InvalidFieldValue', 'service must be DNS, DHCP or TFTP');
  const refused = refuseWrite(server, session, `deploy server ${target.name}`);
  if (refused) return refused;
  return { status: 201, body: deploymentV2(server.data.deploy(target.id, body.service!, body.type)) };
}

export function deploymentV2(d: SimDeployment) {
  return { id: d.id, type: d.type, service: d.service, state: d.state, creationDateTime: d.createdAt, server: { id: d.serverId, type: 'Server' } };
}
