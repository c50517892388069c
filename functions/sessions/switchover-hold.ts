import { FailoverInProgressError } from '../kernel/errors.js';
import { logger } from '../kernel/logger.js';
import { switchoverTarget, type HostModes, type MonitorState } from '../monitor/domain/monitor-machine.js';
import { newest, type ClusterView } from './cluster-view.js';
import { needsSwitchingServer } from './domain/session-binding.js';
import { PRIMARY_ALIAS, type SessionRecord } from './domain/session-record.js';
import type { HostModesSource } from './ports.js';
import { HELD_CALL_LIMIT_MS, type SessionSettings } from './settings.js';

/**
 * While a planned switchover holds calls, this process probes at most this often (one round shared
 * by all its held calls): the new Primary is seen about this soon after BAM's pause ends (some
 * thirty rounds of two probes through a 1.5 s pause).
 */
const HOLD_PROBE_GAP_MS = 50;

export interface SwitchoverHoldDeps {
  settings: Pick<SessionSettings, 'switchoverBoundMs' | 'probe' | 'bamTimeoutMs'>;
  view: ClusterView;
  /** The active configuration's host modes (absent: every host ENABLED). */
  hostModes?: HostModesSource;
  retryAfterSeconds: () => number;
  now: () => number;
}

/**
 * Logins and calls held through a planned switchover of the Primary, instead of refused: they
 * wait (probing, so the switch goes no slower than BAM's pause) and go on to the new Primary.
 */
export class SwitchoverHold {
  constructor(private readonly d: SwitchoverHoldDeps) {}

  /**
   * The longest a login or call is held: the switchover's bound plus one probe round, but never so
   * long that the service login and the call itself (a BAM timeout each) would end past API
   * Gateway's 30 s; at least 1 s.
   */
  get budgetMs(): number {
    const { switchoverBoundMs, probe, bamTimeoutMs } = this.d.settings;
    return Math.max(1000, Math.min(switchoverBoundMs + probe.intervalMs + probe.timeoutMs, HELD_CALL_LIMIT_MS - 2 * bamTimeoutMs));
  }

  /**
   * Whether a planned switchover runs (for an alias session, or one pinned to either of its two
   * servers), or completed since `epoch` within the last bound (alias sessions only: a pinned one
   * keeps its epoch forever). Without `session`: as for an alias login.
   */
  async since(epoch: number, session?: Pick<SessionRecord, 'target'>): Promise<boolean> {
    const state = await this.d.view.read();
    if (!state) return false;
    if (state.monitoringState === 'SWITCHOVER_IN_PROGRESS') return !session || needsSwitchingServer(state, session);
    const last = state.lastSwitchover;
    const alias = !session || session.target === PRIMARY_ALIAS;
    return alias && last?.outcome === 'completed' && last.epoch > epoch && this.d.now() - last.at <= this.d.settings.switchoverBoundMs;
  }

  /**
   * An alias login waits while the Primary is being taken out: during a planned switchover, and
   * between the activation that drains or disables the Primary and the switchover's start (a new
   * session must not be bound to a drained host). It probes meanwhile, which starts the
   * switchover at once. With no eligible target (the machine's own test: no healthy ENABLED
   * Standby, or the last attempt is blocked) nothing will start: the drained Primary serves the
   * login at once. If none starts within two probe rounds anyway, likewise. `modes`: the host
   * modes as the login read them (else read now).
   */
  async whileLeavingPrimary(monitor: MonitorState, until: number, modes?: Promise<HostModes>): Promise<MonitorState> {
    if (monitor.monitoringState === 'SWITCHOVER_IN_PROGRESS') return this.throughSwitchover(monitor, until);
    if (monitor.monitoringState !== 'MONITORING' || !monitor.primary || !this.d.hostModes) return monitor;
    const mode = (await (modes ?? this.d.hostModes()))[monitor.primary];
    if (!mode || mode === 'ENABLED' || !switchoverTarget(monitor, monitor.primary)) return monitor;
    const p = this.d.settings.probe;
    const limit = Math.min(until, this.d.now() + 2 * p.intervalMs + p.timeoutMs);
    let state = monitor;
    // A round begun before the activation may not have seen it: the first probe shares only one
    // begun since this login saw the drain (or in the last 20 ms: a burst of logins starts few rounds).
    const sawDrain = this.d.now();
    while (state.monitoringState === 'MONITORING' && state.primary === monitor.primary && this.d.now() < limit) {
      state = await this.heldRound(state, state === monitor ? Math.max(20, this.d.now() - sawDrain) : HOLD_PROBE_GAP_MS);
    }
    if (state.monitoringState === 'SWITCHOVER_IN_PROGRESS') return this.throughSwitchover(state, until);
    if (state.primary === monitor.primary) logger.warn('alias login served by a drained Primary: no planned switchover started', { primary: monitor.primary, mode });
    return state;
  }

  /**
   * Holds a call while a planned switchover runs: probes (shared, rate-limited) and re-reads the
   * state until the new Primary is confirmed or the switch falls back to a failover, never past
   * its deadline plus one probe round. A call still held then gets the failover 503.
   */
  async throughSwitchover(monitor: MonitorState, until = this.d.now() + this.budgetMs): Promise<MonitorState> {
    const p = this.d.settings.probe;
    const limit = Math.min((monitor.switchover?.deadline ?? Number.POSITIVE_INFINITY) + p.intervalMs + p.timeoutMs, until);
    let state = monitor;
    while (state.monitoringState === 'SWITCHOVER_IN_PROGRESS' && this.d.now() < limit) state = await this.heldRound(state, HOLD_PROBE_GAP_MS);
    if (state.monitoringState === 'SWITCHOVER_IN_PROGRESS') throw new FailoverInProgressError(this.d.retryAfterSeconds());
    return state;
  }

  /**
   * One step of a hold: a probe round (shared with any this process began less than `gapMs` ago)
   * and the state it left; if nothing changed, a pause of up to `gapMs` that ends as soon as this
   * process adopts a newer state. Every held call wakes with the round that confirms the new
   * Primary, not up to a poll later.
   */
  private async heldRound(state: MonitorState, gapMs: number): Promise<MonitorState> {
    const started = this.d.now();
    const after = newest(state, (await this.d.view.probe(gapMs)) ?? (await this.d.view.polled()));
    if (after.monitoringState !== state.monitoringState || after.primary !== state.primary) return after;
    return newest(after, await this.d.view.nextAdopted(HOLD_PROBE_GAP_MS - (this.d.now() - started), after));
  }
}
