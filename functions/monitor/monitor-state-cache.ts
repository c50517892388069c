import type { MonitorState } from './domain/monitor-machine.js';
import type { MonitorStore } from './ports.js';

/**
 * The monitor state as requests use it, so the steady state costs no DynamoDB read for it.
 *
 * Why a bounded, possibly stale state is safe here:
 * - Only a quiet state is reused: MONITORING, a Primary known and ENABLED, no switchover, no split
 *   brain. Any other state (failover, switchover, a drained Primary about to hand over) is read
 *   fresh on every request, exactly as without the cache.
 * - A quiet state is reused for at most `maxAgeMs` (≤ 1 s), and never by a session bound in a newer
 *   epoch than the cached state (someone saw a newer state: read it).
 * - Every state this process reads or commits (its monitor's rounds, on-demand probes, logins,
 *   holds) replaces the cached one at once (`through`), so a transition made here is seen here
 *   with no delay; the bound only covers transitions made by another process.
 * - Inside that window a stale state can only send an alias call to the old Primary, which then
 *   refuses (unreachable, 503 or 401): those answers invalidate the cache (`invalidate`) and get
 *   the same failover handling as before, so the next request reads the new state.
 */
export class MonitorStateCache {
  private entry?: { state: MonitorState | undefined; at: number };
  private inFlight?: { promise: Promise<MonitorState | undefined>; generation: number };
  private generation = 0;
  private readonly now: () => number;
  /** A MonitorStore that keeps this cache current with every state it reads or commits. */
  readonly through: MonitorStore;

  constructor(
    private readonly store: MonitorStore,
    private readonly maxAgeMs: number,
    now: () => number = Date.now,
  ) {
    this.now = now;
    const cache = this;
    this.through = {
      get outbox() {
        return store.outbox;
      },
      async get() {
        const read = await store.get();
        cache.observe(read?.state);
        return read;
      },
      async commit(next, events) {
        const ok = await store.commit(next, events);
        if (ok) cache.observe(next);
        else cache.invalidate();
        return ok;
      },
      getServiceSession: (epoch) => store.getServiceSession(epoch),
      claimServiceSession: (...a) => store.claimServiceSession(...a),
      completeServiceSession: (...a) => store.completeServiceSession(...a),
    };
  }

  /** The state for a request by a session bound in `sessionEpoch`: the cached one while fresh and quiet, else read (one shared read). */
  async forRequest(sessionEpoch?: number): Promise<MonitorState | undefined> {
    const e = this.entry;
    if (e && this.now() - e.at < this.maxAgeMs && quiet(e.state) && (sessionEpoch === undefined || sessionEpoch <= e.state!.epoch)) return e.state;
    return this.refresh();
  }

  /** Reads the stored state now; concurrent callers share a read started after the last invalidation. */
  async refresh(): Promise<MonitorState | undefined> {
    if (this.inFlight?.generation === this.generation) return this.inFlight.promise;
    const generation = this.generation;
    const startedAt = this.now();
    const promise = this.store
      .get()
      .then((read) => {
        this.observe(read?.state, startedAt);
        return read?.state;
      })
      .finally(() => {
        if (this.inFlight?.promise === promise) this.inFlight = undefined;
      });
    this.inFlight = { promise, generation };
    return promise;
  }

  /** Adopts a state read or written elsewhere in this process, unless the cached one is newer. */
  observe(state: MonitorState | undefined, at = this.now()): void {
    const cached = this.entry?.state;
    if (state && cached && cached.version > state.version) return;
    this.entry = { state, at };
    if (state) for (const listener of this.listeners) listener(state);
  }

  private readonly listeners = new Set<(state: MonitorState) => void>();

  /** The latest state this process adopted, however old (no read). */
  peek(): MonitorState | undefined {
    return this.entry?.state;
  }

  /** Calls `listener` with every state this process adopts from now on (calls waiting on BAM learn of a decision at once); answers the unsubscribe. */
  subscribe(listener: (state: MonitorState) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /** A sign of change (the Primary unreachable, a BAM 401 or 503): the next request reads the state. */
  invalidate(): void {
    this.entry = undefined;
    this.generation++;
  }
}

/** A state in which nothing is changing: the only kind a request may reuse. */
function quiet(state: MonitorState | undefined): boolean {
  if (!state || state.monitoringState !== 'MONITORING' || !state.primary || state.splitBrain || state.switchover) return false;
  const mode = state.servers[state.primary]?.mode;
  return mode === undefined || mode === 'ENABLED';
}
