import { ClusterData } from './data.js';
import { SimBamServer, type SimRole } from './server.js';
import { findStandby, switchoverRefusal, type SwitchoverRefusal } from './switchover.js';
import { sharedFailoverTls, type FailoverTls } from './tls.js';

export const DEFAULT_SWITCHOVER_PAUSE_MS = 1500;

export const DEMO_USERS = {
  alice: 'alice-pass',
  bob: 'bob-pass',
};

export interface SimClusterOptions {
  /** Server names, the first one Primary. Default bam1 (Primary), bam2 (Standby). */
  servers?: string[];
  /** BAM users and passwords; the service user is added to them. */
  users?: Record<string, string>;
  /** Users who may read but lack the access rights to write (BAM answers their writes with a 500). Default bob. */
  readOnlyUsers?: string[];
  /** False: servers without the Failover API (older BAM): no HTTPS port at all. */
  failoverApi?: boolean;
  /** The pause of a graceful switchover (`failoverReplication`) in which neither server serves. Default 1500 ms. */
  switchoverPauseMs?: number;
}

/**
 * A simulated BAM replication cluster sharing replicated data, with BAM's documented failover
 * semantics (Address Manager Administration Guide, "Database replication"; Failover API Guide):
 * promote works only on a Standby; in a two-server cluster the promoted server becomes
 * Standalone; a stopped old Primary is not reconfigured and claims Primary until re-added.
 */
export class SimCluster {
  readonly data: ClusterData;
  readonly servers = new Map<string, SimBamServer>();
  /** The server the others replicate from (Primary, or Standalone after a two-server promote). */
  private current: string;
  private tlsMaterial?: Promise<FailoverTls>;
  /** Settable at any time; a switchover already under way keeps the pause it started with. */
  switchoverPauseMs: number;
  private switchoverTimer?: NodeJS.Timeout;
  /** When the last switchover's pause began and ended (epoch ms), for benchmarks. */
  lastPause?: { startedAt: number; endedAt?: number };

  constructor(opts: SimClusterOptions = {}) {
    this.data = new ClusterData(opts.users ?? { ...DEMO_USERS, 'gateway-svc': 'gateway-svc-pass' }, opts.readOnlyUsers);
    const names = opts.servers ?? ['bam1', 'bam2'];
    this.current = names[0]!;
    this.switchoverPauseMs = opts.switchoverPauseMs ?? DEFAULT_SWITCHOVER_PAUSE_MS;
    names.forEach((name, i) => {
      const role: SimRole = i === 0 ? 'Primary' : 'Standby';
      const server = new SimBamServer(name, role, this.data, this, () => this.tls());
      server.failoverApi = opts.failoverApi ?? true;
      this.servers.set(name, server);
    });
  }

  /** The CA, and the client certificate and key a Failover API client must present (PEM). */
  tls(): Promise<FailoverTls> {
    this.tlsMaterial ??= sharedFailoverTls();
    return this.tlsMaterial;
  }

  async start(): Promise<this> {
    for (const s of this.servers.values()) await s.start();
    return this;
  }

  async close(): Promise<void> {
    clearTimeout(this.switchoverTimer);
    for (const s of this.servers.values()) await s.stop();
  }

  server(name: string): SimBamServer {
    const s = this.servers.get(name);
    if (!s) throw new Error(`no simulated BAM server named ${name}`);
    return s;
  }

  /**
   * BAM's promote, on a Standby only (the answer is the refusal, or undefined). Two servers: it
   * becomes Standalone. More: it becomes Primary and the running Standbys follow it. The old
   * Primary, running or not, is left as it is: it still claims Primary until re-added.
   */
  promote(name: string): string | undefined {
    const target = this.server(name);
    if (target.role !== 'Standby') return `${name} is ${target.role}: only a Standby server can be promoted`;
    // The other Standbys keep their role, now replicating from the target.
    target.role = this.servers.size === 2 ? 'Standalone' : 'Primary';
    this.current = name;
    return undefined;
  }

  /**
   * BAM's graceful switchover (`failoverReplication`), asked of the Primary `from`: both servers
   * stop serving for `switchoverPauseMs` (their services restart with the new role, so both
   * forget their sessions), then the named Standby is Primary and `from` its Standby. Other
   * Standbys stay Standbys, now of the new Primary. Answers the refusal, or undefined once started.
   */
  switchover(from: string, standbyServer: string | null): SwitchoverRefusal | undefined {
    const old = this.server(from);
    const refusal = switchoverRefusal(this.servers.values(), old, standbyServer);
    if (refusal) return refusal;
    const target = findStandby(this.servers.values(), standbyServer!)!;
    for (const s of [old, target]) s.switchingOver = true;
    const pause: { startedAt: number; endedAt?: number } = { startedAt: Date.now() };
    this.lastPause = pause;
    this.switchoverTimer = setTimeout(() => {
      pause.endedAt = Date.now();
      old.role = 'Standby';
      target.role = 'Primary';
      this.current = target.name;
      for (const s of [old, target]) {
        s.dropSessions();
        s.switchingOver = false;
      }
    }, this.switchoverPauseMs);
    this.switchoverTimer.unref();
    return undefined;
  }

  /**
   * The operator's step after a failover: re-add a server (typically the returned old Primary) as
   * a Standby of the current Primary; a Standalone one reports Primary again once it has a Standby.
   */
  readd(name: string): string | undefined {
    const target = this.server(name);
    if (name === this.current) return `${name} is the current ${target.role}: re-add another server as its Standby`;
    if (target.mode === 'stopped') return `${name} is stopped: start it before re-adding it`;
    target.role = 'Standby';
    this.server(this.current).role = 'Primary';
    return undefined;
  }

  /** The server the cluster currently replicates from. */
  get currentPrimary(): string {
    return this.current;
  }

  /** `name=url,...`, the form of the gateway's BAM_SERVERS setting. */
  serverList(): string {
    return [...this.servers.values()].map((s) => `${s.name}=${s.url}`).join(',');
  }

  /** `name=https://...,...` for BAM_FAILOVER_API: servers with a Failover API only. */
  failoverApiList(): string {
    return [...this.servers.values()].flatMap((s) => (s.failoverUrl ? [`${s.name}=${s.failoverUrl}`] : [])).join(',');
  }

  snapshot() {
    return [...this.servers.values()].map((s) => ({
      name: s.name,
      url: s.url,
      failover_url: s.failoverUrl ?? null,
      role: s.role,
      mode: s.mode,
      switching_over: s.switchingOver,
      latency_ms: s.latencyMs,
    }));
  }
}
