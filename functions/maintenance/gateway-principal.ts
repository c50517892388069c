import { endedByCluster } from '../sessions/domain/session-binding.js';
import { absoluteEnd } from '../sessions/domain/session-lifetime.js';
import type { MaintenancePrincipal } from './domain/contract.js';
import { maintenanceError } from './jsonapi.js';
import type { GatewaySessionReader, MonitorStateReader, PermissionCheck } from './ports.js';

/** The permission that lets a gateway user (the web UI) use the maintenance API. Admins hold it. */
export const MAINTENANCE_PERMISSION = 'maintenance';

export interface GatewayPrincipalDeps {
  gatewaySessions: GatewaySessionReader;
  monitor: MonitorStateReader;
  permissions: PermissionCheck;
  /** Gateway users who hold every permission. */
  admins: string[];
  /** The absolute session lifetime of users without their own. */
  sessionMaxLifetimeSeconds: number;
}

/**
 * The maintenance principal of a gateway session, read-only (no gateway session is written here):
 * undefined when the hash names no live session (none, or one the cluster ended by a failover or
 * by maintenance, even if no gateway call has deleted it yet); 401 once it expired; 403 without
 * the maintenance permission. A gateway session's path rights are every path.
 */
export async function principalOfGatewaySession(d: GatewayPrincipalDeps, tokenHash: string, now: number): Promise<MaintenancePrincipal | undefined> {
  const [session, monitor] = await Promise.all([d.gatewaySessions.get(tokenHash), d.monitor.get()]);
  if (!session) return undefined;
  if (endedByCluster(session, monitor?.state)) return undefined;
  if (session.expiresAt <= now || now >= absoluteEnd(session.createdAt, session.maxLifetimeSeconds, d.sessionMaxLifetimeSeconds))
    throw maintenanceError(401, 'UNAUTHORIZED', 'The gateway session expired. Log in again.');
  if (!d.admins.includes(session.username) && !(await d.permissions.has(session.username, MAINTENANCE_PERMISSION))) {
    throw maintenanceError(403, 'FORBIDDEN', `User ${session.username} lacks the "${MAINTENANCE_PERMISSION}" permission.`);
  }
  return { kind: 'session', user: session.username, readPaths: '.*', writePaths: '.*', gatewaySession: tokenHash };
}
