import type { BamServer, GatewayConfig } from '../wiring/config.js';
import { FailoverInProgressError } from '../kernel/errors.js';
import type { MonitorState } from '../monitor/domain/monitor-machine.js';
import type { CredentialCipher } from './domain/credential-cipher.js';
import { newToken } from './domain/tokens.js';
import type { BamCredential } from '../bam/credential.js';
import { bamClient, type BamClient } from '../bam/clients.js';
import { BamHttpError } from '../bam/http.js';
import { BamV1Client } from '../bam/v1-client.js';
import type { MonitorStore, ServiceSession } from '../monitor/ports.js';

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
  private readonly flights = new Map<string, Promise<ServiceSession | undefined>>();
  private readonly holder = newToken();

  constructor(private readonly d: ServiceSessionDeps) {}

  /**
   * The epoch's service session, logging in for it if nobody has. Once this process has it, it is
   * kept: the many sessions restored at once after a failover do not each read it again. A copy
   * another process renewed since is found through the 401 this one gets: that recovery asks for
   * the stored one (`stored`).
   */
  forEpoch(monitor: MonitorState, opts: { stored?: boolean; justConfirmed?: boolean } = {}): Promise<ServiceSession> {
    const known = opts.stored ? undefined : this.known.get(monitor.epoch);
    if (known) return Promise.resolve(known);
    return this.once(String(monitor.epoch), () => this.obtain(monitor, undefined, opts.justConfirmed)) as Promise<ServiceSession>;
  }

  /** The service session of the latest epochs this process obtained (a few: older epochs are done with). */
  private readonly known = new Map<number, ServiceSession>();

  private remember(service: ServiceSession): ServiceSession {
    this.known.set(service.epoch, service);
    for (const epoch of this.known.keys()) if (epoch < service.epoch - 2) this.known.delete(epoch);
    return service;
  }

  /**
   * A service session replacing `rejected` (the stored one) after a call with it got a 401. The
   * 401 may come from the sandboxed workflow runner, which could forge it: BAM is asked first
   * (one cheap call with that credential), and only if BAM rejects it too is it replaced (one
   * login). Answers undefined when BAM still accepts it.
   */
  renew(monitor: MonitorState, rejected: ServiceSession & { credential: string }): Promise<ServiceSession | undefined> {
    return this.once(`${monitor.epoch}:${rejected.credential}`, async () => {
      if (await this.stillAccepted(rejected)) return undefined;
      return this.obtain(monitor, rejected.credential);
    });
  }

  /** Whether BAM still accepts a stored service credential (401/403: no); other failures propagate. */
  private async stillAccepted(service: ServiceSession & { credential: string }): Promise<boolean> {
    const client = this.client(service);
    try {
      if (client instanceof BamV1Client) await client.getSystemInfo();
      else await client.httpGet('/sessions/current');
      return true;
    } catch (err) {
      if (err instanceof BamHttpError && (err.status === 401 || err.status === 403)) return false;
      throw err;
    }
  }

  /** A BAM client calling `service.server` with the stored (decrypted) service credential. */
  private client(service: ServiceSession & { credential: string }): BamClient {
    const credential = JSON.parse(this.d.cipher.decrypt(service.credential, sharedContext(service.epoch))) as BamCredential;
    return bamClient(this.d.config.apiVersion, this.d.serverNamed(service.server).url, this.d.config.bamTimeoutMs, credential);
  }

  private once(key: string, start: () => Promise<ServiceSession | undefined>): Promise<ServiceSession | undefined> {
    let flight = this.flights.get(key);
    if (!flight) {
      flight = start()
        .then((s) => (s?.credential ? this.remember(s) : s))
        .finally(() => this.flights.delete(key));
      this.flights.set(key, flight);
    }
    return flight;
  }

  /** `claimFirst`: this process just confirmed the epoch, so nobody has its session yet: claim without reading first. */
  private async obtain(monitor: MonitorState, replacing?: string, claimFirst = false): Promise<ServiceSession> {
    const epoch = monitor.epoch;
    const primary = this.d.serverNamed(monitor.primary!);
    const lease = this.d.config.bamTimeoutMs + 1000;
    const deadline = this.d.now() + lease;
    let unread = claimFirst;
    for (;;) {
      const stored = unread ? undefined : await this.d.monitor.getServiceSession(epoch);
      if (stored?.credential && stored.credential !== replacing) return stored;
      const old = stored?.credential ? (stored as ServiceSession & { credential: string }) : undefined; // set: the rejected credential is still stored, replace it
      if (await this.d.monitor.claimServiceSession(epoch, primary.name, this.holder, this.d.now(), lease, old?.credential)) {
        const client = bamClient(this.d.config.apiVersion, primary.url, this.d.config.bamTimeoutMs);
        let credential: BamCredential;
        try {
          credential = await client.login(this.d.config.service.username, this.d.config.service.password);
        } catch (err) {
          throw await this.d.failure(err, primary);
        }
        const sealed = this.d.cipher.encrypt(JSON.stringify(credential), sharedContext(epoch));
        if (await this.d.monitor.completeServiceSession(epoch, this.holder, sealed, old?.credential)) {
          // The replaced BAM session may still be open (a 403, say): end it, best effort.
          if (old)
            await this.client(old)
              .logout()
              .catch(() => undefined);
          return { epoch, server: primary.name, credential: sealed };
        }
        await client.logout().catch(() => undefined); // our lease ran out and another process finished first
        continue;
      }
      if (unread) {
        unread = false; // someone did claim it: read what they stored
        continue;
      }
      if (this.d.now() > deadline) throw new FailoverInProgressError(this.d.retryAfterSeconds());
      await new Promise((r) => setTimeout(r, 25));
    }
  }
}
