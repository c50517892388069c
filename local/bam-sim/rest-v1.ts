import type { SimEntity } from './data.js';
import { replicationStatus } from './failover-api.js';
import { formatProperties, parseProperties } from './properties.js';
import type { Reply } from './reply.js';
import type { SimBamServer, SimSession } from './server.js';

/** Methods a read-only session may call (Legacy v1 API Guide, "Read-only Legacy v1 API sessions"), of those served here. */
const READ_ONLY_METHODS = new Set(['getEntities', 'getEntitiesByName', 'getSystemInfo', 'searchByObjectTypes', 'logout']);
const WRITE_METHODS = new Set(['addHostRecord', 'failoverReplication']);
/** Methods that change state: BAM's JAX-RS resources serve them on POST (or PUT/DELETE) only. */
const POST_METHODS = new Set(['failoverReplication']);
const NO_ENTITY = { id: 0, name: null, type: null, properties: null };

/** REST v1 (`/Services/REST/v1/{method}`). */
export function restV1(server: SimBamServer, method: string, q: URLSearchParams, authorization?: string, httpMethod = 'GET'): Reply {
  if (POST_METHODS.has(method) && httpMethod !== 'POST') return { status: 405, body: `HTTP ${httpMethod} is not allowed for ${method}: use POST` };
  if (method === 'login' || method === 'loginWithOptions') return login(server, method, q);
  const token = /^BAMAuthToken:\s*(\S+)$/.exec(authorization ?? '')?.[1];
  const session = token ? server.session(token) : undefined;
  if (!session) return { status: 401, body: 'Authentication Error: session is invalid or expired' };
  if (!server.servesApi && !session.readOnly) return standbyRefusal(server);
  if (session.readOnly && !READ_ONLY_METHODS.has(method)) return { status: 400, body: `Method ${method} is not supported in a read-only API session` };
  if (WRITE_METHODS.has(method) && !server.data.canWrite(session.username)) {
    // BAM answers a missing access right with a 500 whose message says so (observed; modelled).
    return { status: 500, body: `User ${session.username} does not have sufficient access rights to perform ${method}` };
  }
  return call(server, session, method, q);
}

function login(server: SimBamServer, method: string, q: URLSearchParams): Reply {
  const readOnly = method === 'loginWithOptions' && parseProperties(q.get('options') ?? '').isReadOnly === 'true';
  // A read-only session is the only kind a Standby serves, and only a Standby serves it (loginWithOptions doc).
  if (!server.servesApi && !readOnly) return standbyRefusal(server);
  if (server.servesApi && readOnly) return { status: 400, body: `Read-only API sessions are served only by a Secondary or Tertiary server; ${server.name} is ${server.role}` };
  const username = q.get('username') ?? '';
  if (!server.data.checkPassword(username, q.get('password') ?? '')) return { status: 401, body: 'Invalid username or password' };
  const s = server.newSession(username, readOnly);
  return { status: 200, body: `Session Token-> BAMAuthToken: ${s.token} <- for User : ${username}` };
}

function standbyRefusal(server: SimBamServer): Reply {
  return { status: 503, body: `Server ${server.name} is in Standby mode: only read-only sessions (loginWithOptions, isReadOnly=true) are served` };
}

function call(server: SimBamServer, session: SimSession, method: string, q: URLSearchParams): Reply {
  const data = server.data;
  const entity = (e: SimEntity | undefined): Reply => ({ status: 200, body: e ? toV1(e) : NO_ENTITY });
  const page = (list: SimEntity[]): Reply => {
    const start = Number(q.get('start') ?? 0);
    return { status: 200, body: list.slice(start, start + Number(q.get('count') ?? 10)).map(toV1) };
  };
  switch (method) {
    case 'logout':
      server.endSession(session.token);
      return { status: 200, body: 'Successfully logged out' };
    case 'getEntities':
      return page(data.children(Number(q.get('parentId') ?? 0), q.get('type') ?? undefined));
    case 'getEntitiesByName':
      return page(data.children(Number(q.get('parentId') ?? 0), q.get('type') ?? undefined).filter((x) => x.name === q.get('name')));
    case 'getEntityById':
      return entity(data.entities.get(Number(q.get('id'))));
    case 'getEntityByName':
      return entity(data.children(Number(q.get('parentId') ?? 0), q.get('type') ?? undefined).find((x) => x.name === q.get('name')));
    case 'getParent': {
      const child = data.entities.get(Number(q.get('entityId')));
      return entity(child ? data.entities.get(child.parentId) : undefined);
    }
    case 'searchByObjectTypes':
      return page(data.search(q.get('keyword') ?? '', (q.get('types') ?? '').split(',').filter(Boolean)));
    // Legacy v1 API Guide, getZonesByHint / getHostRecordsByHint: `options=hint=...` (`^`/`$` anchor,
    // otherwise a substring), matched here against the absolute name; zones under `containerId`.
    case 'getZonesByHint':
      return page(byHint(data.descendants(Number(q.get('containerId') ?? 0), 'Zone'), q));
    case 'getHostRecordsByHint':
      return page(byHint(data.all('HostRecord'), q));
    case 'addHostRecord': {
      const addresses = (q.get('addresses') ?? '').split(',').filter(Boolean);
      const created = data.addHostRecord(Number(q.get('viewId')), q.get('absoluteName') ?? '', addresses, Number(q.get('ttl') ?? -1), parseProperties(q.get('properties') ?? ''));
      if (typeof created !== 'string') return { status: 200, body: created.id };
      return { status: created.startsWith('Duplicate') ? 409 : created.startsWith('Object was not found') ? 404 : 400, body: created };
    }
    case 'failoverReplication': {
      // `properties=forceFailover=true|` is accepted and changes nothing: replication latency is always 0 here.
      const refusal = server.cluster.switchover(server.name, q.get('standbyServer'));
      return refusal ? { status: refusal.status, body: refusal.message } : { status: 200, body: undefined };
    }
    case 'getSystemInfo':
      return {
        status: 200,
        body: `hostName=${server.name}|version=9.6.0|address=127.0.0.1|replicationRole=${server.role}|replicationStatus=${replicationStatus(server)}|`,
      };
    default:
      return { status: 404, body: `Unknown method ${method}` };
  }
}

function byHint(list: SimEntity[], q: URLSearchParams): SimEntity[] {
  const hint = parseProperties(q.get('options') ?? '').hint ?? '';
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
