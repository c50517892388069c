import { incidentsOf } from './incidents.js';
import type { LoggedEvent, Sample } from './types.js';

/** A stretch of time in one state, for one row of the timeline. */
export interface Segment {
  from: number;
  to: number;
  value: string;
}

/** A sample holds until the next one; past this without one, the timeline shows no data. */
export const SAMPLE_HOLD_MS = 30_000;

/** What a BAM server's row shows at a sample: DOWN and MAINTENANCE above the role. */
export function serverValue(s: Sample, name: string): string | undefined {
  const v = s.servers[name];
  if (!v) return undefined;
  if (v.health === 'DOWN') return 'DOWN';
  if (v.health === 'MAINTENANCE') return 'MAINTENANCE';
  return v.mode === 'NO_NEW_SESSIONS' ? `${v.role}_DRAINING` : v.role;
}

/** What a gateway node's row shows: DOWN when it had no heartbeat, else its role. */
export function nodeValue(s: Sample, id: string): string | undefined {
  const v = s.nodes?.[id];
  if (!v) return undefined;
  return v.available ? v.role : 'DOWN';
}

/** Samples (oldest first) to segments of one row between `from` and `to`; gaps longer than the hold are left empty. */
export function segmentsOf(samples: Sample[], valueAt: (s: Sample) => string | undefined, from: number, to: number): Segment[] {
  const out: Segment[] = [];
  for (let i = 0; i < samples.length; i++) {
    const s = samples[i]!;
    const value = valueAt(s);
    const next = samples[i + 1];
    const end = Math.min(next ? next.t : to, s.t + SAMPLE_HOLD_MS, to);
    const start = Math.max(s.t, from);
    if (value === undefined || end <= start) continue;
    const prev = out.at(-1);
    if (prev && prev.value === value && prev.to >= start) prev.to = end;
    else out.push({ from: start, to: end, value });
  }
  return out;
}

/** The row names the samples mention (servers, or nodes), in first-seen order. */
export function rowsOf(samples: Sample[], part: 'servers' | 'nodes'): string[] {
  const names = new Set<string>();
  for (const s of samples) for (const n of Object.keys(s[part] ?? {})) names.add(n);
  return [...names];
}

/** One server's probe latency over time; null where the probe got no answer (the line breaks there). */
export function latencyOf(samples: Sample[], name: string, from: number): { t: number; ms: number | null }[] {
  return samples.filter((s) => s.t >= from && s.servers[name]).map((s) => ({ t: s.t, ms: s.servers[name]!.latency_ms }));
}

export interface Marker {
  kind: 'failover' | 'switchover' | 'maintenance' | 'split-brain';
  from: number;
  /** Equal to `from` for a moment; `now` for one still going on. */
  to: number;
  label: string;
}

/**
 * Failover, switchover and maintenance markers on the hour, from the events (the incidents they
 * form) and, for a split brain, from the samples that show it (no event marks its end).
 */
export function markersOf(events: LoggedEvent[], samples: Sample[], from: number, now: number): Marker[] {
  const out: Marker[] = [];
  for (const i of incidentsOf(events)) {
    if (i.kind === 'split-brain') continue;
    const to = i.end ?? now;
    if (to < from) continue;
    out.push({ kind: i.kind, from: Math.max(i.start, from), to, label: i.title });
  }
  const split = segmentsOf(samples, (s) => (s.split_brain ? 'SPLIT' : undefined), from, now);
  for (const s of split) out.push({ kind: 'split-brain', from: s.from, to: s.to, label: 'Split brain' });
  return out;
}
