import { json, type HttpEvent, type HttpResult } from '../../kernel/http.js';
import { hashToken, newToken } from '../../sessions/domain/tokens.js';
import type { MaintenancePrincipal } from '../domain/contract.js';
import type { MaintenanceSession, MaintenanceSessionStore } from '../ports.js';
import { MAINTENANCE_SESSION_IDLE_MS } from '../working-copy.js';
import type { Call } from './call.js';

/**
 * The REST session of the maintenance API, as Airlock clients hold it: a JSESSIONID cookie naming
 * a stored maintenance session (stored only as the id's hash). Opened by POST /session/create,
 * ended by POST /session/terminate or after MAINTENANCE_SESSION_IDLE_MS without a call.
 */
export const REST_SESSION_COOKIE = 'JSESSIONID';

/** A JSESSIONID is a gateway-made token: 43 base64url characters. */
const SESSION_ID = /^[A-Za-z0-9_-]{43}$/;

const cookieAttributes = (localMode: boolean) => ['Path=/airlock/rest', 'HttpOnly', 'SameSite=Strict', ...(localMode ? [] : ['Secure'])];

/** Opens a maintenance session for `principal`: its record, and the cookie that names it. */
export async function openRestSession(store: MaintenanceSessionStore, principal: MaintenancePrincipal, now: number, localMode: boolean): Promise<{ cookie: string; expiresAt: number }> {
  const id = newToken();
  const expiresAt = now + MAINTENANCE_SESSION_IDLE_MS;
  await store.create({ idHash: hashToken(id), principal, createdAt: now, expiresAt });
  return { cookie: [`${REST_SESSION_COOKIE}=${id}`, `Max-Age=${MAINTENANCE_SESSION_IDLE_MS / 1000}`, ...cookieAttributes(localMode)].join('; '), expiresAt };
}

/** POST /session/terminate: the session ends, and the browser forgets its cookie. */
export async function terminateRestSession(c: Call): Promise<HttpResult> {
  await c.deps.maintenanceSessions.delete(c.session.idHash);
  c.target = 'session terminate';
  const clear = [`${REST_SESSION_COOKIE}=`, 'Max-Age=0', ...cookieAttributes(c.deps.settings.localMode)].join('; ');
  return json(200, { meta: { message: 'REST session terminated.' } }, {}, [clear]);
}

/** The live maintenance session a request's JSESSIONID cookie names, if any. */
export async function boundRestSession(store: MaintenanceSessionStore, event: HttpEvent, now: number): Promise<MaintenanceSession | undefined> {
  const id = cookie(event, REST_SESSION_COOKIE);
  if (!id || !SESSION_ID.test(id)) return undefined;
  const session = await store.get(hashToken(id));
  return session && session.expiresAt > now ? session : undefined;
}

function cookie(event: HttpEvent, name: string): string | undefined {
  for (const c of (event.cookies ?? []).flatMap((x) => x.split(';'))) {
    const [n, ...rest] = c.trim().split('=');
    if (n === name) return rest.join('=');
  }
  return undefined;
}
