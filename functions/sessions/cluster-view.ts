import { lastAnswerAt } from '../bam/answers.js';
import type { MonitorState } from '../monitor/domain/monitor-machine.js';
import type { BamServer } from './domain/servers.js';
import type { AnsweredAt, MonitorStateFeed, MonitorStateSource, ProbeNow } from './ports.js';
import { watchPrimaryCall } from './primary-watch.js';

export interface ClusterViewDeps {
  monitor: MonitorStateSource;
  /** Where requests take the monitor state from (absent: a read per request). */
  stateCache?: MonitorStateFeed;
  /** Runs one immediate probe round when a request finds the Primary unreachable (absent: never). */
  probeNow?: ProbeNow;
  /** When this process last received an answer a BAM server served (default: bam/answers.ts). */
  answeredAt?: AnsweredAt;
  retryAfterSeconds: () => number;
  now: () => number;
}

/** How long held calls share one read of the state: a hundred of them poll the table as one. */
const SHARED_POLL_MS = 50;

/** Of two views of the state, the later one (a later commit, or the same one seen later). */
export const newest = (a: MonitorState, b: MonitorState | undefined): MonitorState => (b && b.version >= a.version ? b : a);

/**
 * How the sessions feature sees the failover monitor's state: reads (fresh, or the cache's for a
 * request), immediate probe rounds, word of the states this process adopts, and calls to the
 * alias Primary watched for the monitor losing it.
 */
export class ClusterView {
  private poll?: { at: number; read: Promise<MonitorState | undefined> };

  constructor(private readonly d: ClusterViewDeps) {}

  /** The stored state, read now. */
  async read(): Promise<MonitorState | undefined> {
    return (await this.d.monitor.get())?.state;
  }

  /** The state for a request by a session bound in `epoch`: the cache's while fresh, else read. */
  forRequest(epoch: number): Promise<MonitorState | undefined> {
    return this.d.stateCache ? this.d.stateCache.forRequest(epoch) : this.read();
  }

  /** A sign of change from BAM: the next request reads the state. */
  invalidate(): void {
    this.d.stateCache?.invalidate();
  }

  get canProbe(): boolean {
    return this.d.probeNow !== undefined;
  }

  /** One probe round (shared with any begun less than `minGapMs` ago); its failures are the monitor's to report, not the caller's. */
  async probe(minGapMs?: number): Promise<MonitorState | undefined> {
    return this.d.probeNow ? this.d.probeNow(minGapMs).catch(() => undefined) : undefined;
  }

  /** During a failover no request can reach a Primary: probe now (shared, rate-limited) in case one was just promoted. */
  async afterProbe(monitor: MonitorState): Promise<MonitorState> {
    if (!this.d.probeNow) return monitor;
    // The state the round left (read fresh and advanced): no second read.
    const after = await this.probe();
    return after ?? (await this.read()) ?? monitor;
  }

  /** The state for calls held in this process: one read shared by every waiter within SHARED_POLL_MS (so they do not slow the round they wait for). */
  polled(): Promise<MonitorState | undefined> {
    const now = this.d.now();
    if (this.poll && now - this.poll.at < SHARED_POLL_MS) return this.poll.read;
    const read = this.read().catch(() => undefined);
    this.poll = { at: now, read };
    return read;
  }

  /** The first state newer than `than` this process adopts within `ms` (undefined when none: the time ran out). */
  nextAdopted(ms: number, than: MonitorState): Promise<MonitorState | undefined> {
    if (ms <= 0) return Promise.resolve(undefined);
    return new Promise((resolve) => {
      let unsubscribe: (() => void) | undefined;
      const done = (state?: MonitorState) => {
        clearTimeout(timer);
        unsubscribe?.();
        resolve(state);
      };
      const timer = setTimeout(done, ms);
      unsubscribe = this.d.stateCache?.subscribe((state) => state.version > than.version && done(state));
    });
  }

  /** A call to the alias Primary, answered the failover 503 once this process sees the monitor lose it (see primary-watch.ts). */
  watch<T>(call: Promise<T>, server: BamServer, epoch: number): Promise<T> {
    const cache = this.d.stateCache;
    return watchPrimaryCall(call, server, epoch, {
      probeNow: this.d.probeNow,
      answeredAt: this.d.answeredAt ?? lastAnswerAt,
      ...(cache ? { subscribe: (listener) => cache.subscribe(listener), latest: () => cache.peek() } : {}),
      retryAfterSeconds: this.d.retryAfterSeconds,
      now: this.d.now,
    });
  }
}
