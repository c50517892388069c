import { gatewayDeps } from '../../wiring/gateway.js';
import { notFound } from '../../kernel/errors.js';
import { json, type HttpEvent } from '../../kernel/http.js';
import { documentClient } from '../../adapters/dynamo.js';
import { DynamoConfigurationStore } from '../../adapters/configuration-store.js';
import { csrfTokenFor, sessionCookieName, tokenFromRequest } from '../../sessions/domain/tokens.js';
import { hostsOf } from '../../maintenance/configuration.js';
import { countSessions } from '../../maintenance/session-count.js';
import { authenticate, authOf, type AuthContext } from '../../sessions/authenticate.js';
import { workflowManifest } from '../../workflows/manifest.js';
import { dashboardAnswer, type SessionAnswer } from '../dashboard.js';
import { eventsAnswer } from '../events.js';
import { knownPermissions } from '../../permissions/http/admin.js';
import { httpHandler } from '../../wiring/http-handler.js';
import { absoluteEnd } from '../../sessions/domain/session-lifetime.js';

/** The login alias; repeated from the session service so this bundle path stays small. */
const PRIMARY_ALIAS = 'primary-address-manager';
const iso = (ms: number) => new Date(ms).toISOString();

let configurationStore: DynamoConfigurationStore | undefined;
const configuration = () => (configurationStore ??= new DynamoConfigurationStore(documentClient, gatewayDeps().config.tableName));

/**
 * GET /ui/api/login-options (public): the BAM Selection list (the alias first and default, then
 * each server by name: names only, never URLs, SPEC §13) and the monitoring state, so the login
 * page can say a failover is in progress before anyone types a password.
 */
export const publicHandler = httpHandler().handler(async () => {
  const { config, monitorStore } = gatewayDeps();
  const state = (await monitorStore.get())?.state;
  return json(200, {
    bam_selection: [PRIMARY_ALIAS, ...config.servers.map((s) => s.name)],
    default_alias: PRIMARY_ALIAS,
    monitoring_state: state?.monitoringState ?? 'STOPPED',
  });
});

type Answer = (event: HttpEvent, context: AuthContext) => Promise<unknown>;

/**
 * What the signed-in user holds, directly or through a group; admins hold every permission. One
 * query for the user's grants, one for their groups, one per group: the heartbeat asks this every
 * few seconds per open page, so not one read per known permission.
 */
async function permissionsOf(username: string): Promise<string[]> {
  const { config, permissions } = gatewayDeps();
  if (config.admins.includes(username)) return knownPermissions();
  const [own, groups] = await Promise.all([permissions.permissionsOf({ kind: 'user', name: username }), permissions.groupsOf(username)]);
  const viaGroups = await Promise.all(groups.map((g) => permissions.permissionsOf({ kind: 'group', name: g })));
  const held = new Set([...own, ...viaGroups.flat()]);
  return knownPermissions().filter((p) => held.has(p));
}

const answers: Record<string, Answer> = {
  /** Who is signed in, until when, what they may do, and the CSRF token for their changes. Also the UI's heartbeat. */
  '/ui/api/session': async (event, context) => {
    const { session, monitor } = authOf(context);
    const { config } = gatewayDeps();
    const token = tokenFromRequest(event.headers ?? {}, event.cookies ?? [], sessionCookieName(config.localMode))!;
    const permissions = await permissionsOf(session.username);
    return {
      username: session.username,
      session_id: session.sessionId,
      target: session.target,
      bound_server: session.boundServer,
      restorable: session.restorable,
      created_at: iso(session.createdAt),
      expires_at: iso(Math.min(session.expiresAt, absoluteEnd(session.createdAt, session.maxLifetimeSeconds, config.sessionMaxLifetimeSeconds))),
      admin: config.admins.includes(session.username),
      permissions,
      monitoring_state: monitor?.monitoringState ?? 'STOPPED',
      csrf_token: csrfTokenFor(token),
    };
  },
  /** Events kept in the table, newest first: of a type, a time range, load more, incremental (ui-api/events.ts). */
  '/ui/api/events': async (event, context) => eventsAnswer(event, await permissionsOf(authOf(context).session.username)),
  /** One read for everything an open page shows; also its heartbeat (ui-api/dashboard.ts). */
  '/ui/api/dashboard': async (event, context) => dashboardAnswer(event, (await answers['/ui/api/session']!(event, context)) as SessionAnswer, authOf(context).monitor),
  /** The workflows the user may use, with the routes they may call. */
  '/ui/api/workflows': async (_event, context) => {
    const held = new Set(await permissionsOf(authOf(context).session.username));
    return {
      workflows: workflowManifest.workflows
        .map((w) => ({
          name: w.name,
          routes: w.routes.filter((r) => held.has(r.permission)).map((r) => ({ method: r.method, path: `/${w.name}${r.path}`, permission: r.permission, has_body: r.hasBody })),
        }))
        .filter((w) => w.routes.length > 0),
    };
  },
  /** Live sessions each BAM server would still serve (SPEC §11's count), with its mode. */
  '/ui/api/session-counts': async () => {
    const { config, monitorStore, sessions } = gatewayDeps();
    const [monitor, active] = await Promise.all([monitorStore.get(), configuration().get()]);
    const now = Date.now();
    const hosts = hostsOf(config.servers, active.modes);
    return { servers: await Promise.all(hosts.map(async (h) => ({ name: h.name, mode: h.mode, sessions: await countSessions(sessions, h, monitor?.state, now) }))) };
  },
};

/**
 * The signed-in web UI's reads (SPEC §12). They come from the gateway's own table, never from BAM,
 * so they answer during a failover for every session the failover has not ended: an open page
 * stays up and shows the failover (the session answer's `monitoring_state`). Once a new Primary is
 * confirmed, a session the failover ended gets its 401 here, and its page the login page.
 */
/** Who is signed in: read by a page on its own, so it never slides the idle timeout. */
const sessionRead = httpHandler()
  .use(authenticate(() => gatewayDeps().sessionService, { duringFailover: 'allow', heartbeat: true }))
  .handler(async (event, context) => json(200, await answers['/ui/api/session']!(event, context)));

const reads = httpHandler()
  .use(authenticate(() => gatewayDeps().sessionService, { duringFailover: 'allow' }))
  .handler(async (event, context) => {
    const answer = answers[event.rawPath];
    if (!answer) throw notFound(`No route for GET ${event.rawPath}.`);
    return json(200, await answer(event, context));
  });

export const handler = (event: HttpEvent, context: AuthContext) => (event.rawPath === '/ui/api/session' ? sessionRead(event, context) : reads(event, context));
