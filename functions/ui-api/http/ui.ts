import { json, type HttpEvent } from '../../kernel/http.js';
import type { Route, Routes } from '../../kernel/http-route.js';
import { csrfTokenFor, sessionCookieName, tokenFromRequest } from '../../sessions/domain/tokens.js';
import { hostsOf } from '../../maintenance/domain/configuration.js';
import { countSessions } from '../../maintenance/session-count.js';
import { authOf, type AuthContext } from '../../sessions/authenticate.js';
import { workflowManifest } from '../../workflows/manifest.js';
import { dashboardAnswer, type SessionAnswer } from '../dashboard.js';
import { eventsAnswer } from '../events.js';
import type { UiDeps } from '../ports.js';
import { absoluteEnd } from '../../sessions/domain/session-lifetime.js';

/** The login alias; repeated from the session service so this bundle path stays small. */
const PRIMARY_ALIAS = 'primary-address-manager';
const iso = (ms: number) => new Date(ms).toISOString();

/**
 * GET /ui/api/login-options (public): the BAM Selection list (the alias first and default, then
 * each server by name: names only, never URLs, docs/security.md) and the monitoring state, so the login
 * page can say a failover is in progress before anyone types a password.
 */
async function loginOptions(d: UiDeps) {
  const state = (await d.monitor.get())?.state;
  return json(200, {
    bam_selection: [PRIMARY_ALIAS, ...d.config.servers.map((s) => s.name)],
    default_alias: PRIMARY_ALIAS,
    monitoring_state: state?.monitoringState ?? 'STOPPED',
  });
}

type Answer = (event: HttpEvent, context: AuthContext, d: UiDeps) => Promise<unknown>;

/**
 * What the signed-in user holds, directly or through a group; admins hold every permission. One
 * query for the user's grants, one for their groups, one per group: the heartbeat asks this every
 * few seconds per open page, so not one read per known permission.
 */
async function permissionsOf(d: UiDeps, username: string): Promise<string[]> {
  const { config, permissions, knownPermissions } = d;
  if (config.admins.includes(username)) return knownPermissions();
  const [own, groups] = await Promise.all([permissions.permissionsOf({ kind: 'user', name: username }), permissions.groupsOf(username)]);
  const viaGroups = await Promise.all(groups.map((g) => permissions.permissionsOf({ kind: 'group', name: g })));
  const held = new Set([...own, ...viaGroups.flat()]);
  return knownPermissions().filter((p) => held.has(p));
}

const answers: Record<string, Answer> = {
  /** Who is signed in, until when, what they may do, and the CSRF token for their changes. Also the UI's heartbeat. */
  '/ui/api/session': async (event, context, d) => {
    const { session, monitor } = authOf(context);
    const { config } = d;
    const token = tokenFromRequest(event.headers ?? {}, event.cookies ?? [], sessionCookieName(config.localMode))!;
    const permissions = await permissionsOf(d, session.username);
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
  '/ui/api/events': async (event, context, d) => eventsAnswer(event, await permissionsOf(d, authOf(context).session.username), d.events),
  /** One read for everything an open page shows; also its heartbeat (ui-api/dashboard.ts). */
  '/ui/api/dashboard': async (event, context, d) => dashboardAnswer(event, (await answers['/ui/api/session']!(event, context, d)) as SessionAnswer, authOf(context).monitor, d),
  /** The workflows the user may use, with the routes they may call. */
  '/ui/api/workflows': async (_event, context, d) => {
    const held = new Set(await permissionsOf(d, authOf(context).session.username));
    return {
      workflows: workflowManifest.workflows
        .map((w) => ({
          name: w.name,
          routes: w.routes.filter((r) => held.has(r.permission)).map((r) => ({ method: r.method, path: `/${w.name}${r.path}`, permission: r.permission, has_body: r.hasBody })),
        }))
        .filter((w) => w.routes.length > 0),
    };
  },
  /** Live sessions each BAM server would still serve (the count docs/maintenance.md describes), with its mode. */
  '/ui/api/session-counts': async (_event, _context, d) => {
    const { config, sessionCounter: sessions } = d;
    const [monitor, active] = await Promise.all([d.monitor.get(), d.configuration.get()]);
    const now = Date.now();
    const hosts = hostsOf(config.servers, active.modes);
    return { servers: await Promise.all(hosts.map(async (h) => ({ name: h.name, mode: h.mode, sessions: await countSessions(sessions, h, monitor?.state, now) }))) };
  },
};

/**
 * The web UI's API. Its signed-in reads come from the gateway's own table, never from BAM, so they
 * answer during a failover for every session the failover has not ended: an open page stays up and
 * shows the failover. Once a new Primary is confirmed, a session the failover ended gets its 401,
 * and its page the login page. `GET /ui/api/session` never slides the idle timeout (a page reads it
 * on its own); the others slide it unless the page says it read on its own (X-Gateway-Heartbeat).
 * `GET /ui/api/login-options` is public: the BAM Selection list (the alias first and default, then
 * each server by name: names only, never URLs) and the monitoring state, so the login page can say
 * a failover is in progress before anyone types a password.
 */
export function uiRoutes(deps: () => UiDeps): Routes<AuthContext> {
  const read = (path: string, auth: Route['auth'] = 'session-during-failover'): Route<AuthContext> => ({
    auth,
    handle: async (event, context) => json(200, await answers[path]!(event, context, deps())),
  });
  return {
    'GET /ui/api/login-options': { auth: 'public', handle: () => loginOptions(deps()) },
    'GET /ui/api/session': read('/ui/api/session', 'heartbeat'),
    'GET /ui/api/events': read('/ui/api/events'),
    'GET /ui/api/workflows': read('/ui/api/workflows'),
    'GET /ui/api/session-counts': read('/ui/api/session-counts'),
    'GET /ui/api/dashboard': read('/ui/api/dashboard'),
  };
}
