import type { BamServer } from '../../kernel/bam-types.js';
import type { MachineSettings, MonitorState, Transition } from './monitor-machine.js';

/**
 * Whether a round's transition is worth a write to the shared state. Failure counters matter (for
 * hysteresis across runs) only up to the threshold; a streak that began anew (a call served between
 * failures) must be seen by every monitor, and so must an outage. Probe bookkeeping alone is written
 * once `refreshMs` has passed since this monitor's last write; a state never stored is always written.
 */
export function worthWriting(prev: MonitorState, t: Transition, o: { settings: MachineSettings; servers: BamServer[]; refreshMs?: number }, now: number, lastWriteAt: number): boolean {
  const cap = (n = 0) => Math.min(n, o.settings.failuresBeforeFailover);
  const countersMoved = o.servers.some((s) => {
    const [a, b] = [t.state.servers[s.name], prev.servers[s.name]];
    return cap(a?.consecutiveFailures) !== cap(b?.consecutiveFailures) || (a?.failingSince ?? null) !== (b?.failingSince ?? null) || (a?.outages ?? 0) !== (b?.outages ?? 0);
  });
  const due = now - lastWriteAt >= (o.refreshMs ?? 10_000);
  return t.significant || countersMoved || due || prev.version <= 0;
}
