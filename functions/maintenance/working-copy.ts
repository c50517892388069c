import type { MonitorState } from '../monitor/domain/monitor-machine.js';
import { activate, type ActivateResult } from './activation.js';
import { hostsOf, viewOf, type ConfiguredServer, type WorkingCopy } from './domain/configuration.js';
import type { BackendHost } from './domain/contract.js';
import { maintenanceError } from './jsonapi.js';
import type { ConfigurationStore, MaintenanceSession, MaintenanceSessionStore } from './ports.js';

/** A maintenance session idles out after this: every call slides it. */
export const MAINTENANCE_SESSION_IDLE_MS = 10 * 60 * 1000;
/** Parallel calls on one working copy that each still get through (more at once may get a 409). */
export const WORKING_COPY_ATTEMPTS = 25;

export interface WorkingCopyDeps {
  sessions: MaintenanceSessionStore;
  configurations: ConfigurationStore;
  servers: ConfiguredServer[];
  /** The pause before attempt `n` (n ≥ 1) after a conflict: random, so parallel calls spread out. */
  backoff?: (attempt: number) => Promise<void>;
}

const randomBackoff = (attempt: number) => new Promise<void>((r) => setTimeout(r, Math.random() * 10 * Math.min(attempt, 5)));

export const noWorkingCopy = () => maintenanceError(400, 'NO_WORKING_COPY', 'No configuration is loaded in this REST session: POST /configuration/configurations/load-active first.');
const sessionEnded = () => maintenanceError(401, 'UNAUTHORIZED', 'The REST session ended.');

/** A working copy of the active configuration, with no change yet. */
export async function loadActiveCopy(configurations: ConfigurationStore): Promise<WorkingCopy> {
  const active = await configurations.get();
  return { version: active.version, base: active.modes, changes: {} };
}

/**
 * Writes the working copy `change` makes of the session's current one. Another call of the same
 * session may write it meanwhile (parallel host-mode calls): then it is read again and `change`
 * applied anew, so no change is lost. 401 once the session ended; 409 after WORKING_COPY_ATTEMPTS.
 */
export async function updateWorkingCopy(d: WorkingCopyDeps, session: MaintenanceSession, now: number, change: (wc: WorkingCopy | undefined) => WorkingCopy): Promise<WorkingCopy> {
  let current = session;
  // Each conflict is another call's success, so a call waits out at most as many as run at once.
  for (let attempt = 0; attempt < WORKING_COPY_ATTEMPTS; attempt++) {
    if (attempt > 0) await (d.backoff ?? randomBackoff)(attempt);
    const next = change(current.workingCopy);
    const saved = await d.sessions.saveWorkingCopy(current.idHash, now + MAINTENANCE_SESSION_IDLE_MS, next, current.wcRev ?? 0);
    if (saved === 'saved') return next;
    if (saved === 'gone') throw sessionEnded();
    const again = await d.sessions.get(current.idHash);
    if (!again) throw sessionEnded();
    current = again;
  }
  throw maintenanceError(409, 'CONFLICT', 'The working copy kept changing under this call: send it again.');
}

/** The working copy's hosts, or the active configuration's when none is loaded yet. */
export async function workingHosts(d: WorkingCopyDeps, session: MaintenanceSession): Promise<BackendHost[]> {
  const wc = session.workingCopy ?? (await loadActiveCopy(d.configurations));
  return hostsOf(d.servers, viewOf(wc));
}

export interface ActivationOrder {
  comment: string;
  options: { ignoreOutdatedConfiguration?: boolean; autoMerge?: boolean };
  by: string;
  monitor: Promise<MonitorState | undefined>;
  now: number;
}

/**
 * Activates the session's working copy (see activation.ts for what is refused); the working copy
 * then becomes what was activated, unless a parallel call of this session changed it meanwhile
 * (that one is kept: it is outdated now, and its activation will say so).
 */
export async function activateWorkingCopy(d: WorkingCopyDeps, session: MaintenanceSession, order: ActivationOrder): Promise<ActivateResult> {
  const wc = session.workingCopy;
  if (!wc) throw noWorkingCopy();
  const result = await activate(d.configurations, { workingCopy: wc, servers: d.servers, ...order });
  const activated = { version: result.version, base: result.modes, changes: {} };
  const saved = await d.sessions.saveWorkingCopy(session.idHash, order.now + MAINTENANCE_SESSION_IDLE_MS, activated, session.wcRev ?? 0);
  if (saved === 'gone') throw sessionEnded();
  return result;
}
