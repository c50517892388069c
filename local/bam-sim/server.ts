import http from 'node:http';
import { randomBytes } from 'node:crypto';
import type { AddressInfo, Socket } from 'node:net';
import type { ClusterData, SimEntity } from './data.js';

export type SimRole = 'Primary' | 'Standby';
export type SimMode = 'up' | 'stopped' | 'hang';

interface SimSession {
  id: number;
  username: string;
  token: string;
}

type Reply = { status: number; body?: unknown };

export interface ClusterControl {
  promote(name: string): void;
}

/**
 * One simulated BAM server on its own loopback port. It speaks the parts of REST v1, REST v2 and
 * the Failover API the gateway uses, keeps its own sessions (a token from one server is useless
 * on another), and can be stopped (connections refused), hung (accepts, never answers) or slowed.
 */
export class SimBamServer {
  role: SimRole;
  mode: SimMode = 'stopped';
  latencyMs = 0;
  port = 0;
  /** False: an older BAM without the Failover API (`/bam/v1/health` and promote answer 404). */
  failoverApi = true;
  /** Successful logins per user: lets tests and benchmarks count what restoration costs. */
  readonly logins = new Map<string, number>();
  private server?: http.Server;
  private readonly sockets = new Set<Socket>();
  private sessions = new Map<string, SimSession>();
  private nextSessionId = 1;

  constructor(
    readonly name: string,
    role: SimRole,
    private readonly data: ClusterData,
    private readonly cluster: ClusterControl,
  ) {
    this.role = role;
  }

  get url(): string {
    return `http://127.0.0.1:${this.port}`;
  }

  /** Starts listening (on the same port as before, after a stop) and answers again. */
  async start(): Promise<void> {
    if (this.mode === 'hang') {
      this.dropConnections();
      this.mode = 'up';
      return;
    }
    if (this.mode === 'up') return;
    const server = http.createServer((req, res) => void this.handle(req, res));
    server.keepAliveTimeout = 5000;
    server.on('connection', (s) => {
      this.sockets.add(s);
      s.on('close', () => this.sockets.delete(s));
    });
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(this.port, '127.0.0.1', () => resolve());
    });
    this.port = (server.address() as AddressInfo).port;
    this.server = server;
    // A stopped BAM lost its in-memory sessions, as a restarted server would (not after a network outage).
    if (this.forgetSessionsOnStart) this.sessions = new Map();
    this.mode = 'up';
  }

  private forgetSessionsOnStart = true;

  /**
   * Stops listening: new connections are refused, open ones are cut. `keepSessions`: a network
   * outage rather than a stopped server: once started again it still knows its sessions.
   */
  async stop(opts: { keepSessions?: boolean } = {}): Promise<void> {
    if (!this.server) return;
    this.forgetSessionsOnStart = !opts.keepSessions;
    const server = this.server;
    this.server = undefined;
    this.mode = 'stopped';
    const closed = new Promise<void>((resolve) => server.close(() => resolve()));
    this.dropConnections();
    await closed;
  }

  /** A quick restart: same port and role, every session forgotten, too short for any probe to notice. */
  async restart(): Promise<void> {
    await this.stop();
    await this.start();
  }

  /** Forgets every session, as BAM does when its sessions time out: the next call with an old token is a 401. */
  dropSessions(): void {
    this.sessions = new Map();
  }

  hang(): void {
    if (this.mode === 'up') this.mode = 'hang';
  }

  private dropConnections(): void {
    for (const s of this.sockets) s.destroy();
    this.sockets.clear();
  }

  private async handle(req: http.IncomingMessage, res: http.ServerResponse): Promise<void> {
    if (this.mode === 'hang') return; // accept and never answer
    const chunks: Buffer[] = [];
    for await (const c of req) chunks.push(c as Buffer);
    if (this.latencyMs > 0) await new Promise((r) => setTimeout(r, this.latencyMs));
    if (this.mode !== 'up') return;
    const url = new URL(req.url ?? '/', 'http://bam');
    let reply: Reply;
    try {
      const raw = Buffer.concat(chunks).toString();
      const json = raw ? JSON.parse(raw) : undefined;
      reply = this.route(req.method ?? 'GET', url, req.headers.authorization, json);
    } catch {
      reply = { status: 400, body: v2Error(400, 'BadRequest', 'Malformed request body') };
    }
    const payload = reply.body === undefined ? '' : JSON.stringify(reply.body);
    res.writeHead(reply.status, { 'content-type': 'application/json' });
    res.end(payload);
  }

  private route(method: string, url: URL, authorization: string | undefined, json: unknown): Reply {
    const path = url.pathname;
    if (path === '/servlets/health') return { status: 200, body: 'OK' };
    if (path.startsWith('/bam/v1/') && !this.failoverApi) return { status: 404, body: v2Error(404, 'NotFound', `No route ${method} ${path}`) };
    if (path === '/bam/v1/health' && method === 'GET') return { status: 200, body: this.health() };
    if (path === '/bam/v1/promote' && method === 'PUT') {
      this.cluster.promote(this.name);
      return { status: 200, body: { status: 'PROMOTED', server: this.name } };
    }
    if (path.startsWith('/Services/REST/v1/')) return this.v1(path.slice('/Services/REST/v1/'.length), url.searchParams, authorization);
    if (path.startsWith('/api/v2/')) return this.v2(method, path.slice('/api/v2'.length), url.searchParams, authorization, json);
    return { status: 404, body: v2Error(404, 'NotFound', `No route ${method} ${path}`) };
  }

  private health() {
    return {
      status: 'UP',
      details: {
        replicationMetrics: {
          hostname: this.name,
          replicationRole: this.role,
          replicationStatus: this.role === 'Primary' ? 'Replicating' : 'Standby',
        },
      },
    };
  }

  private standbyRefusal(): Reply | undefined {
    // A Standby BAM serves no API: clients must go to the Primary.
    return this.role === 'Primary' ? undefined : { status: 503, body: v2Error(503, 'ServiceUnavailable', `${this.name} is a Standby server and does not serve the API`) };
  }

  private newSession(username: string): SimSession {
    this.logins.set(username, (this.logins.get(username) ?? 0) + 1);
    const s = { id: this.nextSessionId++, username, token: randomBytes(12).toString('base64url') };
    this.sessions.set(s.token, s);
    return s;
  }

  private v1(method: string, q: URLSearchParams, authorization?: string): Reply {
    const refusal = this.standbyRefusal();
    if (refusal) return { status: 503, body: `Server ${this.name} is in Standby mode` };
    if (method === 'login') {
      const username = q.get('username') ?? '';
      if (!this.data.checkPassword(username, q.get('password') ?? '')) return { status: 401, body: 'Invalid username or password' };
      const s = this.newSession(username);
      return { status: 200, body: `Session Token-> BAMAuthToken: ${s.token} <- for User : ${username}` };
    }
    const token = /^BAMAuthToken:\s*(\S+)$/.exec(authorization ?? '')?.[1];
    const session = token ? this.sessions.get(token) : undefined;
    if (!session) return { status: 401, body: 'Authentication Error: session is invalid or expired' };
    switch (method) {
      case 'logout':
        this.sessions.delete(session.token);
        return { status: 200, body: 'Successfully logged out' };
      case 'getEntities': {
        const start = Number(q.get('start') ?? 0);
        const count = Number(q.get('count') ?? 10);
        const list = this.data.children(Number(q.get('parentId') ?? 0), q.get('type') ?? undefined);
        return { status: 200, body: list.slice(start, start + count).map(toV1) };
      }
      case 'getEntityById': {
        const e = this.data.entities.get(Number(q.get('id')));
        return { status: 200, body: e ? toV1(e) : { id: 0, name: null, type: null, properties: null } };
      }
      case 'getEntityByName': {
        const e = this.data.children(Number(q.get('parentId') ?? 0), q.get('type') ?? undefined).find((x) => x.name === q.get('name'));
        return { status: 200, body: e ? toV1(e) : { id: 0, name: null, type: null, properties: null } };
      }
      case 'addHostRecord': {
        const created = this.data.addHostRecord(Number(q.get('viewId')), q.get('absoluteName') ?? '', (q.get('addresses') ?? '').split(',').filter(Boolean), Number(q.get('ttl') ?? -1));
        if (typeof created !== 'string') return { status: 200, body: created.id };
        return { status: created.startsWith('Duplicate') ? 409 : created.startsWith('Object was not found') ? 404 : 400, body: created };
      }
      case 'getSystemInfo':
        return {
          status: 200,
          body: `hostName=${this.name}|version=9.6.0|address=127.0.0.1|replicationRole=${this.role}|replicationStatus=${this.role === 'Primary' ? 'Replicating' : 'Standby'}|`,
        };
      default:
        return { status: 404, body: `Unknown method ${method}` };
    }
  }

  private v2(method: string, path: string, q: URLSearchParams, authorization: string | undefined, json: unknown): Reply {
    const refusal = this.standbyRefusal();
    if (refusal) return refusal;
    if (method === 'POST' && path === '/sessions') {
      const body = (json ?? {}) as { username?: unknown; password?: unknown };
      if (typeof body.username !== 'string' || typeof body.password !== 'string' || !this.data.checkPassword(body.username, body.password)) {
        return { status: 401, body: v2Error(401, 'InvalidCredentials', 'Invalid username or password') };
      }
      const s = this.newSession(body.username);
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
    const session = this.v2Session(authorization);
    if (!session) return { status: 401, body: v2Error(401, 'InvalidAuthorizationToken', 'The authorization token is missing, invalid or expired') };
    if (method === 'GET' && path === '/sessions/current') return { status: 200, body: { id: session.id, type: 'UserSession', state: 'LOGGED_IN', user: { name: session.username } } };
    const sessionPatch = /^\/sessions\/(\d+)$/.exec(path);
    if (method === 'PATCH' && sessionPatch) {
      if (Number(sessionPatch[1]) !== session.id) return { status: 403, body: v2Error(403, 'Forbidden', 'Not your session') };
      if ((json as { state?: string } | undefined)?.state !== 'LOGGED_OUT') return { status: 400, body: v2Error(400, 'InvalidFieldValue', 'state must be LOGGED_OUT') };
      this.sessions.delete(session.token);
      return { status: 200, body: { id: session.id, type: 'UserSession', state: 'LOGGED_OUT' } };
    }
    if (method === 'GET' && path === '/configurations') return { status: 200, body: collection(this.data.children(0, 'Configuration'), q, path) };
    const child = /^\/(configurations|views|zones)\/(\d+)\/(blocks|views|zones|resourceRecords)$/.exec(path);
    if (child) {
      const [, parentKind, id, kind] = child as unknown as [string, string, string, string];
      const parent = this.data.entities.get(Number(id));
      const expected = { configurations: 'Configuration', views: 'View', zones: 'Zone' }[parentKind];
      if (!parent || parent.type !== expected) return { status: 404, body: v2Error(404, 'ObjectNotFound', `No ${expected} with id ${id}`) };
      const type = { blocks: 'IP4Block', views: 'View', zones: 'Zone', resourceRecords: 'HostRecord' }[kind];
      if (method === 'GET') return { status: 200, body: collection(this.data.children(parent.id, type), q, path) };
      if (method === 'POST' && kind === 'resourceRecords') {
        const body = (json ?? {}) as { type?: string; name?: string; ttl?: number; addresses?: { address?: string }[] };
        if (body.type !== 'HostRecord' || typeof body.name !== 'string' || !Array.isArray(body.addresses) || body.addresses.length === 0) {
          return { status: 400, body: v2Error(400, 'InvalidFieldValue', 'A HostRecord needs a name and at least one address') };
        }
        const view = this.data.entities.get(parent.parentId)!;
        const absoluteName = body.name ? `${body.name}.${parent.properties.absoluteName}` : parent.properties.absoluteName!;
        const created = this.data.addHostRecord(view.id, absoluteName, body.addresses.map((a) => a.address ?? ''), body.ttl ?? -1);
        if (typeof created === 'string') return { status: 409, body: v2Error(409, 'DuplicateObject', created) };
        return { status: 201, body: toV2(created) };
      }
    }
    return { status: 404, body: v2Error(404, 'NotFound', `No route ${method} /api/v2${path}`) };
  }

  private v2Session(authorization?: string): SimSession | undefined {
    const basic = /^Basic\s+(\S+)$/.exec(authorization ?? '')?.[1];
    if (!basic) return undefined;
    const [user, token] = Buffer.from(basic, 'base64').toString().split(':');
    const s = token ? this.sessions.get(token) : undefined;
    return s && s.username === user ? s : undefined;
  }
}

function toV1(e: SimEntity) {
  const properties = Object.entries(e.properties).map(([k, v]) => `${k}=${v}|`).join('');
  return { id: e.id, name: e.name, type: e.type, properties };
}

function toV2(e: SimEntity): Record<string, unknown> {
  if (e.type === 'IP4Block') return { id: e.id, type: 'IPv4Block', name: e.name, range: e.properties.CIDR };
  if (e.type === 'HostRecord') {
    const { absoluteName, addresses, ttl } = e.properties;
    return { id: e.id, type: 'HostRecord', name: e.name, absoluteName, ttl: Number(ttl), addresses: (addresses ?? '').split(',').map((address) => ({ type: 'IPv4Address', address })) };
  }
  return { id: e.id, type: e.type, name: e.name, ...e.properties };
}

/** A v2 collection answer with `fields`, `filter` (name:eq('x') or name:contains('x')), `limit`, `offset`. */
function collection(list: SimEntity[], q: URLSearchParams, path: string) {
  let items = list.map(toV2);
  const filter = /^(name|absoluteName):(eq|contains)\('([^']*)'\)$/.exec(q.get('filter') ?? '');
  if (filter) {
    const [, field, op, value] = filter as unknown as [string, string, string, string];
    items = items.filter((i) => (op === 'eq' ? i[field] === value : String(i[field]).includes(value)));
  }
  const total = items.length;
  const offset = Number(q.get('offset') ?? 0);
  const limit = Number(q.get('limit') ?? 1000);
  items = items.slice(offset, offset + limit);
  const fields = q.get('fields')?.split(',').map((f) => f.trim());
  if (fields?.length) items = items.map((i) => Object.fromEntries(Object.entries(i).filter(([k]) => fields.includes(k))));
  return { count: items.length, totalCount: total, data: items, _links: { self: { href: `/api/v2${path}` } } };
}

function v2Error(status: number, code: string, message: string) {
  const reason = http.STATUS_CODES[status] ?? 'Error';
  return { status, reason, code, message };
}
