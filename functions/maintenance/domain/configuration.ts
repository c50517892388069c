import { BACKEND_GROUP, HOST_MODES, quoted, type BackendHost, type HostMode } from './contract.js';
import { eligibleTarget, type Health } from '../../monitor/domain/monitor-machine.js';
import type { BamRole } from '../../kernel/bam-types.js';

/**
 * The maintenance configuration model, pure: hosts from the configured BAM servers, addressing a
 * group and a host the ways Airlock clients do, working copies, validation, and the activation
 * merge rules. No I/O; the stores and the API bring the data.
 */

/** Host modes by host name; a host absent here is ENABLED. */
export type Modes = Record<string, HostMode>;

export interface ConfiguredServer {
  name: string;
  url: string;
}

/** What a working copy holds: the active version it was loaded from, the modes then, and the changes since. */
export interface WorkingCopy {
  version: number;
  base: Modes;
  changes: Modes;
}

/** One activation, as the history keeps it. `hosts` are the hosts whose mode it changed (for autoMerge). */
export interface Activation {
  version: number;
  comment: string;
  by: string;
  at: number;
  hosts: string[];
}

/** Activations the active configuration keeps (comment, who, when, hosts changed): enough for autoMerge and the history view. */
export const HISTORY_LIMIT = 50;

export interface ActiveConfiguration {
  /** 0 before the first activation (every host ENABLED). */
  version: number;
  modes: Modes;
  /** Oldest first, at most HISTORY_LIMIT. */
  history: Activation[];
}

/** The monitor's view of a server, as far as validation and status need it. */
export interface ServerView {
  role: string;
  health: string;
  /** Failed probes in a row (absent: 0). */
  consecutiveFailures?: number;
}

export interface MonitorView {
  primary: string | null;
  servers: Record<string, ServerView>;
  fenced?: string[];
  /** The last planned switchover, when it did not complete and blocks a new one from its Primary. */
  blockedFrom?: string;
  /** A planned switchover running now. */
  switchover?: { from: string; target: string };
  /** An unplanned failover running now (no Primary confirmed). */
  failover?: boolean;
}

export type Severity = 'ERROR' | 'WARNING';
export interface ValidatorMessage {
  severity: Severity;
  detail: string;
}

export function hostsOf(servers: ConfiguredServer[], modes: Modes): BackendHost[] {
  return servers.map((s) => {
    const url = new URL(s.url);
    const protocol = url.protocol === 'https:' ? 'HTTPS' : 'HTTP';
    return {
      name: s.name,
      protocol,
      hostName: url.hostname.replace(/^\[|\]$/g, ''),
      port: url.port ? Number(url.port) : protocol === 'HTTPS' ? 443 : 80,
      mode: modes[s.name] ?? 'ENABLED',
      spare: false,
      weight: 100,
    };
  });
}

/** Group by id (`1`) or name (`address-manager`), exactly: each resource has one spelling for path rights to match. */
export function isOurGroup(ref: string): boolean {
  return ref === String(BACKEND_GROUP.id) || ref === BACKEND_GROUP.name;
}

export interface HostRef {
  protocol?: unknown;
  hostName?: unknown;
  port?: unknown;
}

export type HostLookup = { host: BackendHost } | { problem: 'bad-request' | 'not-found'; detail: string };

/**
 * Finds the host a request means: `hostName` equal to a configured name (protocol and port then
 * ignored: the reference sequence names hosts), or protocol + hostName + port of its URL, port as a
 * string or a number. Without a port, a hostName shared by several hosts is ambiguous (400).
 */
export function findHost(hosts: BackendHost[], ref: HostRef): HostLookup {
  if (typeof ref.hostName !== 'string' || ref.hostName.trim() === '') return { problem: 'bad-request', detail: 'attributes.hostName is required (a host name such as bam1, or its URL host).' };
  const hostName = ref.hostName.trim();
  const byName = hosts.find((h) => h.name === hostName);
  if (byName) return { host: byName };
  let port: number | undefined;
  if (ref.port !== undefined && ref.port !== null && ref.port !== '') {
    port = typeof ref.port === 'number' ? ref.port : typeof ref.port === 'string' && /^\d{1,5}$/.test(ref.port.trim()) ? Number(ref.port) : NaN;
    if (!Number.isInteger(port) || port < 1 || port > 65535) return { problem: 'bad-request', detail: 'attributes.port must be a port number (1-65535), as a number or a string.' };
  }
  let protocol: string | undefined;
  if (ref.protocol !== undefined && ref.protocol !== null && ref.protocol !== '') {
    if (typeof ref.protocol !== 'string' || !/^https?$/i.test(ref.protocol)) return { problem: 'bad-request', detail: 'attributes.protocol must be HTTP or HTTPS.' };
    protocol = ref.protocol.toUpperCase();
  }
  const matches = hosts.filter((h) => h.hostName.toLowerCase() === hostName.toLowerCase() && (port === undefined || h.port === port) && (protocol === undefined || h.protocol === protocol));
  if (matches.length === 1) return { host: matches[0]! };
  if (matches.length > 1) return { problem: 'bad-request', detail: `Several hosts have hostName ${quoted(hostName)}: give its port too.` };
  return { problem: 'not-found', detail: `Back-end group ${BACKEND_GROUP.name} has no host ${quoted(hostName)}${port ? `:${port}` : ''}. Its hosts: ${hosts.map((h) => h.name).join(', ')}.` };
}

export function parseMode(mode: unknown): HostMode | undefined {
  return typeof mode === 'string' && (HOST_MODES as readonly string[]).includes(mode) ? (mode as HostMode) : undefined;
}

/** The modes a working copy shows: what was loaded, with its changes on top. */
export function viewOf(wc: WorkingCopy): Modes {
  return { ...wc.base, ...wc.changes };
}

/** A mode change on a working copy; changing a host back to its loaded mode drops the change. */
export function changeMode(wc: WorkingCopy, host: string, mode: HostMode): WorkingCopy {
  const changes = { ...wc.changes };
  if ((wc.base[host] ?? 'ENABLED') === mode) delete changes[host];
  else changes[host] = mode;
  return { ...wc, changes };
}

const modeOf = (modes: Modes, name: string): HostMode => modes[name] ?? 'ENABLED';
const OUT_OF_SERVICE: Record<HostMode, number> = { ENABLED: 0, NO_NEW_SESSIONS: 1, DISABLED: 2 };

/**
 * What activating `next` over `current` would be refused for (ERROR) or should be known (WARNING):
 * every host drained or disabled; the current Primary taken out with no healthy ENABLED Standby to
 * switch over to (with one, a WARNING: activating starts the planned switchover).
 */
export function validate(hostNames: string[], current: Modes, next: Modes, monitor: MonitorView | undefined): ValidatorMessage[] {
  const messages: ValidatorMessage[] = [];
  if (hostNames.length > 0 && hostNames.every((h) => modeOf(next, h) !== 'ENABLED')) {
    messages.push({ severity: 'ERROR', detail: `Every host of back-end group ${BACKEND_GROUP.name} would be drained or disabled: at least one must stay ENABLED.` });
  }
  // Any move further out of service (ENABLED → NO_NEW_SESSIONS → DISABLED) counts: a drained host disabled is taken out too.
  const takenOut = (h: string) => OUT_OF_SERVICE[modeOf(next, h)] > OUT_OF_SERVICE[modeOf(current, h)];
  // While the Primary is changing, the hosts it may change to must stay in service.
  const sw = monitor?.switchover;
  if (sw && takenOut(sw.target)) {
    messages.push({ severity: 'ERROR', detail: `A planned switchover from ${sw.from} to ${sw.target} is in progress: ${sw.target} must stay ENABLED until it completes.` });
  }
  if (sw && modeOf(current, sw.from) !== 'ENABLED' && modeOf(next, sw.from) === 'ENABLED') {
    messages.push({ severity: 'WARNING', detail: `A planned switchover from ${sw.from} to ${sw.target} is in progress: enabling ${sw.from} does not stop it (${sw.from} becomes a Standby).` });
  }
  if (monitor?.failover) {
    const answering = hostNames.filter((h) => takenOut(h) && monitor.servers[h]?.health === 'UP');
    if (answering.length > 0) {
      messages.push({
        severity: 'ERROR',
        detail: `An unplanned failover is in progress and ${answering.join(', ')} may become the Primary: wait until a new Primary is confirmed before draining or disabling ${answering.length > 1 ? 'them' : 'it'}.`,
      });
    }
  }
  const primary = monitor?.primary;
  if (primary && hostNames.includes(primary) && takenOut(primary)) {
    // The machine's own test (eligibleTarget), with the modes of this configuration; MAINTENANCE counts
    // as UP for a host this configuration enables (the monitor has not seen it re-enabled yet).
    const eligible = (h: string) => {
      const s = monitor.servers[h];
      return (
        !!s &&
        eligibleTarget(
          { role: s.role as BamRole, health: s.health === 'MAINTENANCE' ? 'UP' : (s.health as Health), consecutiveFailures: s.consecutiveFailures ?? 0 },
          (monitor.fenced ?? []).includes(h),
        )
      );
    };
    const standby = hostNames.find((h) => h !== primary && modeOf(next, h) === 'ENABLED' && eligible(h));
    if (monitor.blockedFrom === primary) {
      messages.push({ severity: 'ERROR', detail: `${primary} is the Primary and its last planned switchover did not complete: enable it (activate), then drain or disable it again to retry.` });
    } else if (!standby) {
      messages.push({ severity: 'ERROR', detail: `${primary} is the Primary: draining or disabling it needs a healthy ENABLED Standby to switch over to, and there is none.` });
    } else {
      messages.push({
        severity: 'WARNING',
        detail: `${primary} is the Primary: activating starts a planned switchover to ${standby}. Calls are held until it completes; sessions that cannot be restored end.`,
      });
    }
  }
  return messages;
}

export type ActivationPlan = { modes: Modes; changed: string[]; merged: boolean } | { outdated: true; detail: string };

/**
 * The modes an activation writes. An up-to-date working copy wins whole. An outdated one (the
 * active version moved since load) is refused unless `ignoreOutdatedConfiguration` (the working
 * copy overwrites), or `autoMerge` and the activations since load changed none of its hosts (its
 * changes go on top of the active modes). `history` must cover every version after the loaded one.
 */
export function planActivation(wc: WorkingCopy, active: ActiveConfiguration, opts: { ignoreOutdatedConfiguration?: boolean; autoMerge?: boolean }): ActivationPlan {
  const changedFrom = (modes: Modes, next: Modes) =>
    Object.keys({ ...modes, ...next })
      .filter((h) => modeOf(modes, h) !== modeOf(next, h))
      .sort();
  if (active.version === wc.version || opts.ignoreOutdatedConfiguration) {
    const modes = viewOf(wc);
    return { modes, changed: changedFrom(active.modes, modes), merged: false };
  }
  const outdated = {
    outdated: true as const,
    detail: `The active configuration changed since it was loaded (version ${wc.version}, now ${active.version}): load it again, or activate with autoMerge or ignoreOutdatedConfiguration.`,
  };
  if (!opts.autoMerge) return outdated;
  const since = active.history.filter((a) => a.version > wc.version);
  const covered = since.length === active.version - wc.version;
  if (!covered) return outdated;
  const theirs = new Set(since.flatMap((a) => a.hosts));
  const mine = Object.keys(wc.changes);
  const clash = mine.filter((h) => theirs.has(h));
  if (clash.length > 0)
    return {
      outdated: true,
      detail: `The active configuration changed since it was loaded, and so did host ${clash.join(', ')} in it: autoMerge merges only changes to different hosts. Load it again.`,
    };
  const modes = { ...active.modes, ...wc.changes };
  return { modes, changed: changedFrom(active.modes, modes), merged: true };
}

/**
 * A host's health as the status shows it: the monitor's view (which shows a DISABLED host in
 * MAINTENANCE, as GET /failover_monitoring/status does), with the active mode taking effect at
 * once: MAINTENANCE for a host just DISABLED, and for one just enabled again what the monitor's
 * next round will say (UP if its last probe answered, else DOWN).
 */
export function healthOf(mode: HostMode, monitorHealth: string | undefined, consecutiveFailures = 0): string {
  if (mode === 'DISABLED') return 'MAINTENANCE';
  if (monitorHealth === 'MAINTENANCE') return consecutiveFailures > 0 ? 'DOWN' : 'UP';
  return monitorHealth ?? 'DOWN';
}
