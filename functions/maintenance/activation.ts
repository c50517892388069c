import type { PendingEvent } from '../events/domain/events.js';
import type { MonitorState } from '../monitor/domain/monitor-machine.js';
import { BACKEND_GROUP } from './domain/contract.js';
import { planActivation, validate, type ConfiguredServer, type Modes, type MonitorView, type WorkingCopy } from './domain/configuration.js';
import { maintenanceError } from './jsonapi.js';
import type { ConfigurationStore } from './ports.js';

export interface ActivateRequest {
  workingCopy: WorkingCopy;
  comment: string;
  options: { ignoreOutdatedConfiguration?: boolean; autoMerge?: boolean };
  by: string;
  servers: ConfiguredServer[];
  /** The monitor's state, read with the active configuration (one request to the table). */
  monitor: Promise<MonitorState | undefined>;
  now: number;
}

export interface ActivateResult {
  version: number;
  modes: Modes;
  changes: { host: string; previous: string; new: string }[];
  merged: boolean;
  /** The active configuration's comment: this activation's, or the one before when nothing changed. */
  comment: string;
  /** False when nothing changed: no new version was made. */
  activated: boolean;
}

export function monitorView(state: MonitorState | undefined): MonitorView | undefined {
  if (!state) return undefined;
  const last = state.lastSwitchover;
  return {
    primary: state.monitoringState === 'MONITORING' ? state.primary : null,
    servers: state.servers,
    ...(state.fenced ? { fenced: state.fenced } : {}),
    ...(last?.blocked ? { blockedFrom: last.from } : {}),
    ...(state.monitoringState === 'SWITCHOVER_IN_PROGRESS' && state.switchover ? { switchover: { from: state.switchover.from, target: state.switchover.target } } : {}),
    ...(state.monitoringState === 'FAILOVER_IN_PROGRESS' ? { failover: true } : {}),
  };
}

/**
 * Activates a working copy: 409 OUTDATED_CONFIGURATION when the active version moved and the
 * options do not allow it (or another activation wins the conditional write meanwhile), 400 with
 * the validator's errors; otherwise the new version, committed with its events in one write.
 */
export async function activate(store: ConfigurationStore, r: ActivateRequest): Promise<ActivateResult> {
  const [active, monitor] = await Promise.all([store.get(), r.monitor]);
  const plan = planActivation(r.workingCopy, active, r.options);
  if ('outdated' in plan) throw maintenanceError(409, 'OUTDATED_CONFIGURATION', plan.detail);
  const names = r.servers.map((s) => s.name);
  const errors = validate(names, active.modes, plan.modes, monitorView(monitor)).filter((m) => m.severity === 'ERROR');
  if (errors.length) {
    throw maintenanceError(
      400,
      'VALIDATION_FAILED',
      errors[0]!.detail,
      errors.map((e) => ({ status: '400', code: 'VALIDATION_FAILED', title: 'Bad Request', detail: e.detail })),
    );
  }
  // Nothing changes: no new version (it would make every other working copy outdated for nothing).
  if (plan.changed.length === 0) return { version: active.version, modes: active.modes, changes: [], merged: plan.merged, comment: active.history.at(-1)?.comment ?? '', activated: false };
  const version = active.version + 1;
  const occurredAt = new Date(r.now).toISOString();
  const epoch = monitor?.epoch ?? 0;
  const changes = plan.changed.map((host) => ({ host, previous: active.modes[host] ?? 'ENABLED', new: plan.modes[host] ?? 'ENABLED' }));
  const events: PendingEvent[] = changes.map((c, i) => ({
    id: `config-${version}-${i}`,
    detailType: 'BACKEND_HOST_MODE_CHANGED',
    detail: {
      group: BACKEND_GROUP.name,
      host: { name: c.host, url: r.servers.find((s) => s.name === c.host)?.url ?? '' },
      previous: c.previous,
      new: c.new,
      by: r.by,
      comment: r.comment,
      epoch,
      occurredAt,
    },
  }));
  events.push({
    id: `config-${version}-${changes.length}`,
    detailType: 'CONFIGURATION_ACTIVATED',
    detail: { version, previousVersion: active.version, by: r.by, comment: r.comment, merged: plan.merged, changes, epoch, occurredAt },
  });
  const committed = await store.activate(active, plan.modes, { version, comment: r.comment, by: r.by, at: r.now, hosts: plan.changed }, events);
  if (!committed) throw maintenanceError(409, 'OUTDATED_CONFIGURATION', 'Another activation completed meanwhile: load the active configuration again, or activate with autoMerge.');
  return { version, modes: plan.modes, changes, merged: plan.merged, comment: r.comment, activated: true };
}
