import { randomUUID } from 'node:crypto';
import { advance, initialState, nextConfirmingProbeMs, type HostModes, type MonitorState, type Switchover } from './domain/monitor-machine.js';
import type { ProbeResult } from './domain/bam-server.js';
import { worthWriting } from './domain/write-policy.js';
import { lastServedAt } from '../bam/answers.js';
import { probeServer } from '../bam/probe.js';
import { RoundProbes } from './probe-round.js';
import type { MonitorOptions, RoundResult } from './monitor-options.js';
import type { HandoverRequest } from './ports.js';
import { MonitorOutbox } from './monitor-outbox.js';
import { askHandover } from './switchover-handover.js';
import { everyInterval } from './round-schedule.js';

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
  private readonly probe;
  private readonly now;
  private readonly outbox: MonitorOutbox;

  /** The state as this monitor last saw or wrote it. */
  get state(): MonitorState | undefined {
    return this.current;
  }

  constructor(private readonly o: MonitorOptions) {
    this.probe = o.probe ?? probeServer;
    this.now = o.now ?? Date.now;
    this.servedAt = o.servedAt ?? lastServedAt;
    this.outbox = new MonitorOutbox(o.store, o.publisher, o.publishes !== false, randomUUID(), this.now);
  }

  /**
   * One round now: every server probed at once, each probe failed at its timeout. It does not wait
   * for rounds still in flight (probes of one server may overlap), nor for servers already DOWN once
   * the others have answered: a hung server never holds up what the others say (a promoted Standby).
   */
  round(): Promise<RoundResult> {
    return this.startRound({ fresh: false });
  }

  /**
   * The round begun last. `decided`: its state once written (or found unchanged), before the events
   * go out: a request that shares a round another request began needs the state, not the publishing
   * (the one that began it waits for all of it, so a Lambda never stops before its events are out).
   */
  private latest?: { startedAt: number; byRequest: boolean; done: Promise<RoundResult>; decided: Promise<MonitorState | undefined> };
  private applying: Promise<unknown> = Promise.resolve();
  private readonly hooks = new Set<Promise<unknown>>();
  private readonly servedAt: (url: string) => number | undefined;

  /**
   * `fresh`: build on the stored state (a request's round: another process may have moved it).
   * `waitForAll`: wait for DOWN servers too. `followUps`: how many confirming rounds this one may
   * lead to (see followUp). `byRequest`: begun by a request (see `latest`).
   */
  private startRound(opts: { fresh: boolean; waitForAll?: boolean; followUps?: number; byRequest?: boolean }): Promise<RoundResult> {
    const probes = new RoundProbes(this.o.servers, this.probe, this.o.probeTimeoutMs, this.now);
    const modesAt = probes.startedAt;
    const modes = this.o.modes?.().catch(() => undefined);
    // A request's round reads the stored state while it probes (another process may have moved it), unless this monitor has just seen it.
    const stored = opts.fresh && !(this.current && this.now() - this.currentAt <= FRESH_MS) ? this.read().then((r) => r?.state) : undefined;
    void stored?.catch(() => undefined);
    if (!opts.waitForAll) {
      probes.release(this.downServers());
      this.open.add(probes);
    }
    if (opts.followUps) this.followUp(probes, opts.followUps);
    let decide: (state: MonitorState | undefined) => void = () => undefined;
    const decided = new Promise<MonitorState | undefined>((resolve) => (decide = resolve));
    const done = (async () => {
      const results = await probes.gather();
      this.open.delete(probes);
      for (const name of probes.stragglers(results)) void probes.result(name).then((r) => this.straggler(r));
      const m = await modes;
      return this.serial(() => {
        // Modes read before those a later round already applied are stale: keep the last known.
        const fresh = m !== undefined && modesAt >= this.modesAt;
        if (fresh) this.modesAt = modesAt;
        return this.apply(results, fresh ? m : undefined, stored, decide);
      });
    })();
    void done.then(
      (r) => decide(r.state),
      () => decide(undefined),
    );
    this.latest = { startedAt: probes.startedAt, byRequest: opts.byRequest === true, done, decided };
    return done;
  }

  private downServers(): string[] {
    return Object.values(this.current?.servers ?? {}).flatMap((s) => (s.health === 'DOWN' ? [s.name] : []));
  }

  /**
   * A request's round (off the schedule) whose probe of a server not DOWN is still unanswered when
   * the next probe could confirm that server's loss: the next round starts then, so a hang that a
   * stalled call noticed is confirmed as soon as the counting window allows, not at the next
   * scheduled round (which confirms its own rounds in time). At most N−1 such rounds follow one.
   */
  private followUp(probes: RoundProbes, left: number): void {
    const after = nextConfirmingProbeMs(this.o.settings);
    if (after === undefined || this.o.probeTimeoutMs <= after) return;
    const timer = setTimeout(() => {
      const down = new Set(this.downServers());
      const watched = this.o.servers.map((s) => s.name).filter((n) => !down.has(n));
      const covered = (this.latest?.startedAt ?? -Infinity) >= probes.startedAt + after;
      if (probes.pending(watched) && !covered) void this.startRound({ fresh: true, followUps: left - 1 }).catch(() => undefined);
    }, after);
    timer.unref?.();
  }

  /**
   * A DOWN server's probe that settled after its round was applied. An answer means it is back: a
   * new round asks every server at once and waits for all (confirmation and split brain are
   * decided on one round). A failure is only bookkeeping (last probe, last failure).
   */
  private straggler(r: ProbeResult): void {
    const next = r.ok ? this.startRound({ fresh: true, waitForAll: true }) : this.serial(() => this.apply([r], undefined, undefined));
    void next.catch(() => undefined);
  }

  /** Rounds still gathering that stop waiting for a server once it is DOWN. */
  private readonly open = new Set<RoundProbes>();

  /** When the host modes last applied were read (rounds settle out of order). */
  private modesAt = Number.NEGATIVE_INFINITY;

  /** When `current` was last read from the store or written to it. */
  private currentAt = Number.NEGATIVE_INFINITY;

  private adopt(state: MonitorState | undefined): void {
    this.current = state;
    this.currentAt = this.now();
    // A round still waiting on a server just declared DOWN waits no more: nobody needs that answer now.
    const down = this.downServers();
    if (down.length) for (const r of this.open) r.release(down);
  }

  /** When this process last saw each server serve a call (the counting rule weighs it against failed probes). */
  private served(): Record<string, number> {
    const out: Record<string, number> = {};
    for (const s of this.o.servers) {
      const at = this.servedAt(s.url);
      if (at !== undefined) out[s.name] = at;
    }
    return out;
  }

  /** Transitions are applied one at a time, in the order rounds settle. */
  private serial<T>(fn: () => Promise<T>): Promise<T> {
    const run = this.applying.then(fn, fn);
    this.applying = run.catch(() => undefined);
    return run;
  }

  /** `stored`: the stored state as read while the round probed (a request's round), to build on unless this monitor has a newer one. */
  private async apply(
    probes: ProbeResult[],
    modes: HostModes | undefined,
    stored: Promise<MonitorState | undefined> | undefined,
    decided: (state: MonitorState) => void = () => undefined,
  ): Promise<RoundResult> {
    const read = await stored;
    if (read && (!this.current || read.version > this.current.version)) this.adopt(read);
    if (!this.current) this.adopt((await this.read())?.state ?? initialState(this.o.servers, this.now()));
    const prev = this.current!;
    const now = this.now();
    const t = advance(prev, probes, now, this.o.settings, this.o.servers, modes, this.served());
    // Failure counters matter (for hysteresis across runs) only up to the threshold; a streak that
    // began anew (a call served between failures) must be seen by every monitor, and so must an outage.
    if (!worthWriting(prev, t, this.o, now, this.lastPersistAt)) {
      this.current = { ...t.state, version: prev.version }; // nothing worth a write
      await this.outbox.flushIfMarked(); // events another process committed
      return { state: this.current, committed: false, events: 0 };
    }
    let committed: boolean;
    // The handover's login runs while the write that starts the switchover is made.
    const handover = t.switchover === 'started' && t.state.switchover ? this.prepareHandover(t.state.switchover) : undefined;
    try {
      committed = await this.o.store.commit(t.state, t.events);
    } catch (err) {
      await handover?.cancel();
      this.current = undefined; // re-read the stored state next time: never build on a write that may not have happened
      throw err;
    }
    if (!committed) {
      await handover?.cancel();
      // Another monitor got there first: its state is as fresh as ours; continue from it.
      this.adopt((await this.read())?.state);
      await this.outbox.flushIfMarked(); // its events, if that process may not publish them
      return { state: this.current ?? prev, committed: false, events: 0 };
    }
    this.adopt(t.state);
    this.lastPersistAt = now;
    decided(t.state);
    if (t.state.monitoringState === 'MONITORING' && t.state.epoch !== prev.epoch && this.onNewPrimary) {
      // Started at once (restored sessions wait for it), not awaited here: the hook talks to BAM
      // (up to its timeout), and a request that needs a probe meanwhile must not wait behind it.
      // loop() waits for it before returning.
      const hook = this.onNewPrimary(t.state)
        .catch(() => undefined)
        .finally(() => this.hooks.delete(hook));
      this.hooks.add(hook);
    }
    if (handover && t.state.switchover) await this.handover(t.state, t.state.switchover, handover);
    if (t.events.length > 0) this.o.onTransition?.(t.state, t.events.length);
    if (t.events.length > 0) this.outbox.mark();
    await this.outbox.flushIfMarked();
    return { state: t.state, committed: true, events: t.events.length };
  }

  /** The handover prepared for a write that may start a switchover; a preparation that throws is a handover that failed (reported when sent). */
  private prepareHandover(switchover: Switchover): HandoverRequest | undefined {
    if (!this.o.handover) return undefined;
    try {
      return this.o.handover(switchover);
    } catch (err) {
      return { send: () => Promise.reject(err), cancel: async () => undefined };
    }
  }

  /** Asks for the handover the round's write started; a refusal it wrote back is this monitor's state now. */
  private async handover(state: MonitorState, switchover: Switchover, request: HandoverRequest): Promise<void> {
    const outcome = await askHandover(this.o, state, switchover, request, this.now);
    if (outcome.kind === 'aborted') {
      this.adopt(outcome.state);
      this.outbox.mark();
    } else if (outcome.kind === 'unsure') this.current = undefined;
  }

  /**
   * A round from the stored state, for a request that found the Primary unreachable (or none known):
   * requests share a round begun less than `minGapMs` ago, so a burst of them cannot flood BAM with
   * probes; an older round still waiting on a hung server is not waited for.
   */
  async probeNow(minGapMs = 200): Promise<MonitorState | undefined> {
    const latest = this.latest;
    if (latest && this.now() - latest.startedAt < minGapMs) return latest.byRequest ? latest.decided : (await latest.done.catch(() => undefined))?.state;
    return (await this.startRound({ fresh: true, followUps: this.o.settings.failuresBeforeFailover - 1, byRequest: true })).state;
  }

  /** The stored state; events waiting in its outbox (another process's round committed them) mark the outbox for a flush. */
  private async read() {
    const stored = await this.o.store.get();
    this.outbox.saw(stored);
    return stored;
  }

  /** Publishes what waits in the outbox (this round's events and any a failed run left behind). */
  flushOutbox(): Promise<number> {
    return this.outbox.flush();
  }

  /** Events this monitor last saw waiting in the outbox after publishing (what the OutboxBacklog alarm watches). */
  get outboxBacklog(): number {
    return this.outbox.backlog;
  }

  /**
   * Starts a round every `intervalMs` until `keepGoing()` says stop (the Lambda's remaining time, or
   * a local stop flag). A round still waiting on a hung server does not delay the next one.
   */
  async loop(intervalMs: number, keepGoing: () => boolean, onError: (err: unknown) => void = () => {}): Promise<number> {
    const failed = (err: unknown) => {
      this.current = undefined; // re-read the stored state next round: never build on a write that may not have happened
      onError(err);
    };
    const rounds = await everyInterval({ intervalMs, keepGoing, gate: this.o.gate, round: () => this.round(), failed, now: this.now });
    await Promise.all([...this.hooks]);
    return rounds;
  }
}

/** How old a state read or written by this monitor may be for a request's round to build on it. */
const FRESH_MS = 100;
