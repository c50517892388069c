import http from 'node:http';
import https from 'node:https';
import { randomBytes } from 'node:crypto';
import type { Socket } from 'node:net';
import { listenReusable } from '../reusable-port.js';
import type { ClusterData } from './data.js';
import { failoverApi } from './failover-api.js';
import { v2Reply, type Reply } from './reply.js';
import { restV1 } from './rest-v1.js';
import { restV2 } from './rest-v2.js';
import type { FailoverTls } from './tls.js';
import { wadl } from './wadl.js';

/** Roles as BAM reports them: a promoted server of a two-server cluster is Standalone. */
export type SimRole = 'Primary' | 'Standby' | 'Standalone';
export type SimMode = 'up' | 'stopped' | 'hang';

export interface SimSession {
  id: number;
  username: string;
  token: string;
  /** A `loginWithOptions` isReadOnly=true session: reads only. */
  readOnly: boolean;
}

export interface ClusterControl {
  /** Promotes a Standby; answers why it refused, or undefined. */
  promote(name: string): string | undefined;
  /** Starts a graceful switchover from the Primary `from`; answers the refusal, or undefined. */
  switchover(from: string, standbyServer: string | null): { status: number; message: string } | undefined;
}

/**
 * One simulated BAM server: REST v1 and v2 on a plain HTTP loopback port, the Failover API on
 * its own HTTPS port with mutual TLS. It keeps its own sessions (a token from one server is
 * useless on another), and can be stopped (connections refused), hung (accepts, never answers)
 * or slowed; both ports share that state.
 */
export class SimBamServer {
  role: SimRole;
  mode: SimMode = 'stopped';
  latencyMs = 0;
  /** In a graceful switchover's pause: up, but every port answers 503 (see BEHAVIOURS.md). */
  switchingOver = false;
  port = 0;
  failoverPort = 0;
  /** False: an older BAM without the Failover API (no HTTPS port at start; 404 there if turned off later). */
  failoverApi = true;
  /** Successful logins per user: lets tests and benchmarks count what restoration costs. */
  readonly logins = new Map<string, number>();
  /** The same, without read-only sessions (the monitor's system-info probes of a Standby open those). */
  readonly apiLogins = new Map<string, number>();
  private listeners: (http.Server | https.Server)[] = [];
  private readonly sockets = new Set<Socket>();
  private sessions = new Map<string, SimSession>();
  private nextSessionId = 1;
  private forgetSessionsOnStart = true;

  constructor(
    readonly name: string,
    role: SimRole,
    readonly data: ClusterData,
    readonly cluster: ClusterControl,
    private readonly tls?: () => Promise<FailoverTls>,
  ) {
    this.role = role;
  }

  /** The REST address (v1 and v2). */
  get url(): string {
    return `http://127.0.0.1:${this.port}`;
  }

  /** The Failover API address, when this server has one. */
  get failoverUrl(): string | undefined {
    return this.failoverApi && this.failoverPort ? `https://127.0.0.1:${this.failoverPort}` : undefined;
  }

  /** Primary and Standalone serve the API; a Standby serves read-only v1 sessions only. */
  get servesApi(): boolean {
    return this.role !== 'Standby';
  }

  /** Starts listening (on the same ports as before, after a stop) and answers again. */
  async start(): Promise<void> {
    if (this.mode === 'hang') {
      this.dropConnections();
      this.mode = 'up';
      return;
    }
    if (this.mode === 'up') return;
    const rest = http.createServer((req, res) => void this.handle(req, res, false));
    this.port = await this.listen(rest, this.port);
    if (this.failoverApi && this.tls) {
      const t = await this.tls();
      // requestCert + rejectUnauthorized: the handshake fails without a certificate from the cluster's CA.
      const api = https.createServer({ key: t.serverKey, cert: t.serverCert, ca: t.ca, requestCert: true, rejectUnauthorized: true }, (req, res) => void this.handle(req, res, true));
      this.failoverPort = await this.listen(api, this.failoverPort);
    }
    // A stopped BAM lost its in-memory sessions, as a restarted server would (not after a network outage).
    if (this.forgetSessionsOnStart) this.sessions = new Map();
    this.mode = 'up';
  }

  private async listen(server: http.Server | https.Server, port: number): Promise<number> {
    server.keepAliveTimeout = 5000;
    server.on(server instanceof https.Server ? 'secureConnection' : 'connection', (s: Socket) => this.track(s));
    if (server instanceof https.Server) server.on('connection', (s: Socket) => this.track(s));
    const taken = await listenReusable(server, port);
    this.listeners.push(server);
    return taken;
  }

  private track(s: Socket): void {
    this.sockets.add(s);
    s.on('close', () => this.sockets.delete(s));
  }

  /**
   * Stops listening: new connections are refused, open ones are cut. `keepSessions`: a network
   * outage rather than a stopped server: once started again it still knows its sessions.
   */
  async stop(opts: { keepSessions?: boolean } = {}): Promise<void> {
    if (this.listeners.length === 0) return;
    this.forgetSessionsOnStart = !opts.keepSessions;
    const listeners = this.listeners;
    this.listeners = [];
    this.mode = 'stopped';
    const closed = Promise.all(listeners.map((l) => new Promise<void>((resolve) => l.close(() => resolve()))));
    this.dropConnections();
    await closed;
  }

  /** A quick restart: same ports and role, every session forgotten, too short for any probe to notice. */
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

  newSession(username: string, readOnly: boolean): SimSession {
    this.logins.set(username, (this.logins.get(username) ?? 0) + 1);
    if (!readOnly) this.apiLogins.set(username, (this.apiLogins.get(username) ?? 0) + 1);
    const s = { id: this.nextSessionId++, username, token: randomBytes(12).toString('base64url'), readOnly };
    this.sessions.set(s.token, s);
    return s;
  }

  session(token: string): SimSession | undefined {
    return this.sessions.get(token);
  }

  endSession(token: string): void {
    this.sessions.delete(token);
  }

  private dropConnections(): void {
    for (const s of this.sockets) s.destroy();
    this.sockets.clear();
  }

  private async handle(req: http.IncomingMessage, res: http.ServerResponse, failoverPort: boolean): Promise<void> {
    if (this.mode === 'hang') return; // accept and never answer
    const chunks: Buffer[] = [];
    for await (const c of req) chunks.push(c as Buffer);
    if (this.latencyMs > 0) await new Promise((r) => setTimeout(r, this.latencyMs));
    if (this.mode !== 'up') return;
    const url = new URL(req.url ?? '/', 'http://bam');
    const method = req.method ?? 'GET';
    let reply: Reply;
    try {
      const raw = Buffer.concat(chunks).toString();
      const json = raw ? JSON.parse(raw) : undefined;
      if (this.switchingOver) reply = switchingOverReply(this, failoverPort, url.pathname);
      else reply = failoverPort ? failoverApi(this, method, url.pathname) : this.route(method, url, req.headers, json);
    } catch {
      reply = v2Reply(400, 'BadRequest', 'Malformed request body');
    }
    const payload = reply.contentType ? String(reply.body) : reply.body === undefined ? '' : JSON.stringify(reply.body);
    res.writeHead(reply.status, { 'content-type': reply.contentType ?? 'application/json' });
    res.end(payload);
  }

  private route(method: string, url: URL, headers: http.IncomingHttpHeaders, json: unknown): Reply {
    const path = url.pathname;
    if (path === '/servlets/health') return { status: 200, body: 'OK' };
    if (path === '/Services/REST/application.wadl') return { status: 200, body: wadl(), contentType: 'application/vnd.sun.wadl+xml' };
    if (path.startsWith('/Services/REST/v1/')) return restV1(this, path.slice('/Services/REST/v1/'.length), url.searchParams, headers.authorization, method);
    if (path === '/api/v2' || path.startsWith('/api/v2/')) {
      return restV2(this, { method, path: path.slice('/api/v2'.length), q: url.searchParams, authorization: headers.authorization, contentType: headers['content-type'], json });
    }
    // Includes /bam/v1/*: the Failover API has its own HTTPS port.
    return v2Reply(404, 'NotFound', `No route ${method} ${path}`);
  }
}

/**
 * During a switchover's pause the server is up but its services restart: it answers 503 on every
 * port (as BAM's web front does while the application is down) rather than refusing connections,
 * so clients see a retryable answer. The Failover API health says DOWN, as an unhealthy actuator does.
 */
function switchingOverReply(server: SimBamServer, failoverPort: boolean, path: string): Reply {
  const message = `Server ${server.name} is switching its replication role: try again shortly`;
  if (failoverPort) return { status: 503, body: { status: 'DOWN', details: { replicationMetrics: { hostname: server.name, replicationStatus: 'Switching' } } } };
  if (path.startsWith('/Services/REST/v1/') || path === '/servlets/health') return { status: 503, body: message };
  return v2Reply(503, 'ServiceUnavailable', message);
}
