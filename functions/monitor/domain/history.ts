import type { MonitorState, MonitoringState } from './monitor-machine.js';
import { roleOf, type GroupIntervals, type GroupState } from '../../group/domain/group.js';

/**
 * The last hour as the dashboard draws it: one sample of the cluster per monitor write,
 * kept in a ring of one-minute slots (adapters/history-store.ts). Pure: what a sample holds, when
 * one is worth keeping, how it is stored compactly, and which slot a time falls in.
 */
export interface ServerSample {
  role: string;
  health: string;
  /** The last probe's latency; null when it got no answer. */
  latency_ms: number | null;
  mode: string;
}

export interface NodeSample {
  role: string;
  available: boolean;
}

export interface HistorySample {
  /** When the monitor state was written, epoch ms. */
  t: number;
  state: MonitoringState;
  split_brain: boolean;
  servers: Record<string, ServerSample>;
  /** The availability group's members, when this gateway is in one. */
  nodes?: Record<string, NodeSample>;
}

/** The ring's partition: the functions that write the monitor state may write there already. */
export const HISTORY_PK = 'MONITOR';
/** One slot per minute of the hour: the ring never holds more than an hour, whatever TTL does. */
export const HISTORY_SLOTS = 60;
export const MINUTE_MS = 60_000;
export const HOUR_MS = HISTORY_SLOTS * MINUTE_MS;
/** A slot holds at most this many samples (a failover writes every probe round): the item stays small. */
export const SAMPLES_PER_SLOT = 60;
/** Two samples of the same picture closer than this are one too many: at steady state one every 10 s. */
export const MIN_SAMPLE_GAP_MS = 10_000;

export const minuteOf = (t: number) => Math.floor(t / MINUTE_MS);
export const slotKey = (minute: number) => `HISTORY#${String(((minute % HISTORY_SLOTS) + HISTORY_SLOTS) % HISTORY_SLOTS).padStart(2, '0')}`;

/** The picture a monitor state (and the group, if any) gives at `now`. */
export function sampleOf(state: MonitorState, group: GroupState | undefined, intervals: GroupIntervals | undefined, now: number): HistorySample {
  const servers: Record<string, ServerSample> = {};
  for (const s of Object.values(state.servers)) {
    // A failed probe's latency is how long it waited, not how fast the server answers.
    const answered = s.consecutiveFailures === 0 && s.lastProbeAt !== null;
    servers[s.name] = { role: s.role, health: s.health, latency_ms: answered ? s.latencyMs : null, mode: s.mode ?? 'ENABLED' };
  }
  const sample: HistorySample = { t: state.updatedAt, state: state.monitoringState, split_brain: state.splitBrain, servers };
  if (group && intervals) {
    sample.nodes = Object.fromEntries(Object.values(group.members).map((m) => [m.id, { role: roleOf(group, m.id), available: now - m.lastSeen <= intervals.allowedAbsenceMs }]));
  }
  return sample;
}

/** Everything but the time and the latencies' values (whether a server answered is in): a change here is always worth a sample. */
function picture(s: HistorySample): string {
  const servers = Object.entries(s.servers).map(([n, v]) => `${n}:${v.role}:${v.health}:${v.mode}:${v.latency_ms === null}`);
  const nodes = Object.entries(s.nodes ?? {}).map(([n, v]) => `${n}:${v.role}:${v.available}`);
  return [s.state, s.split_brain, ...servers.sort(), '|', ...nodes.sort()].join(',');
}

/** Whether `next` adds to the last recorded sample: a changed picture, or enough time since it. */
export function worthRecording(last: HistorySample | undefined, next: HistorySample): boolean {
  if (!last) return true;
  if (next.t <= last.t) return false;
  return picture(next) !== picture(last) || next.t - last.t >= MIN_SAMPLE_GAP_MS;
}

const STATE_CODE: Record<MonitoringState, string> = { STOPPED: 'X', MONITORING: 'M', FAILOVER_IN_PROGRESS: 'F', SWITCHOVER_IN_PROGRESS: 'S' };
const first = (v: string) => v.charAt(0);
// SECONDARY would read as STANDBY's S: a node's Secondary is a lower-case s.
const nodeRoleCode = (r: string) => (r === 'SECONDARY' ? 's' : first(r));

/**
 * A stored sample: `[t, state, split brain 0/1, [[server, role, health, latency, mode]...], [[node, role, available 0/1]...]?]`
 * with one-letter codes (the first letter of each value; a node's Secondary is `s`). The web UI
 * reads them as they are (ui/src/history-codec.ts decodes them).
 */
export type StoredSample = [number, string, number, [string, string, string, number | null, string][], ([string, string, number][] | undefined)?];

/** About 100 bytes for two servers and two nodes: a minute's slot stays under 1 KB at the steady rate, one write unit per sample. */
export function encodeSample(s: HistorySample): string {
  const servers = Object.entries(s.servers).map(([n, v]) => [n, first(v.role), first(v.health), v.latency_ms, first(v.mode)]);
  const nodes = s.nodes ? Object.entries(s.nodes).map(([n, v]) => [n, nodeRoleCode(v.role), v.available ? 1 : 0]) : null;
  return JSON.stringify([s.t, STATE_CODE[s.state], s.split_brain ? 1 : 0, servers, ...(nodes ? [nodes] : [])]);
}

/** A stored string as a sample, if it is one (a slot written by another version may hold anything). */
export function parseStored(raw: unknown): StoredSample | undefined {
  try {
    const a = typeof raw === 'string' ? (JSON.parse(raw) as unknown) : undefined;
    return Array.isArray(a) && typeof a[0] === 'number' && Array.isArray(a[3]) ? (a as StoredSample) : undefined;
  } catch {
    return undefined;
  }
}
