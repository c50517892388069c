import { ClusterData } from './data.js';
import { SimBamServer, type SimRole } from './server.js';

export const DEMO_USERS = {
  alice: 'alice-pass',
  bob: 'bob-pass',
};

export interface SimClusterOptions {
  /** Server names, the first one Primary. Default bam1 (Primary), bam2 (Standby). */
  servers?: string[];
  /** BAM users and passwords; the service user is added to them. */
  users?: Record<string, string>;
}

/** A simulated BAM replication cluster: one Primary, the rest Standby, sharing replicated data. */
export class SimCluster {
  readonly data: ClusterData;
  readonly servers = new Map<string, SimBamServer>();

  constructor(opts: SimClusterOptions = {}) {
    this.data = new ClusterData(opts.users ?? { ...DEMO_USERS, 'gateway-svc': 'gateway-svc-pass' });
    const names = opts.servers ?? ['bam1', 'bam2'];
    names.forEach((name, i) => {
      const role: SimRole = i === 0 ? 'Primary' : 'Standby';
      this.servers.set(name, new SimBamServer(name, role, this.data, this));
    });
  }

  async start(): Promise<this> {
    for (const s of this.servers.values()) await s.start();
    return this;
  }

  async close(): Promise<void> {
    for (const s of this.servers.values()) await s.stop();
  }

  server(name: string): SimBamServer {
    const s = this.servers.get(name);
    if (!s) throw new Error(`no simulated BAM server named ${name}`);
    return s;
  }

  /** BAM's Failover API promote: this server becomes Primary, all others (stopped ones too) Standby. */
  promote(name: string): void {
    const target = this.server(name);
    for (const s of this.servers.values()) s.role = s === target ? 'Primary' : 'Standby';
  }

  /** `name=url,...`, the form of the gateway's BAM_SERVERS setting. */
  serverList(): string {
    return [...this.servers.values()].map((s) => `${s.name}=${s.url}`).join(',');
  }

  snapshot() {
    return [...this.servers.values()].map((s) => ({ name: s.name, url: s.url, role: s.role, mode: s.mode, latency_ms: s.latencyMs }));
  }
}
