import type { EventPage, EventRange } from '../events/domain/event-log.js';
import type { GroupIntervals, GroupState } from '../group/domain/group.js';
import type { BoundSessionCounter } from '../maintenance/session-count.js';
import type { HostModes } from '../monitor/domain/monitor-machine.js';
import type { StoredSample } from '../monitor/domain/history.js';
import type { MonitorState } from '../monitor/domain/monitor-machine.js';

/** The event log, read by time (adapters/event-log-range.ts). */
export interface EventReader {
  range(r: EventRange): Promise<EventPage>;
}

/** The dashboard's last hour (adapters/history-read.ts): samples before `now`, after `after`, oldest first. */
export interface HistoryReader {
  samples(now: number, after?: number): Promise<StoredSample[]>;
}

/** What the web UI's API reads: the gateway's own table, never BAM. */
export interface UiDeps {
  config: {
    servers: { name: string; url: string }[];
    admins: string[];
    localMode: boolean;
    sessionMaxLifetimeSeconds: number;
    node?: { id: string; url: string | null };
    group: GroupIntervals;
    probe: { intervalMs: number; timeoutMs: number };
  };
  /** Every permission something checks (the admin API's list). */
  knownPermissions(): string[];
  monitor: { get(): Promise<{ state: MonitorState } | undefined> };
  configuration: { get(): Promise<{ modes: HostModes }> };
  permissions: { permissionsOf(p: { kind: 'user' | 'group'; name: string }): Promise<string[]>; groupsOf(username: string): Promise<string[]> };
  sessionCounter: BoundSessionCounter;
  groupView: { current(maxAgeMs: number): Promise<GroupState | undefined> };
  events: EventReader;
  history: HistoryReader;
}
