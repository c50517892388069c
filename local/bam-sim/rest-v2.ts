import { RECORD_TYPES, type SimEntity } from './data.js';
import type { Reply } from './reply.js';
import { v2Reply } from './reply.js';
import type { SimBamServer, SimSession } from './server.js';
import { collection, toV2 } from './v2-collection.js';
import { addRecord, deleteResource, deploymentV2, deployServer } from './v2-writes.js';

/** Collections served, and the entity types each holds. */
const TYPES: Record<string, readonly string[]> = {
  configurations: ['Configuration'],
  views: ['View'],
  zones: ['Zone'],
  blocks: ['IP4Block'],
  resourceRecords: RECORD_TYPES,
  servers: ['Server'],
};
/** Subcollections served below a resource: `/{parent}/{id}/{child}` lists direct children only. */
const CHILDREN: Record<string, readonly string[]> = {
  configurations: ['views', 'blocks', 'servers'],
  views: ['zones'],
  zones: ['zones', 'resourceRecords'],
  servers: ['deployments'],
};
/** Not an entity of the tree: served only at `/settings`. The version as getSystemInfo reports it. */
const SYSTEM_SETTINGS = { id: 2, name: 'System Settings', type: 'SystemSettings', version: '9.6.0' };

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
  const sessionPatch = /^\/sessions\/(\d+|current)$/.exec(r.path);
  if (r.method === 'PATCH' && sessionPatch) {
    if (sessionPatch[1] !== 'current' && Number(sessionPatch[1]) !== session.id) return v2Reply(403, 'Forbidden', 'Not your session');
    if ((r.json as { state?: string } | undefined)?.state !== 'LOGGED_OUT') return v2Reply(400, 'InvalidFieldValue', 'state must be LOGGED_OUT');
    server.endSession(session.token);
    return { status: 200, body: { id: session.id, type: 'UserSession', state: 'LOGGED_OUT' } };
  }
  // RESTful v2 API Guide (9.5+): `GET /api/v2?filter=...` searches every resource, whatever its type.
  if (r.method === 'GET' && (r.path === '' || r.path === '/'))
    return listed(
      [...server.data.entities.values()].map((e) => toV2(e, server.data)),
      r,
    );
  // RESTful v2 API Guide, "settings": the SystemSettings resource carries the BAM version
  // (BlueCat's v2 client reads it for `bam_version`: `GET /settings?filter=type:'SystemSettings'`).
  if (r.method === 'GET' && r.path === '/settings') return listed([SYSTEM_SETTINGS], r);
  return resources(server, session, r);
}

function resources(server: SimBamServer, session: SimSession, r: V2Request): Reply {
  const data = server.data;
  const deployment = /^\/deployments\/(\d+)$/.exec(r.path);
  if (deployment && r.method === 'GET') {
    const d = data.deployments.find((x) => x.id === Number(deployment[1]));
    return d ? { status: 200, body: deploymentV2(d) } : v2Reply(404, 'ObjectNotFound', `No deployment with id ${deployment[1]}`);
  }
  const top = /^\/(\w+)(?:\/(\d+))?$/.exec(r.path);
  if (top && TYPES[top[1]!]) {
    const types = TYPES[top[1]!]!;
    if (!top[2])
      return r.method === 'GET'
        ? listed(
            [...data.entities.values()].filter((e) => types.includes(e.type)).map((e) => toV2(e, data)),
            r,
          )
        : notAllowed(r);
    const e = data.entities.get(Number(top[2]));
    if (!e || !types.includes(e.type)) return v2Reply(404, 'ObjectNotFound', `No ${top[1]} resource with id ${top[2]}`);
    if (r.method === 'GET') return { status: 200, body: toV2(e, data) };
    if (r.method === 'DELETE' && (top[1] === 'resourceRecords' || top[1] === 'zones')) return deleteResource(server, session, e);
    return notAllowed(r);
  }
  const child = /^\/(\w+)\/(\d+)\/(\w+)$/.exec(r.path);
  if (child && CHILDREN[child[1]!]?.includes(child[3]!)) {
    const [, parentKind, id, kind] = child as unknown as [string, string, string, string];
    const parent = data.entities.get(Number(id));
    if (!parent || !TYPES[parentKind]!.includes(parent.type)) return v2Reply(404, 'ObjectNotFound', `No ${parentKind} resource with id ${id}`);
    if (kind === 'deployments') {
      if (r.method === 'POST') return deployServer(server, session, parent, r.json);
      if (r.method === 'GET') return listed(data.deployments.filter((d) => d.serverId === parent.id).map(deploymentV2), r);
      return notAllowed(r);
    }
    // Only direct children: a view's zones are its top-level zones, a zone's zones its subzones.
    if (r.method === 'GET')
      return listed(
        data
          .children(parent.id)
          .filter((e: SimEntity) => TYPES[kind]!.includes(e.type))
          .map((e) => toV2(e, data)),
        r,
      );
    if (r.method === 'POST' && parentKind === 'zones' && kind === 'resourceRecords') return addRecord(server, session, parent, r.json);
    return notAllowed(r);
  }
  return v2Reply(404, 'NotFound', `No route ${r.method} /api/v2${r.path}`);
}

const notAllowed = (r: V2Request) => v2Reply(405, 'MethodNotAllowed', `${r.method} is not allowed on /api/v2${r.path}`);

function listed(items: Record<string, unknown>[], r: V2Request): Reply {
  const body = collection(items, r.q, r.path);
  return 'code' in body ? v2Reply(400, body.code as string, body.message as string) : { status: 200, body };
}

function login(server: SimBamServer, json: unknown): Reply {
  const body = (json ?? {}) as { username?: unknown; password?: unknown };
  if (typeof body.username !== 'string' || typeof body.password !== 'string' || !server.data.checkPassword(body.username, body.password)) {
    return v2Reply(401, 'InvalidCredentials', 'Invalid username or password');
  }
  const s = server.newSession(body.username, false);
  const now = Date.now();
  return {
    status: 201,
    body: {
      id: s.id,
      type: 'UserSession',
      apiToken: s.token,
      // RESTful v2 API Guide, "Creating a session": the token's expiry (community clients read it). Lifetime modelled: 24 h.
      apiTokenExpirationDateTime: new Date(now + 24 * 3600_000).toISOString().replace(/\.\d+Z$/, 'Z'),
      basicAuthenticationCredentials: Buffer.from(`${body.username}:${s.token}`).toString('base64'),
      state: 'LOGGED_IN',
      readOnly: false,
      loginDateTime: new Date(now).toISOString().replace(/\.\d+Z$/, 'Z'),
      user: { name: body.username, type: 'User' },
    },
  };
}

function v2Session(server: SimBamServer, authorization?: string): SimSession | undefined {
  const basic = /^Basic\s+(\S+)$/.exec(authorization ?? '')?.[1];
  if (!basic) return undefined;
  const [user, token] = Buffer.from(basic, 'base64').toString().split(':');
  const s = token ? server.session(token) : undefined;
  return s && s.username === user ? s : undefined;
}
