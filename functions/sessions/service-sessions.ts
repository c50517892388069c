import type { BamServer, GatewayConfig } from '../commons/config.js';
import { FailoverInProgressError } from '../commons/errors.js';
import type { MonitorState } from '../domain/monitor-machine.js';
import type { CredentialCipher } from '../domain/credential-cipher.js';
import { newToken } from '../domain/tokens.js';
import type { BamCredential } from '../bam/credential.js';
import { bamClient } from '../bam/clients.js';
import type { MonitorStore, ServiceSession } from '../adapters/monitor-store.js';

export interface ServiceSessionDeps {
  config: GatewayConfig;
  monitor: MonitorStore;
  cipher: CredentialCipher;
  now: () => number;
  serverNamed: (name: string) => BamServer;
  /** The answer for a failed service login (no probe: this also runs inside a monitor round). */
  failure: (err: unknown, server: BamServer) => Promise<Error>;
  retryAfterSeconds: () => number;
}

/** Encryption context of the shared service credential of an epoch. */
export const sharedContext = (epoch: number) => `service#${epoch}`;

/**
 * The service user's BAM session of each epoch: the one BAM login that restores every restorable
 * session (SPEC §4.3). Logging in happens at most once across every process, for an epoch and for
 * each credential BAM rejects (a restart): the first caller claims the stored item (a conditional
 * write with a lease) and logs in; the others wait for its credential.
 */
export class ServiceSessions {
  private readonly flights = new Map<string, Promise<ServiceSession>>();
  private readonly holder = newToken();

  constructor(private readonly d: ServiceSessionDeps) {}

  /** The epoch's service session, logging in for it if nobody has. */
  forEpoch(monitor: MonitorState): Promise<ServiceSession> {
    return this.once(String(monitor.epoch), () => this.obtain(monitor));
  }

  /** A service session replacing the stored one whose credential (`rejected`) BAM just refused. */
  renew(monitor: MonitorState, rejected: string): Promise<ServiceSession> {
    return this.once(`${monitor.epoch}:${rejected}`, () => this.obtain(monitor, rejected));
  }

  private once(key: string, start: () => Promise<ServiceSession>): Promise<ServiceSession> {
    let flight = this.flights.get(key);
    if (!flight) {
      flight = start().finally(() => this.flights.delete(key));
      this.flights.set(key, flight);
    }
    return flight;
  }

  private async obtain(monitor: MonitorState, replacing?: string): Promise<ServiceSession> {
    const epoch = monitor.epoch;
    const primary = this.d.serverNamed(monitor.primary!);
    const lease = this.d.config.bamTimeoutMs + 1000;
    const deadline = this.d.now() + lease;
    for (;;) {
      const stored = await this.d.monitor.getServiceSession(epoch);
      if (stored?.credential && stored.credential !== replacing) return stored;
      const old = stored?.credential; // set: the rejected credential is still stored, replace it
      if (await this.d.monitor.claimServiceSession(epoch, primary.name, this.holder, this.d.now(), lease, old)) {
        const client = bamClient(this.d.config.apiVersion, primary.url, this.d.config.bamTimeoutMs);
        let credential: BamCredential;
        try {
          credential = await client.login(this.d.config.service.username, this.d.config.service.password);
        } catch (err) {
          throw await this.d.failure(err, primary);
        }
        const sealed = this.d.cipher.encrypt(JSON.stringify(credential), sharedContext(epoch));
        if (await this.d.monitor.completeServiceSession(epoch, this.holder, sealed, old)) return { epoch, server: primary.name, credential: sealed };
        await client.logout().catch(() => undefined); // our lease ran out and another process finished first
        continue;
      }
      if (this.d.now() > deadline) throw new FailoverInProgressError(this.d.retryAfterSeconds());
      await new Promise((r) => setTimeout(r, 25));
    }
  }
}
