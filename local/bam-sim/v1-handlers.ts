import type { SimEntity } from './data.js';
import { replicationStatus } from './failover-api.js';
import { formatProperties, parseProperties } from './properties.js';
import type { Reply } from './reply.js';
import type { SimBamServer, SimSession } from './server.js';
import type { V1Args, V1MethodName } from './v1-methods.js';

interface Ctx {
  server: SimBamServer;
  session: SimSession;
}
type Handlers = { [M in Exclude<V1MethodName, 'login' | 'loginWithOptions'>]: (ctx: Ctx, a: V1Args<M>) => Reply };

/** BAM's answer for "no such entity" where an entity is expected: an APIEntity with id 0. */
const NO_ENTITY = { id: 0, name: null, type: null, properties: null };
/** Legacy v1 API Guide, "Deployment status": DONE, and NO_RECENT_DEPLOYMENT. */
const DEPLOYMENT_DONE = 7;
const NO_RECENT_DEPLOYMENT = 8;

const num = (v: string | undefined, fallback: number) => (v === undefined || v === '' ? fallback : Number(v));
const entity = (e: SimEntity | undefined): Reply => ({ status: 200, body: e ? toV1(e) : NO_ENTITY });
const page = (list: SimEntity[], start?: string, count?: string): Reply => {
  const from = num(start, 0);
  return { status: 200, body: list.slice(from, from + num(count, 10)).map(toV1) };
};

/** BAM's error text for a refused add, with the status the simulator gives it (modelled). */
function added(created: SimEntity | string): Reply {
  if (typeof created !== 'string') return { status: 200, body: created.id };
  return { status: created.startsWith('Duplicate') ? 409 : created.startsWith('Object was not found') ? 404 : 400, body: created };
}

/** A Server entity by id, or the refusal. */
function server(ctx: Ctx, serverId: string | undefined): SimEntity | Reply {
  const s = ctx.server.data.entities.get(num(serverId, 0));
  return s && s.type === 'Server' ? s : { status: 404, body: `Object was not found: server ${serverId ?? ''}` };
}

export const V1_HANDLERS: Handlers = {
  logout: ({ server, session }) => {
    server.endSession(session.token);
    return { status: 200, body: 'Successfully logged out' };
  },
  getSystemInfo: ({ server }) => ({
    status: 200,
    body: `hostName=${server.name}|version=9.6.0|address=127.0.0.1|replicationRole=${server.role}|replicationStatus=${replicationStatus(server)}|`,
  }),
  getEntities: ({ server }, a) => page(server.data.children(num(a.parentId, 0), a.type), a.start, a.count),
  getEntitiesByName: ({ server }, a) =>
    page(
      server.data.children(num(a.parentId, 0), a.type).filter((x) => x.name === a.name),
      a.start,
      a.count,
    ),
  getEntityById: ({ server }, a) => entity(server.data.entities.get(num(a.id, 0))),
  getEntityByName: ({ server }, a) => entity(server.data.children(num(a.parentId, 0), a.type).find((x) => x.name === a.name)),
  getParent: ({ server }, a) => {
    const child = server.data.entities.get(num(a.entityId, 0));
    return entity(child ? server.data.entities.get(child.parentId) : undefined);
  },
  searchByObjectTypes: ({ server }, a) => page(server.data.search(a.keyword ?? '', (a.types ?? '').split(',').filter(Boolean)), a.start, a.count),
  // Legacy v1 API Guide, getZonesByHint / getHostRecordsByHint / getAliasesByHint: `options=hint=...`
  // (`^`/`$` anchor, otherwise a substring), matched here against the absolute name.
  getZonesByHint: ({ server }, a) => page(byHint(server.data.descendants(num(a.containerId, 0), 'Zone'), a.options), a.start, a.count),
  getHostRecordsByHint: ({ server }, a) => page(byHint(server.data.all('HostRecord'), a.options), a.start, a.count),
  getAliasesByHint: ({ server }, a) => page(byHint(server.data.all('AliasRecord'), a.options), a.start, a.count),
  addHostRecord: ({ server }, a) =>
    added(server.data.addHostRecord(num(a.viewId, 0), a.absoluteName ?? '', (a.addresses ?? '').split(',').filter(Boolean), num(a.ttl, -1), parseProperties(a.properties ?? ''))),
  addAliasRecord: ({ server }, a) => added(server.data.addAliasRecord(num(a.viewId, 0), a.absoluteName ?? '', a.linkedRecordName ?? '', num(a.ttl, -1), parseProperties(a.properties ?? ''))),
  addTXTRecord: ({ server }, a) => added(server.data.addTXTRecord(num(a.viewId, 0), a.absoluteName ?? '', a.txt ?? '', num(a.ttl, -1), parseProperties(a.properties ?? ''))),
  // BAM answers a successful delete with an empty 200 body.
  delete: ({ server }, a) => (server.data.remove(num(a.objectId, 0)) ? { status: 200 } : { status: 404, body: `Object was not found: ${a.objectId ?? ''}` }),
  deleteWithOptions: ({ server }, a) => (server.data.remove(num(a.objectId, 0)) ? { status: 200 } : { status: 404, body: `Object was not found: ${a.objectId ?? ''}` }),
  // deployServer deploys every service of the server; deployServerConfig the `services` named in
  // its properties (rest_api's full deploy sends `services=DNS|forceDNSFullDeployment=true|`).
  deployServer: (ctx, a) => {
    const s = server(ctx, a.serverId);
    if (!('id' in s)) return s;
    ctx.server.data.deploy(s.id, 'DNS', 'FullDeployment');
    return { status: 200 };
  },
  deployServerConfig: (ctx, a) => {
    const s = server(ctx, a.serverId);
    if (!('id' in s)) return s;
    const props = parseProperties(a.properties ?? '');
    const services = (props.services ?? '').split(',').filter(Boolean);
    if (services.length === 0 || services.some((x) => !['DNS', 'DHCP', 'TFTP'].includes(x))) return { status: 400, body: 'properties must name the services to deploy: services=DNS|' };
    for (const service of services) ctx.server.data.deploy(s.id, service, props.forceDNSFullDeployment === 'true' ? 'FullDeployment' : 'DifferentialDeployment');
    return { status: 200 };
  },
  getServerDeploymentStatus: (ctx, a) => {
    const s = server(ctx, a.serverId);
    if (!('id' in s)) return s;
    return { status: 200, body: ctx.server.data.deployments.some((d) => d.serverId === s.id) ? DEPLOYMENT_DONE : NO_RECENT_DEPLOYMENT };
  },
  failoverReplication: ({ server }, a) => {
    // `properties=forceFailover=true|` is accepted and changes nothing: replication latency is always 0 here.
    const refusal = server.cluster.switchover(server.name, a.standbyServer ?? null);
    return refusal ? { status: refusal.status, body: refusal.message } : { status: 200, body: undefined };
  },
};

function byHint(list: SimEntity[], options: string | undefined): SimEntity[] {
  const hint = parseProperties(options ?? '').hint ?? '';
  const body = hint
    .replace(/^\^/, '')
    .replace(/\$$/, '')
    .replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
  const re = new RegExp(`${hint.startsWith('^') ? '^' : ''}${body}${hint.endsWith('$') ? '$' : ''}`, 'i');
  return list.filter((e) => re.test(e.properties.absoluteName ?? e.name));
}

export function toV1(e: SimEntity) {
  return { id: e.id, name: e.name, type: e.type, properties: formatProperties(e.properties) };
}
