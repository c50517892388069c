import { randomUUID } from 'node:crypto';
import type { BamServer } from '../commons/config.js';
import { abortSwitchover, advance, initialState, type HostModes, type MachineSettings, type MonitorState, type Switchover } from '../domain/monitor-machine.js';
import { BamHttpError } from '../bam/http.js';
import { probeServer, type ProbeResult } from '../bam/probe.js';
import type { MonitorStore } from '../adapters/monitor-store.js';
import type { EventPublisher } from './publisher.js';
import { flushOutbox } from './outbox-flusher.js';

export interface MonitorOptions {
  servers: BamServer[];
  settings: MachineSettings;
  probeTimeoutMs: number;
  store: MonitorStore;
  publisher: EventPublisher;
  /**
   * false: this process never publishes (in AWS only the monitor function may put monitor events,
   * by IAM condition); what its rounds commit waits in the outbox for the monitor, which publishes
   * whatever it finds waiting when it reads the stored state.
   */
  publishes?: boolean;
  probe?: (name: string, url: string, timeoutMs: number) => Promise<ProbeResult>;
  now?: () => number;
  /** Probe bookkeeping (latency, last probe) is persisted at least this often even when nothing changes. */
  refreshMs?: number;
  onTransition?: (state: MonitorState, events: number) => void;
  /** The active configuration's host modes, read each round (one GetItem); a failed read keeps the last known modes. */
  modes?: () => Promise<HostModes>;
  /** Checked before each scheduled round: false skips it (this node is not the group's Primary). */
  gate?: () => Promise<boolean>;
  /**
   * Asks the Primary to hand over to the planned switchover's target (BAM failoverReplication).
   * Only the monitor whose write started the switchover calls it. A BamHttpError (BAM answered:
   * refused) ends the switchover at once; any other failure (a timeout: BAM may have done it)
   * leaves it to complete or time out.
   */
  handover?: (switchover: Switchover) => Promise<void>;
  onHandoverError?: (err: unknown, switchover: Switchover) => void;
}

export interface RoundResult {
  state: MonitorState;
  committed: boolean;
  events: number;
}

/**
 * Runs the failover state machine against real probes and persists each transition with a
 * conditional write on the state version: of two monitors running at once, only one records a
 * given transition; the other drops its round and continues from the stored state.
 */
export class FailoverMonitor {
  /** Called after this monitor committed the confirmation of a new Primary (a new epoch in MONITORING). */
  onNewPrimary?: (state: MonitorState) => Promise<unknown>;
  private current?: MonitorState;
  private lastPersistAt = 0;
  private readonly id = randomUUID();
  private readonly probe;
  private readonly now;

  /** The state as this monitor last saw or wrote it. */
  get state(): MonitorState | undefined {
    return this.current;
  }

  constructor(private readonly o: MonitorOptions) {
    this.probe = o.probe ?? probeServer;
    this.now = o.now ?? Date.now;
  }

  async round(): Promise<RoundResult> {
    this.inFlight ??= this.runRound().finally(() => {
      this.inFlight = undefined;
      this.lastRoundEndedAt = this.now();
    });
    return this.inFlight;
  }

  private inFlight?: Promise<RoundResult>;
  private readonly hooks = new Set<Promise<unknown>>();
  private lastRoundEndedAt = 0;

  private async runRound(): Promise<RoundResult> {
    if (!this.current) this.current = (await this.read())?.state ?? initialState(this.o.servers, this.now());
    const prev = this.current;
    const [modes, probes] = await Promise.all([this.o.modes?.().catch(() => undefined), Promise.all(this.o.servers.map((s) => this.probe(s.name, s.url, this.o.probeTimeoutMs)))]);
    const now = this.now();
    const t = advance(prev, probes, now, this.o.settings, this.o.servers, modes);
    // Failure counters matter (for hysteresis across runs) only up to the threshold.
    const cap = (n = 0) => Math.min(n, this.o.settings.failuresBeforeFailover);
    const countersMoved = this.o.servers.some((s) => cap(t.state.servers[s.name]?.consecutiveFailures) !== cap(prev.servers[s.name]?.consecutiveFailures));
    const due = now - this.lastPersistAt >= (this.o.refreshMs ?? 10_000);
    if (!t.significant && !countersMoved && !due && prev.version > 0) {
      this.current = { ...t.state, version: prev.version }; // nothing worth a write
      if (this.outboxDirty) await this.flushOutbox(); // events another process committed
      return { state: this.current, committed: false, events: 0 };
    }
    const committed = await this.o.store.commit(t.state, t.events);
    if (!committed) {
      // Another monitor got there first: its state is as fresh as ours; continue from it.
      this.current = (await this.read())?.state;
      if (this.outboxDirty) await this.flushOutbox(); // its events, if that process may not publish them
      return { state: this.current ?? prev, committed: false, events: 0 };
    }
    this.current = t.state;
    this.lastPersistAt = now;
    if (t.switchover === 'started' && t.state.switchover && this.o.handover) await this.askHandover(t.state, t.state.switchover);
    if (t.events.length > 0) this.o.onTransition?.(t.state, t.events.length);
    if (t.events.length > 0) this.outboxDirty = true;
    if (this.outboxDirty) await this.flushOutbox();
    if (t.state.monitoringState === 'MONITORING' && t.state.epoch !== prev.epoch && this.onNewPrimary) {
      // Not awaited inside the round: the hook talks to BAM (up to its timeout), and a request that
      // needs a probe meanwhile must not wait behind it. loop() waits for it before returning.
      const hook = this.onNewPrimary(t.state)
        .catch(() => undefined)
        .finally(() => this.hooks.delete(hook));
      this.hooks.add(hook);
    }
    return { state: t.state, committed: true, events: t.events.length };
  }

  /**
   * Awaited inside the round that started the switchover: held requests wait on that round anyway,
   * and in Lambda nothing may run after the answer. A refusal returns to MONITORING at once (a
   * conditional write; retried on a fresh read while that same switchover still runs).
   */
  private async askHandover(state: MonitorState, switchover: Switchover): Promise<void> {
    try {
      await this.o.handover!(switchover);
    } catch (err) {
      this.o.onHandoverError?.(err, switchover);
      if (!(err instanceof BamHttpError)) return;
      let current: MonitorState | undefined = state;
      for (let attempt = 0; attempt < 3 && current?.switchover?.startedAt === switchover.startedAt; attempt++) {
        const t = abortSwitchover(current, this.now(), `${err.status}: ${err.bamMessage}`);
        if (!t) return;
        if (await this.o.store.commit(t.state, t.events).catch(() => false)) {
          this.current = t.state;
          this.outboxDirty = true;
          return;
        }
        current = (await this.o.store.get())?.state;
      }
      this.current = undefined;
    }
  }

  /**
   * One round from the stored state, for a request that found the Primary unreachable (or none
   * known). Requests share a round in flight, and a round that ended moments ago is not repeated,
   * so a burst of requests cannot flood BAM with probes.
   */
  async probeNow(minGapMs = 200): Promise<void> {
    if (this.inFlight) return void (await this.inFlight.catch(() => undefined));
    if (this.now() - this.lastRoundEndedAt < minGapMs) return;
    this.current = undefined;
    await this.round();
  }

  /** The stored state; events waiting in its outbox (another process's round committed them) mark the outbox for a flush. */
  private async read() {
    const stored = await this.o.store.get();
    if (stored?.outbox.length) this.outboxDirty = true;
    return stored;
  }

  /** Publishes what waits in the outbox (this round's events and any a failed run left behind). */
  async flushOutbox(): Promise<number> {
    if (this.o.publishes === false) return 0;
    const { published, mayHaveMore, left } = await flushOutbox(this.o.store.outbox, this.o.publisher, this.id, this.now());
    this.outboxDirty = mayHaveMore;
    this.outboxBacklog = left;
    return published;
  }

  /**
   * Events this monitor last saw waiting in the outbox after publishing. It lives in the state
   * item, which DynamoDB caps at 400 KB: a backlog that keeps growing means publishing is broken
   * (alarm OutboxBacklog), and must be fixed before the item fills.
   */
  outboxBacklog = 0;

  /** Whether the outbox may hold events: true at start (a crashed run may have left some), after new events, after failures. */
  private outboxDirty = true;

  /** Probes every `intervalMs` until `keepGoing()` says stop (the Lambda's remaining time, or a local stop flag). */
  async loop(intervalMs: number, keepGoing: () => boolean, onError: (err: unknown) => void = () => {}): Promise<number> {
    let rounds = 0;
    while (keepGoing()) {
      rounds++;
      const started = this.now();
      try {
        if (!this.o.gate || (await this.o.gate())) await this.round();
      } catch (err) {
        this.current = undefined; // re-read the stored state next round: never build on a write that may not have happened
        onError(err);
      }
      const wait = intervalMs - (this.now() - started);
      if (wait > 0 && keepGoing()) await new Promise((r) => setTimeout(r, wait));
    }
    await Promise.all([...this.hooks]);
    return rounds;
  }
}
