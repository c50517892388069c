import type { BamServer, ProbeResult } from './domain/bam-server.js';

export type Probe = (name: string, url: string, timeoutMs: number) => Promise<ProbeResult>;

/**
 * One probe, bounded: with no answer by its timeout it has failed, at that moment, whatever the
 * probe itself still waits for; an answer after that never counts. A probe that throws has failed.
 */
export function boundedProbe(probe: Probe, server: BamServer, timeoutMs: number, now: () => number): Promise<ProbeResult> {
  const at = now();
  return new Promise<ProbeResult>((resolve) => {
    const timer = setTimeout(
      () => resolve({ server: server.name, ok: false, error: `no answer in ${timeoutMs} ms`, failure: 'timeout', lastFailure: 'probe: timeout', latencyMs: timeoutMs, at }),
      timeoutMs,
    );
    probe(server.name, server.url, timeoutMs).then(
      (r) => {
        clearTimeout(timer);
        resolve(r);
      },
      (err: unknown) => {
        clearTimeout(timer);
        resolve({ server: server.name, ok: false, error: err instanceof Error ? err.message : String(err), failure: 'unreachable', latencyMs: now() - at, at });
      },
    );
  });
}

/**
 * The probes of one round, one per server, all started at once. The round's results can be taken
 * without waiting for some servers (`release`, before or during `gather`), whose probes then
 * settle on their own (`result`).
 */
export class RoundProbes {
  readonly startedAt: number;
  private readonly settled = new Map<string, ProbeResult>();
  private readonly probes = new Map<string, Promise<ProbeResult>>();

  constructor(servers: BamServer[], probe: Probe, timeoutMs: number, now: () => number) {
    this.startedAt = now();
    for (const s of servers) {
      const p = boundedProbe(probe, s, timeoutMs, now);
      // Registered first: it runs before anything awaiting `p` resumes.
      void p.then((r) => this.settled.set(s.name, r));
      this.probes.set(s.name, p);
    }
  }

  /** Whether any of `names` has not settled yet. */
  pending(names: Iterable<string>): boolean {
    for (const n of names) if (this.probes.has(n) && !this.settled.has(n)) return true;
    return false;
  }

  private readonly skipped = new Set<string>();
  private wake?: () => void;

  /** Stops waiting for these servers (declared DOWN meanwhile): their probes settle on their own. */
  release(names: Iterable<string>): void {
    let more = false;
    for (const n of names) {
      if (!this.probes.has(n) || this.skipped.has(n)) continue;
      this.skipped.add(n);
      more = true;
    }
    if (more) this.wake?.();
  }

  /** The results once every server not released has settled, with those released that settled by then. */
  async gather(): Promise<ProbeResult[]> {
    for (;;) {
      const waiting = [...this.probes].filter(([name]) => !this.skipped.has(name) && !this.settled.has(name)).map(([, p]) => p);
      if (waiting.length === 0) break;
      await Promise.race([Promise.all(waiting), new Promise<void>((r) => (this.wake = r))]);
    }
    return [...this.probes.keys()].flatMap((name) => this.settled.get(name) ?? []);
  }

  /** Released servers whose probe had not settled when the round was gathered. */
  stragglers(results: ProbeResult[]): string[] {
    return [...this.skipped].filter((name) => !results.some((r) => r.server === name));
  }

  /** One server's result, whenever it settles. */
  result(name: string): Promise<ProbeResult> {
    return this.probes.get(name)!;
  }
}
