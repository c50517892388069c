import { GatewayError } from '../../functions/kernel/errors.js';
import type { HttpEvent, HttpResult } from '../../functions/kernel/http.js';
import type { PendingEvent } from '../../functions/events/domain/events.js';
import type { GroupState } from '../../functions/group/domain/group.js';
import { initialState, type MonitorState } from '../../functions/monitor/domain/monitor-machine.js';
import { hashToken, newToken } from '../../functions/sessions/domain/tokens.js';
import { maintenanceApi, type MaintenanceApiDeps } from '../../functions/maintenance/http/maintenance-api.js';
import { errorDocument } from '../../functions/maintenance/jsonapi.js';
import { TenantTokens, keyOf } from '../../functions/maintenance/tenant-token-service.js';
import { InMemoryConfigurationStore } from './fakes/configuration-store.js';
import { InMemoryGatewaySessions } from './fakes/gateway-sessions.js';
import { InMemoryMaintenanceSessionStore } from './fakes/maintenance-session-store.js';
import { InMemoryPermissionStore } from './fakes/permission-store.js';
import { InMemoryTenantTokenStore } from './fakes/tenant-token-store.js';

export const SERVERS = [
  { name: 'bam1', url: 'http://10.0.0.1:80' },
  { name: 'bam2', url: 'http://10.0.0.2:80' },
];

/** The monitor's state with bam1 the healthy Primary and bam2 a healthy Standby. */
export function monitoring(now: number): MonitorState {
  const s = initialState(SERVERS, now);
  s.monitoringState = 'MONITORING';
  s.primary = 'bam1';
  s.primaryUrl = SERVERS[0]!.url;
  s.epoch = 1;
  s.servers.bam1!.role = 'PRIMARY';
  s.servers.bam2!.role = 'STANDBY';
  return s;
}

export interface SendOptions {
  headers?: Record<string, string>;
  cookies?: string[];
  body?: string;
}

/**
 * The maintenance API on the in-memory fakes of its ports: what its rules do (host modes,
 * activation, working copies, who may call what) without DynamoDB or HTTP. `send` answers as the
 * deployed function would, errors as JSON:API documents (the jsonApiErrors middleware's shape).
 */
export function maintenanceFixture() {
  const clock = { now: 1_800_000_000_000 };
  const configurations = new InMemoryConfigurationStore();
  const maintenanceSessions = new InMemoryMaintenanceSessionStore();
  const gatewaySessions = new InMemoryGatewaySessions();
  const permissions = new InMemoryPermissionStore();
  const tokenStore = new InMemoryTenantTokenStore();
  const published: PendingEvent[] = [];
  const state: { monitor: MonitorState | undefined; group: GroupState | undefined } = { monitor: monitoring(clock.now), group: undefined };
  const tenantTokens = new TenantTokens(tokenStore, keyOf({ material: async () => 'k'.repeat(40) }), () => clock.now);
  const deps: MaintenanceApiDeps = {
    settings: { servers: SERVERS, localMode: true, admins: ['admin'], sessionMaxLifetimeSeconds: 12 * 3600, version: '9.9.9', trustedOrigins: [] },
    configurations,
    maintenanceSessions,
    gatewaySessions,
    permissions,
    monitor: { get: async () => (state.monitor ? { state: structuredClone(state.monitor) } : undefined) },
    group: { get: async () => state.group },
    publisher: {
      publish: async (events) => {
        published.push(...events);
        return { published: events.map((e) => e.id), failed: [] };
      },
    },
    tenantTokens,
    now: () => clock.now,
  };
  const api = maintenanceApi(deps);

  async function send(method: string, path: string, o: SendOptions = {}): Promise<HttpResult & { json: any }> {
    const event = {
      version: '2.0',
      routeKey: 'ANY /airlock/rest/{proxy+}',
      rawPath: `/airlock/rest${path.split('?')[0]}`,
      rawQueryString: path.split('?')[1] ?? '',
      queryStringParameters: Object.fromEntries(new URLSearchParams(path.split('?')[1] ?? '')),
      headers: { 'content-type': 'application/json', ...o.headers },
      cookies: o.cookies ?? [],
      body: o.body,
      isBase64Encoded: false,
      requestContext: { requestId: 'r1', http: { method, path, sourceIp: '192.0.2.1' } },
    } as unknown as HttpEvent;
    let answer: HttpResult;
    try {
      answer = await api(event);
    } catch (err) {
      if (!(err instanceof GatewayError)) throw err;
      answer = errorDocument(err);
    }
    return { ...answer, json: answer.body ? JSON.parse(answer.body) : undefined };
  }

  /** A gateway session of `username` (as a login makes it): its token. */
  function gatewaySession(username: string, o: { expiresAt?: number } = {}): string {
    const token = newToken();
    gatewaySessions.sessions.set(hashToken(token), {
      username,
      createdAt: clock.now,
      expiresAt: o.expiresAt ?? clock.now + 3600_000,
      target: 'primary-address-manager',
      restorable: true,
      epoch: 1,
      serverIncarnation: 0,
      boundServer: 'bam1',
      sharedCredential: false,
    });
    return token;
  }

  /** A tenant token with these path rights. */
  async function tenantToken(readPaths = '.*', writePaths = '.*'): Promise<{ token: string; jti: string }> {
    const { token, record } = await tenantTokens.issue({ user: 'ops', tenant: 'acme', roles: ['airlock-administrator'], readPaths, writePaths });
    return { token, jti: record.jti };
  }

  /** Opens a REST session with `authorization` (Bearer ...): a caller for the calls in it. */
  async function restSession(bearer: string, extra: SendOptions = {}) {
    const created = await send('POST', '/session/create', { headers: { authorization: `Bearer ${bearer}` } });
    if (created.statusCode !== 200) throw new Error(`session/create answered ${created.statusCode}: ${created.body}`);
    const cookie = created.cookies![0]!.split(';')[0]!;
    const inSession = (method: string, path: string, body?: unknown, o: SendOptions = {}) =>
      send(method, path, { ...extra, ...o, cookies: [cookie, ...(o.cookies ?? extra.cookies ?? [])], ...(body !== undefined ? { body: JSON.stringify(body) } : {}) });
    return {
      cookie,
      call: inSession,
      hostMode: (host: string, mode: string) =>
        inSession('POST', '/configuration/back-end-groups/address-manager/host-mode', { data: { type: 'back-end-host-mode-change', attributes: { hostName: host, mode } } }),
      activate: (comment: string, options: Record<string, boolean> = {}) => inSession('POST', '/configuration/configurations/activate', { comment, options }),
      loadActive: () => inSession('POST', '/configuration/configurations/load-active'),
    };
  }

  return { clock, deps, state, configurations, maintenanceSessions, gatewaySessions, permissions, tokenStore, published, send, gatewaySession, tenantToken, restSession };
}
