import { GatewayError, badRequest, forbidden, notFound } from '../../kernel/errors.js';
import { json } from '../../kernel/http.js';
import type { AdminDeps, Principal } from '../admin-deps.js';
import type { Route as HttpRoute } from '../../kernel/http-route.js';
import { authOf, type AuthContext as RouteContext, type Caller as SessionCaller } from '../../kernel/http-route.js';

type AuthContext = RouteContext<SessionCaller>;
import { matchPath } from '../../kernel/path-match.js';
import { knownPermissions } from '../known-permissions.js';
import { audit, type AuditAction } from '../../kernel/audit.js';
import { clientAddress } from '../../kernel/client-address.js';
import { sessionLifetimeRoutes } from './admin-session-lifetime.js';

type Deps = () => AdminDeps;

/** Admin changes that go to the audit log (docs/security.md), by route; `target` names what changed. */
const AUDITED: Record<string, { action: AuditAction; target: (p: Record<string, string>) => string }> = {
  'PUT /admin/{kind}/{name}/permissions/{permission}': { action: 'permission-granted', target: (p) => `${p.kind}/${p.name}/${p.permission}` },
  'DELETE /admin/{kind}/{name}/permissions/{permission}': { action: 'permission-revoked', target: (p) => `${p.kind}/${p.name}/${p.permission}` },
  'PUT /admin/groups/{group}/members/{user}': { action: 'member-added', target: (p) => `groups/${p.group}/members/${p.user}` },
  'DELETE /admin/groups/{group}/members/{user}': { action: 'member-removed', target: (p) => `groups/${p.group}/members/${p.user}` },
  'PUT /admin/users/{name}/session-lifetime/{value}': { action: 'session-lifetime-changed', target: (p) => `users/${p.name}/session-lifetime/${p.value}` },
  'DELETE /admin/users/{name}/session-lifetime': { action: 'session-lifetime-changed', target: (p) => `users/${p.name}/session-lifetime/default` },
};

const NAME = /^[A-Za-z0-9_.@+-]{1,128}$/;

function principal(kind: string, name: string): Principal {
  if (kind !== 'users' && kind !== 'groups') throw notFound(`No such collection "${kind}": use users or groups.`);
  if (!NAME.test(name)) throw badRequest(`"${name}" is not a valid ${kind === 'users' ? 'user' : 'group'} name (1-128 letters, digits, _ . @ + -).`);
  return { kind: kind === 'users' ? 'user' : 'group', name };
}

/**
 * A user named on the session routes: any name login accepts (1-256 characters) that travels in
 * one path segment (matchPath already refuses / ? # \\ and control characters). The permission
 * routes keep NAME: their names become table keys.
 */
function sessionUser(name: string): string {
  // eslint-disable-next-line no-control-regex
  if (name.length === 0 || name.length > 256 || /[\u0000-\u001f\u007f]/.test(name)) throw badRequest('A user name is 1-256 characters, without control characters.');
  return name;
}

function permissionName(p: string): string {
  if (!knownPermissions().includes(p)) throw badRequest(`Unknown permission "${p}". Known: ${knownPermissions().join(', ')}.`);
  return p;
}

type Caller = { actor: string; sourceIp?: string };
type Route = { method: string; path: string; run: (p: Record<string, string>, caller: Caller) => Promise<unknown> };

const iso = (ms: number) => new Date(ms).toISOString();

/** Ends sessions of a user and audits each; 404 when a named one does not exist. */
async function revokeSessions(d: Deps, p: Record<string, string>, caller: Caller, sessionId?: string) {
  const user = sessionUser(p.name!);
  const ended = await d().sessions.revoke(user, sessionId);
  for (const id of ended) audit({ action: 'session-revoked', outcome: 'success', actor: caller.actor, sourceIp: caller.sourceIp, target: `user ${user} session ${id}` });
  if (sessionId !== undefined && ended.length === 0) throw notFound(`User ${user} has no session ${sessionId}.`);
  return { revoked: ended };
}

/**
 * The permission admin API, for gateway admins only:
 *   GET    /admin/permissions                                  every known permission
 *   GET    /admin/{users|groups}/{name}/permissions            what is granted to one
 *   PUT    /admin/{users|groups}/{name}/permissions/{perm}     grant
 *   DELETE /admin/{users|groups}/{name}/permissions/{perm}     revoke
 *   GET    /admin/users/{name}/groups                          a user's groups
 *   PUT    /admin/groups/{group}/members/{user}                add to a group
 *   DELETE /admin/groups/{group}/members/{user}                remove from a group
 *   GET    /admin/users/{name}/sessions                        a user's sessions (opaque ids, no tokens)
 *   DELETE /admin/users/{name}/sessions[/{id}]                 revoke all of them, or one
 * and the per-user session lifetimes of admin-session-lifetime.ts.
 */
const adminRoutes = (d: Deps): Route[] => [
  { method: 'GET', path: '/admin/permissions', run: async () => ({ permissions: knownPermissions() }) },
  { method: 'GET', path: '/admin/{kind}/{name}/permissions', run: async (p) => ({ permissions: await d().permissions.permissionsOf(principal(p.kind!, p.name!)) }) },
  {
    method: 'PUT',
    path: '/admin/{kind}/{name}/permissions/{permission}',
    run: async (p) => {
      const who = principal(p.kind!, p.name!);
      await d().permissions.grant(who, permissionName(p.permission!));
      d().grants.clear(); // this process sees the change at once; others within GRANT_CACHE_MS
      return { message: `Granted ${p.permission} to ${who.kind} ${who.name}.` };
    },
  },
  {
    method: 'DELETE',
    path: '/admin/{kind}/{name}/permissions/{permission}',
    run: async (p) => {
      const who = principal(p.kind!, p.name!);
      await d().permissions.revoke(who, permissionName(p.permission!));
      d().grants.clear(); // this process sees the change at once; others within GRANT_CACHE_MS
      return { message: `Revoked ${p.permission} from ${who.kind} ${who.name}.` };
    },
  },
  {
    method: 'GET',
    path: '/admin/users/{name}/sessions',
    run: async (p) => ({
      sessions: (await d().sessions.sessionsOf(sessionUser(p.name!))).map((s) => ({
        id: s.sessionId,
        created_at: iso(s.createdAt),
        last_seen_at: iso(s.lastSeenAt),
        expires_at: iso(s.expiresAt),
        target: s.target,
        bound_server: s.boundServer,
        restorable: s.restorable,
      })),
    }),
  },
  { method: 'DELETE', path: '/admin/users/{name}/sessions', run: (p, caller) => revokeSessions(d, p, caller) },
  { method: 'DELETE', path: '/admin/users/{name}/sessions/{id}', run: (p, caller) => revokeSessions(d, p, caller, p.id!) },
  { method: 'GET', path: '/admin/users/{name}/groups', run: async (p) => ({ groups: await d().permissions.groupsOf(principal('users', p.name!).name) }) },
  {
    method: 'PUT',
    path: '/admin/groups/{group}/members/{user}',
    run: async (p) => {
      await d().permissions.addMember(principal('groups', p.group!).name, principal('users', p.user!).name);
      d().grants.clear(); // this process sees the change at once; others within GRANT_CACHE_MS
      return { message: `Added ${p.user} to ${p.group}.` };
    },
  },
  {
    method: 'DELETE',
    path: '/admin/groups/{group}/members/{user}',
    run: async (p) => {
      await d().permissions.removeMember(principal('groups', p.group!).name, principal('users', p.user!).name);
      d().grants.clear(); // this process sees the change at once; others within GRANT_CACHE_MS
      return { message: `Removed ${p.user} from ${p.group}.` };
    },
  },
  ...sessionLifetimeRoutes(d),
];

/** "METHOD path" of every admin route, for the OpenAPI document (functions/openapi/). */
export const adminRouteKeys = adminRoutes(() => {
  throw new Error('no deps: route keys only');
}).map((r) => `${r.method} ${r.path}`);

/** `ANY /admin/{proxy+}`: gateway admins only; answers during a BAM failover (it needs no BAM). */
export function adminRoute(d: Deps): HttpRoute<AuthContext> {
  const routes = adminRoutes(d);
  return {
    auth: 'session-during-failover',
    handle: async (event, context) => {
      const { session } = authOf(context);
      if (!d().admins.includes(session.username)) throw forbidden(`User ${session.username} is not a gateway admin.`);
      const method = event.requestContext.http.method.toUpperCase();
      const matches = routes.map((r) => ({ r, params: matchPath(r.path, event.rawPath) })).filter((m) => m.params);
      if (matches.length === 0) throw notFound(`No admin route ${event.rawPath}.`);
      const hit = matches.find((m) => m.r.method === method);
      if (!hit) throw new GatewayError(405, 'MethodNotAllowed', `${method} is not allowed on ${event.rawPath}.`);
      const caller: Caller = { actor: session.username, sourceIp: clientAddress(event) };
      const audited = AUDITED[`${hit.r.method} ${hit.r.path}`];
      if (!audited) return json(200, await hit.r.run(hit.params!, caller));
      const entry = { action: audited.action, ...caller, target: audited.target(hit.params!), correlationId: context.awsRequestId };
      try {
        const answer = await hit.r.run(hit.params!, caller);
        audit({ ...entry, outcome: 'success' });
        return json(200, answer);
      } catch (err) {
        audit({ ...entry, outcome: 'failure', reason: err instanceof GatewayError ? err.code : 'error' });
        throw err;
      }
    },
  };
}
