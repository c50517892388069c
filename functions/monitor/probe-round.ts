import type { BamServer } from '../commons/config.js';
import type { ProbeResult } from '../bam/probe.js';

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
 * without waiting for some servers (`gather`), whose probes then settle on their own (`result`).
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

  /** The results once every server not in `skip` has settled, with those of `skip` that settled by then. */
  async gather(skip: ReadonlySet<string>): Promise<ProbeResult[]> {
    await Promise.all([...this.probes].filter(([name]) => !skip.has(name)).map(([, p]) => p));
    return [...this.probes.keys()].flatMap((name) => this.settled.get(name) ?? []);
  }

  /** One server's result, whenever it settles. */
  result(name: string): Promise<ProbeResult> {
    return this.probes.get(name)!;
  }
}
