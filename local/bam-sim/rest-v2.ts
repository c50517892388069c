import type { SimEntity } from './data.js';
import type { Reply } from './reply.js';
import { v2Reply } from './reply.js';
import type { SimBamServer, SimSession } from './server.js';
import { collection, toV2 } from './v2-collection.js';

const TYPES = { configurations: 'Configuration', views: 'View', zones: 'Zone', blocks: 'IP4Block', resourceRecords: 'HostRecord' } as const;
type Kind = keyof typeof TYPES;
/** Not an entity of the tree: served only at `/settings`. The version as getSystemInfo reports it. */
const SYSTEM_SETTINGS: SimEntity = { id: 2, name: 'System Settings', type: 'SystemSettings', parentId: 0, properties: { version: '9.6.0' } };

export interface V2Request {
  method: string;
  path: string;
  q: URLSearchParams;
  authorization?: string;
  contentType?: string;
  json: unknown;
}

/** REST v2 (`/api/v2/...`), the parts gateway workflows and common clients use. */
export function restV2(server: SimBamServer, r: V2Request): Reply {
  if (!server.servesApi) return v2Reply(503, 'ServiceUnavailable', `${server.name} is a Standby server and does not serve the RESTful v2 API`);
  // RESTful v2 API Guide: PATCH takes a JSON merge patch (RFC 7396) and nothing else.
  if (r.method === 'PATCH' && r.contentType?.split(';')[0]?.trim().toLowerCase() !== 'application/merge-patch+json') {
    return v2Reply(415, 'UnsupportedMediaType', 'PATCH requires Content-Type: application/merge-patch+json');
  }
  if (r.method === 'POST' && r.path === '/sessions') return login(server, r.json);
  const session = v2Session(server, r.authorization);
  if (!session) return v2Reply(401, 'InvalidAuthorizationToken', 'The authorization token is missing, invalid or expired');
  if (r.method === 'GET' && r.path === '/sessions/current') return { status: 200, body: { id: session.id, type: 'UserSession', state: 'LOGGED_IN', user: { name: session.username } } };
  const sessionPatch = /^\/sessions\/(\d+)$/.exec(r.path);
  if (r.method === 'PATCH' && sessionPatch) {
    if (Number(sessionPatch[1]) !== session.id) return v2Reply(403, 'Forbidden', 'Not your session');
    if ((r.json as { state?: string } | undefined)?.state !== 'LOGGED_OUT') return v2Reply(400, 'InvalidFieldValue', 'state must be LOGGED_OUT');
    server.endSession(session.token);
    return { status: 200, body: { id: session.id, type: 'UserSession', state: 'LOGGED_OUT' } };
  }
  // RESTful v2 API Guide (9.5+): `GET /api/v2?filter=...` searches every resource, whatever its type.
  if (r.method === 'GET' && (r.path === '' || r.path === '/')) return listed([...server.data.entities.values()], r);
  // RESTful v2 API Guide, "settings": the SystemSettings resource carries the BAM version
  // (BlueCat's v2 client reads it for `bam_version`: `GET /settings?filter=type:'SystemSettings'`).
  if (r.method === 'GET' && r.path === '/settings') return listed([SYSTEM_SETTINGS], r);
  const top = /^\/(configurations|views|zones|resourceRecords)(?:\/(\d+))?$/.exec(r.path);
  if (top && r.method === 'GET') {
    const type = TYPES[top[1] as Kind];
    if (!top[2]) return listed(server.data.all(type), r);
    const e = server.data.entities.get(Number(top[2]));
    return e && e.type === type ? { status: 200, body: toV2(e) } : v2Reply(404, 'ObjectNotFound', `No ${type} with id ${top[2]}`);
  }
  const child = /^\/(configurations|views|zones)\/(\d+)\/(blocks|views|zones|resourceRecords)$/.exec(r.path);
  if (child) {
    const [, parentKind, id, kind] = child as unknown as [string, Kind, string, Kind];
    const parent = server.data.entities.get(Number(id));
    if (!parent || parent.type !== TYPES[parentKind]) return v2Reply(404, 'ObjectNotFound', `No ${TYPES[parentKind]} with id ${id}`);
    // Only direct children: a view's zones are its top-level zones, a zone's zones its subzones.
    if (r.method === 'GET') return listed(server.data.children(parent.id, TYPES[kind]), r);
    if (r.method === 'POST' && parentKind === 'zones' && kind === 'resourceRecords') return addHostRecord(server, session, parent, r.json);
  }
  return v2Reply(404, 'NotFound', `No route ${r.method} /api/v2${r.path}`);
}

function listed(list: SimEntity[], r: V2Request): Reply {
  const body = collection(list, r.q, r.path);
  return typeof body === 'string' ? v2Reply(400, 'InvalidFilter', body) : { status: 200, body };
}

function login(server: SimBamServer, json: unknown): Reply {
  const body = (json ?? {}) as { username?: unknown; password?: unknown };
  if (typeof body.username !== 'string' || typeof body.password !== 'string' || !server.data.checkPassword(body.username, body.password)) {
    return v2Reply(401, 'InvalidCredentials', 'Invalid username or password');
  }
  const s = server.newSession(body.username, false);
  return {
    status: 201,
    body: {
      id: s.id,
      type: 'UserSession',
      apiToken: s.token,
      basicAuthenticationCredentials: Buffer.from(`${body.username}:${s.token}`).toString('base64'),
      state: 'LOGGED_IN',
      user: { name: body.username, type: 'User' },
    },
  };
}

function addHostRecord(server: SimBamServer, session: SimSession, zone: SimEntity, json: unknown): Reply {
  const body = (json ?? {}) as { type?: string; name?: string; ttl?: number; addresses?: { address?: string }[]; userDefinedFields?: Record<string, string> };
  if (body.type !== 'HostRecord' || typeof body.name !== 'string' || !Array.isArray(body.addresses) || body.addresses.length === 0) {
    return v2Reply(400, 'InvalidFieldValue', 'A HostRecord needs a name and at least one address');
  }
  if (!server.data.canWrite(session.username)) {
    // Modelled: BAM may answer missing access rights with a 500 whose message says so.
    return v2Reply(500, 'InternalServerError', `User ${session.username} does not have sufficient access rights to add a resource record to ${zone.properties.absoluteName}`);
  }
  let view = zone;
  while (view.type !== 'View') view = server.data.entities.get(view.parentId)!;
  const absoluteName = body.name ? `${body.name}.${zone.properties.absoluteName}` : zone.properties.absoluteName!;
  const created = server.data.addHostRecord(
    view.id,
    absoluteName,
    body.addresses.map((a) => a.address ?? ''),
    body.ttl ?? -1,
    body.userDefinedFields ?? {},
  );
  if (typeof created === 'string') return created.startsWith('Duplicate') ? v2Reply(409, 'DuplicateObject', created) : v2Reply(400, 'InvalidFieldValue', created);
  return { status: 201, body: toV2(created) };
}

function v2Session(server: SimBamServer, authorization?: string): SimSession | undefined {
  const basic = /^Basic\s+(\S+)$/.exec(authorization ?? '')?.[1];
  if (!basic) return undefined;
  const [user, token] = Buffer.from(basic, 'base64').toString().split(':');
  const s = token ? server.session(token) : undefined;
  return s && s.username === user ? s : undefined;
}
