import type { BoundSessionFilter } from '../sessions/ports.js';
import type { MonitorState } from '../monitor/domain/monitor-machine.js';
import type { BackendHost } from './domain/contract.js';
import type { BoundSessionCounter } from './ports.js';
export type { BoundSessionCounter };

/** The login alias (functions/sessions/session-service.ts PRIMARY_ALIAS), repeated so this bundle stays free of the session service. */
const PRIMARY_ALIAS = 'primary-address-manager';

/**
 * Which sessions bound to `host` it would still serve (the session counts of the back-end group's status), mirroring the
 * session service's checks:
 * - pinned sessions (target = host) of its current incarnation (one bound before it went DOWN has
 *   ended), none while it is DISABLED (they end);
 * - alias sessions bound to it while it is the Primary: restorable ones, and others bound since it
 *   became Primary (one bound before a failover away and back has ended).
 * Expired sessions are outside the queried range.
 */
export function countFilter(host: BackendHost, monitor: MonitorState | undefined): BoundSessionFilter {
  const which: BoundSessionFilter = {};
  if (host.mode !== 'DISABLED') {
    const incarnation = monitor?.servers[host.name]?.incarnation;
    which.pinned = incarnation === undefined ? {} : { incarnation };
  }
  if (monitor?.primary === host.name) which.alias = { target: PRIMARY_ALIAS, sinceEpoch: monitor.primarySinceEpoch ?? monitor.epoch };
  return which;
}

/** How many live gateway sessions `host` would still serve: a bounded number of index pages, whatever the number of sessions. */
export async function countSessions(counter: BoundSessionCounter, host: BackendHost, monitor: MonitorState | undefined, now: number): Promise<number> {
  return (await counter.countBound(host.name, now, countFilter(host, monitor))).count;
}
