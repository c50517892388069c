/**
 * Concurrent clients calling a workflow through the local API, for the load benchmark and its
 * smaller test: half restorable service-user sessions, half alice through the alias. Each client
 * calls in a loop; an alias session ended by a failover logs in again (as a user would); a 503 is
 * retried after a short pause, and a login refused with 429 after its Retry-After, as a
 * well-behaved client does. Answers are counted per kind of outcome, with latencies.
 */
import { jsonOf, send, type Reply } from './http-client.js';

export type ClientKind = 'restorable' | 'alias';

export interface LoadTally {
  /** Outcome ("200", "503 failover", "401 restorable", "502 AddressManagerUnreachable", ...) → count. */
  counts: Record<string, number>;
  latenciesMs: number[];
}

const PATH = '/failover_rest_endpoints/get_configurations';

export class LoadDriver {
  private running = false;
  private loops: Promise<void>[] = [];
  private tally: LoadTally = { counts: {}, latenciesMs: [] };

  constructor(
    private readonly base: string,
    private readonly clients: number,
  ) {}

  /** Logs every client in, then starts them calling. */
  async start(): Promise<void> {
    const kinds: ClientKind[] = Array.from({ length: this.clients }, (_, i) => (i % 2 === 0 ? 'restorable' : 'alias'));
    const tokens = await Promise.all(kinds.map((k) => this.login(k)));
    this.running = true;
    this.loops = kinds.map((kind, i) => this.client(kind, tokens[i]!));
  }

  /** The tally since the last call, and a fresh one from now. */
  take(): LoadTally {
    const t = this.tally;
    this.tally = { counts: {}, latenciesMs: [] };
    return t;
  }

  async stop(): Promise<LoadTally> {
    this.running = false;
    await Promise.all(this.loops);
    return this.take();
  }

  private async client(kind: ClientKind, token: string): Promise<void> {
    while (this.running) {
      const started = performance.now();
      let status = 0;
      let body: { code?: unknown; status?: unknown } = {};
      try {
        const res = await send(this.base + PATH, 'GET', { authorization: `Bearer ${token}` });
        status = res.status;
        body = jsonOf<typeof body>(res);
      } catch {
        status = 0; // no answer at all
      }
      this.tally.latenciesMs.push(performance.now() - started);
      const key = outcome(kind, status, body);
      this.tally.counts[key] = (this.tally.counts[key] ?? 0) + 1;
      if (status === 503) await sleep(100);
      if (status === 401 && kind === 'alias') token = await this.login(kind);
    }
  }

  private async login(kind: ClientKind): Promise<string> {
    const body = kind === 'restorable' ? { username: 'gateway-svc', password: 'gateway-svc-pass' } : { username: 'alice', password: 'alice-pass', bam_alias: 'primary-address-manager' };
    for (let attempt = 0; ; attempt++) {
      const res = await send(`${this.base}/rest_login`, 'POST', { 'content-type': 'application/json' }, JSON.stringify(body));
      const json = jsonOf<{ access_token?: string }>(res);
      if (res.status === 200) return String(json.access_token).split(' ')[1]!;
      if ((res.status !== 503 && res.status !== 429) || attempt > 300) throw new Error(`login failed: ${res.status} ${JSON.stringify(json)}`);
      // A failover in progress, or too many logins of this user at once: wait as told, then again.
      await sleep(res.status === 429 ? retryAfterMs(res) : 100);
    }
  }
}

function outcome(kind: ClientKind, status: number, body: { code?: unknown; status?: unknown }): string {
  if (status === 503 && body.status === 'FailoverProcessing') return '503 failover';
  if (status === 401) return kind === 'restorable' ? '401 restorable' : `401 alias ${String(body.code)}`;
  if (status >= 500) return `${status} ${String(body.code)}`;
  return String(status);
}

/** Outcomes that break the promise: any 5xx but the failover 503, any 401 of a restorable session. */
export function errorsIn(t: LoadTally, opts: { aliasEndsAllowed: boolean }): Record<string, number> {
  return Object.fromEntries(
    Object.entries(t.counts).filter(([k]) => {
      if (k === '200' || k === '503 failover') return false;
      if (k === '401 alias SessionEndedByFailover') return !opts.aliasEndsAllowed;
      return true;
    }),
  );
}

export function percentile(xs: number[], q: number): number {
  if (xs.length === 0) return NaN;
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.max(0, Math.ceil(q * s.length) - 1))]!;
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
/** Retry-After in ms (seconds per RFC 9110), 1 s when missing or unreadable. */
const retryAfterMs = (res: Reply) => (Number(res.headers['retry-after']) || 1) * 1000;
