import * as z from 'zod/mini';
import { gatewayDeps } from '../commons/deps.js';
import { badRequest, notFound } from '../commons/errors.js';
import { json, type HttpEvent } from '../commons/http.js';
import { validate } from '../commons/validation.js';
import { documentClient } from '../adapters/dynamo.js';
import { DynamoConfigurationStore } from '../adapters/configuration-store.js';
import { DynamoEventLogStore, MAX_EVENTS } from '../adapters/event-log-store.js';
import { csrfTokenFor, sessionCookieName, tokenFromRequest } from '../domain/tokens.js';
import { hostsOf } from '../maintenance/configuration.js';
import { forOrdinaryUser } from '../domain/event-view.js';
import { countSessions } from '../maintenance/session-count.js';
import { authenticate, authOf, type AuthContext } from '../middleware/authenticate.js';
import { workflows } from '../workflows/index.js';
import { knownPermissions } from './admin.js';
import { httpHandler } from './http-handler.js';

/** The login alias; repeated from the session service so this bundle path stays small. */
const PRIMARY_ALIAS = 'primary-address-manager';
const iso = (ms: number) => new Date(ms).toISOString();

let eventStore: DynamoEventLogStore | undefined;
const eventLog = () => (eventStore ??= new DynamoEventLogStore(documentClient, gatewayDeps().config.tableName));
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

const EventsQuery = z.object({ type: z.optional(z.string().check(z.regex(/^[A-Z_]{1,64}$/))), limit: z.optional(z.string().check(z.regex(/^\d{1,4}$/))) });

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
      expires_at: iso(Math.min(session.expiresAt, session.createdAt + config.sessionMaxLifetimeSeconds * 1000)),
      admin: config.admins.includes(session.username),
      permissions,
      monitoring_state: monitor?.monitoringState ?? 'STOPPED',
      csrf_token: csrfTokenFor(token),
    };
  },
  /** Recent events kept in the table (newest first), optionally of one type. */
  '/ui/api/events': async (event, context) => {
    const q = validate(EventsQuery, event.queryStringParameters ?? {});
    if (!q.ok) throw badRequest(`Invalid query: ${q.issues.map((i) => `${i.field}: ${i.problem}`).join('; ')}`);
    const limit = q.data.limit ? Math.min(Number(q.data.limit), MAX_EVENTS) : 100;
    const [recent, held] = await Promise.all([eventLog().recent({ ...(q.data.type ? { type: q.data.type } : {}), limit }), permissionsOf(authOf(context).session.username)]);
    // Operators (admins hold every permission) see who changed what; others the events without it.
    const events = held.includes('maintenance') ? recent : recent.map(forOrdinaryUser);
    return { events, limit, ...(q.data.type ? { type: q.data.type } : {}) };
  },
  /** The workflows the user may use, with the routes they may call. */
  '/ui/api/workflows': async (_event, context) => {
    const held = new Set(await permissionsOf(authOf(context).session.username));
    return {
      workflows: workflows
        .map((w) => ({
          name: w.name,
          routes: w.routes
            .filter((r) => held.has(r.permission ?? w.name))
            .map((r) => ({ method: r.method, path: `/${w.name}${r.path}`, permission: r.permission ?? w.name, has_body: Boolean(r.body) })),
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
 * The signed-in web UI's reads (SPEC §12). `/ui/api/session` needs the Primary like any call a
 * user makes, so during a failover it answers the failover 503: that is how an open page learns of
 * it. The others answer during a failover too (the dashboard keeps showing it).
 */
const heartbeat = httpHandler()
  .use(authenticate(() => gatewayDeps().sessionService, { duringFailover: 'refuse', heartbeat: true })) // never slides the idle timeout
  .handler(async (event, context) => json(200, await answers['/ui/api/session']!(event, context)));

const reads = httpHandler()
  .use(authenticate(() => gatewayDeps().sessionService, { duringFailover: 'allow' }))
  .handler(async (event, context) => {
    const answer = answers[event.rawPath];
    if (!answer) throw notFound(`No route for GET ${event.rawPath}.`);
    return json(200, await answer(event, context));
  });

export const handler = (event: HttpEvent, context: AuthContext) => (event.rawPath === '/ui/api/session' ? heartbeat(event, context) : reads(event, context));
