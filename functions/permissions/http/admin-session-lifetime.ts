import type { AdminDeps } from '../admin-deps.js';
import { badRequest } from '../../kernel/errors.js';
import { parseLifetime, type SessionLifetime } from '../../sessions/domain/session-lifetime.js';

/**
 * The admin API's routes for per-user session lifetimes (admin.ts serves them, admins only):
 *   GET    /admin/session-lifetimes                      the default and every user's own
 *   GET    /admin/users/{name}/session-lifetime          one user's (their own, or the default)
 *   PUT    /admin/users/{name}/session-lifetime/{value}  seconds, or `none` (no absolute lifetime)
 *   DELETE /admin/users/{name}/session-lifetime          back to the default
 * A change applies to the user's next logins; sessions already open keep the lifetime they got
 * (revoke them to make the user log in again).
 */
type Caller = { actor: string; sourceIp?: string };
type Route = { method: string; path: string; run: (p: Record<string, string>, caller: Caller) => Promise<unknown> };

/** As the session routes take user names: any name login accepts, in one path segment. */
function userName(name: string | undefined): string {
  // eslint-disable-next-line no-control-regex
  if (!name || name.length > 256 || /[\u0000-\u001f\u007f]/.test(name)) throw badRequest('A user name is 1-256 characters, without control characters.');
  return name;
}

const view = (defaultSeconds: number, username: string, own: SessionLifetime | undefined) => {
  return { username, session_max_lifetime_seconds: own === undefined ? defaultSeconds : own, source: own === undefined ? 'default' : 'user', default_seconds: defaultSeconds };
};

export const sessionLifetimeRoutes = (d: () => AdminDeps): Route[] => [
  {
    method: 'GET',
    path: '/admin/session-lifetimes',
    run: async () => ({
      default_seconds: d().defaultLifetimeSeconds,
      users: (await d().userSettings.list()).map((u) => ({
        username: u.username,
        session_max_lifetime_seconds: u.sessionLifetime,
        updated_by: u.updatedBy,
        updated_at: new Date(u.updatedAt).toISOString(),
      })),
    }),
  },
  {
    method: 'GET',
    path: '/admin/users/{name}/session-lifetime',
    run: async (p) => {
      const user = userName(p.name);
      return view(d().defaultLifetimeSeconds, user, (await d().userSettings.get(user))?.sessionLifetime);
    },
  },
  {
    method: 'PUT',
    path: '/admin/users/{name}/session-lifetime/{value}',
    run: async (p, caller) => {
      const user = userName(p.name);
      const saved = await d().userSettings.setSessionLifetime(user, parseLifetime(p.value ?? ''), caller.actor);
      return view(d().defaultLifetimeSeconds, user, saved.sessionLifetime);
    },
  },
  {
    method: 'DELETE',
    path: '/admin/users/{name}/session-lifetime',
    run: async (p) => {
      const user = userName(p.name);
      await d().userSettings.clear(user);
      return view(d().defaultLifetimeSeconds, user, undefined);
    },
  },
];
