import { duration, modeLabel, roleLabel, stateLabel } from './labels.js';
import type { LoggedEvent } from './types.js';

export type Severity = 'critical' | 'warning' | 'info' | 'ok';
export const SEVERITY_LABEL: Record<Severity, string> = { critical: 'Critical', warning: 'Warning', info: 'Info', ok: 'Recovered' };

export const TYPE_LABELS: Record<string, string> = {
  NODE_ROLE_CHANGED: 'Role changes',
  MONITORING_STATE_CHANGED: 'Monitoring state changes',
  SPLIT_BRAIN_DETECTED: 'Split brain',
  BACKEND_HOST_MODE_CHANGED: 'Maintenance mode changes',
  CONFIGURATION_ACTIVATED: 'Configuration activations',
};

const who = (d: LoggedEvent['detail']) => `${d.by ? ` by ${d.by}` : ''}${d.comment ? ` (“${d.comment}”)` : ''}`;

/** How much an event matters to an operator; shown as a colour and a word. */
export function severityOf(e: LoggedEvent): Severity {
  const d = e.detail;
  switch (e.type) {
    case 'SPLIT_BRAIN_DETECTED':
      return 'critical';
    case 'MONITORING_STATE_CHANGED':
      if (d.new === 'FAILOVER_IN_PROGRESS') return 'critical';
      if (d.new === 'SWITCHOVER_IN_PROGRESS') return 'info';
      if (d.new === 'STOPPED') return 'warning';
      return d.previous === 'FAILOVER_IN_PROGRESS' || d.previous === 'SWITCHOVER_IN_PROGRESS' ? 'ok' : 'info';
    case 'NODE_ROLE_CHANGED':
      if (d.previous === null || d.previous === undefined) return 'info'; // first seen
      if (d.new === 'UNKNOWN' || d.reason === 'takeover') return 'warning';
      return d.reason === 'reachable' ? 'ok' : 'info';
    case 'BACKEND_HOST_MODE_CHANGED':
      return d.new === 'DISABLED' ? 'warning' : d.new === 'ENABLED' ? 'ok' : 'info';
    default:
      return 'info';
  }
}

const REASONS: Record<string, string> = {
  unreachable: 'it stopped answering',
  reachable: 'it answers again',
  promoted: 'promoted',
  demoted: 'demoted',
  maintenance: 'maintenance',
  'planned-switchover': 'planned switchover',
  takeover: 'the Primary stopped heartbeating',
  'manual-failover': 'manual failover',
};

/** One sentence saying what happened, in words rather than enum values. */
export function labelOf(e: LoggedEvent): string {
  const d = e.detail;
  switch (e.type) {
    case 'NODE_ROLE_CHANGED': {
      const what = d.node?.kind === 'gateway' ? `Gateway node ${d.node?.id}` : `Address Manager ${d.node?.id}`;
      if (!d.previous) return `${what}: first seen as ${roleLabel(d.new)}`;
      const reason = REASONS[d.reason] ?? d.reason;
      return `${what}: ${roleLabel(d.previous)} → ${roleLabel(d.new)}${reason ? ` (${reason})` : ''}`;
    }
    case 'MONITORING_STATE_CHANGED':
      if (d.new === 'FAILOVER_IN_PROGRESS') return d.previous === 'SWITCHOVER_IN_PROGRESS' ? 'Planned switchover did not complete: failover started' : 'Failover started: the Primary was lost';
      if (d.new === 'SWITCHOVER_IN_PROGRESS') return 'Planned switchover started';
      if (d.new === 'MONITORING' && d.previous === 'FAILOVER_IN_PROGRESS') return `Failover ended: new Primary ${d.primaryUrl ?? 'confirmed'}`;
      if (d.new === 'MONITORING' && d.previous === 'SWITCHOVER_IN_PROGRESS') return `Switchover ended: Primary ${d.primaryUrl ?? 'confirmed'}`;
      return `Monitoring: ${stateLabel(d.previous)} → ${stateLabel(d.new)}${d.primaryUrl ? `, Primary ${d.primaryUrl}` : ''}`;
    case 'SPLIT_BRAIN_DETECTED':
      return `Split brain: ${(d.servers ?? []).map((s: { name: string }) => s.name).join(' and ')} claim to be Primary`;
    case 'BACKEND_HOST_MODE_CHANGED':
      return `${d.host?.name}: ${modeLabel(d.previous)} → ${modeLabel(d.new)}${who(d)}`;
    case 'CONFIGURATION_ACTIVATED':
      return `Maintenance configuration v${d.version} activated${who(d)}`;
    default:
      return e.type;
  }
}

export interface Incident {
  kind: 'failover' | 'switchover' | 'split-brain' | 'maintenance';
  title: string;
  start: number;
  /** null: still going on, or its end is not in the events read. */
  end: number | null;
  eventIds: string[];
}

const at = (e: LoggedEvent) => Date.parse(e.time);

/**
 * Events grouped into incidents (oldest first): a failover or a switchover from its start to the
 * monitoring state's return, a host's maintenance from leaving ENABLED to coming back, a split
 * brain as the moment it was detected. Other events join the incident running when they happened.
 */
export function incidentsOf(events: LoggedEvent[]): Incident[] {
  const sorted = [...events].sort((a, b) => at(a) - at(b) || a.id.localeCompare(b.id));
  const out: Incident[] = [];
  let cluster: Incident | undefined;
  const hosts = new Map<string, Incident>();
  for (const e of sorted) {
    const d = e.detail;
    if (e.type === 'MONITORING_STATE_CHANGED') {
      if (cluster && (d.previous === 'FAILOVER_IN_PROGRESS' || d.previous === 'SWITCHOVER_IN_PROGRESS')) {
        cluster.eventIds.push(e.id);
        cluster.end = at(e);
        cluster = undefined;
        if (d.new !== 'FAILOVER_IN_PROGRESS') continue;
      }
      if (d.new === 'FAILOVER_IN_PROGRESS' || d.new === 'SWITCHOVER_IN_PROGRESS') {
        cluster = {
          kind: d.new === 'FAILOVER_IN_PROGRESS' ? 'failover' : 'switchover',
          title: d.new === 'FAILOVER_IN_PROGRESS' ? 'Failover' : 'Planned switchover',
          start: at(e),
          end: null,
          eventIds: [e.id],
        };
        out.push(cluster);
        continue;
      }
    }
    if (e.type === 'SPLIT_BRAIN_DETECTED') {
      out.push({ kind: 'split-brain', title: labelOf(e), start: at(e), end: at(e), eventIds: [e.id] });
      continue;
    }
    if (e.type === 'BACKEND_HOST_MODE_CHANGED' && d.host?.name) {
      const host = String(d.host.name);
      const open = hosts.get(host);
      if (open) open.eventIds.push(e.id);
      if (open && d.new === 'ENABLED') {
        open.end = at(e);
        hosts.delete(host);
      } else if (!open && d.new !== 'ENABLED') {
        const m: Incident = { kind: 'maintenance', title: `Maintenance of ${host}`, start: at(e), end: null, eventIds: [e.id] };
        hosts.set(host, m);
        out.push(m);
      }
      continue;
    }
    // A role change or an activation belongs to what was going on then.
    const host = d.node?.id ?? (Array.isArray(d.hosts) ? d.hosts[0] : undefined);
    const owner = cluster ?? (host ? hosts.get(String(host)) : undefined);
    owner?.eventIds.push(e.id);
  }
  return out;
}

/** "Failover, 14 s" / "Maintenance of bam2, going on for 3 min". */
export function incidentSummary(i: Incident, now: number): string {
  return i.end === null ? `${i.title}, going on for ${duration(now - i.start)}` : i.end === i.start ? i.title : `${i.title}, ${duration(i.end - i.start)}`;
}

export interface LastFailover {
  start: number;
  end: number | null;
  /** The Primary it ended on, as the event gives it (its URL). */
  primaryUrl: string | null;
}

/** The last failover among these monitoring-state changes (any order): when it started, when it ended. */
export function lastFailover(events: LoggedEvent[]): LastFailover | null {
  const changes = events.filter((e) => e.type === 'MONITORING_STATE_CHANGED').sort((a, b) => at(a) - at(b));
  let start: number | null = null;
  let end: number | null = null;
  let primaryUrl: string | null = null;
  for (const e of changes) {
    if (e.detail.new === 'FAILOVER_IN_PROGRESS') [start, end, primaryUrl] = [at(e), null, null];
    else if (start !== null && end === null && e.detail.previous === 'FAILOVER_IN_PROGRESS') [end, primaryUrl] = [at(e), e.detail.primaryUrl ?? null];
  }
  return start === null ? null : { start, end, primaryUrl };
}
