import type { HostMode, HostModes, ServerStatus } from './monitor-state.js';

/**
 * Maintenance modes as the monitor applies them (docs/maintenance.md). A DISABLED server is still
 * probed, but its health is MAINTENANCE: never DOWN, so it never starts a failover nor raises a
 * DOWN alarm. Entering DISABLED starts a new incarnation: sessions pinned to it end.
 */

/** The host's mode this round; `modes` undefined (the configuration could not be read) keeps the last known one. */
export function modeThisRound(before: ServerStatus, name: string, modes: HostModes | undefined): HostMode {
  return modes ? (modes[name] ?? 'ENABLED') : (before.mode ?? 'ENABLED');
}

/** `s` with this round's mode: ENABLED is stored as no mode; DISABLED records since when, and entering it a new incarnation. */
export function withMode(s: ServerStatus, before: ServerStatus, mode: HostMode, now: number): ServerStatus {
  const { mode: _mode, disabledSince: _since, ...rest } = s;
  const out: ServerStatus = mode === 'ENABLED' ? rest : { ...rest, mode };
  if (mode !== 'DISABLED') return out;
  if (before.mode === 'DISABLED') return { ...out, disabledSince: before.disabledSince ?? now };
  const incarnation = before.incarnation + 1;
  return { ...out, incarnation, maintenanceIncarnation: incarnation, disabledSince: now };
}
