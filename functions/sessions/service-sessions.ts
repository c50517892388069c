import { FailoverInProgressError } from '../kernel/errors.js';
import type { MonitorState } from '../monitor/domain/monitor-machine.js';
import type { BamCredential } from '../bam/credential.js';
import { newToken } from './domain/tokens.js';
import { serverNamed, type BamServer } from './domain/servers.js';
import { sharedContext } from './domain/session-record.js';
import type { BamLogins, CredentialSealer, ServiceSession, ServiceSessionStore } from './ports.js';
import type { SessionSettings } from './settings.js';

export interface ServiceSessionDeps {
  settings: Pick<SessionSettings, 'servers' | 'bamTimeoutMs' | 'service'>;
  store: ServiceSessionStore;
  cipher: CredentialSealer;
  bam: BamLogins;
  now: () => number;
  /** The answer for a failed service login (no probe: this also runs inside a monitor round). */
  failure: (err: unknown, server: BamServer) => Promise<Error>;
  retryAfterSeconds: () => number;
}

type StoredServiceSession = ServiceSession & { credential: string };

/**
 * The service user's BAM session of each epoch: the one BAM login that restores every restorable
 * session. Logging in happens at most once across every process, for an epoch and for
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
  renew(monitor: MonitorState, rejected: StoredServiceSession): Promise<ServiceSession | undefined> {
    return this.once(`${monitor.epoch}:${rejected.credential}`, async () => {
      if (await this.stillAccepted(rejected)) return undefined;
      return this.obtain(monitor, rejected.credential);
    });
  }

  /** Whether BAM still accepts a stored service credential (401/403: no); other failures propagate. */
  private stillAccepted(service: StoredServiceSession): Promise<boolean> {
    return this.d.bam.accepts(this.serverOf(service), this.credentialOf(service));
  }

  /** The stored service credential, decrypted. */
  private credentialOf(service: StoredServiceSession): BamCredential {
    return JSON.parse(this.d.cipher.decrypt(service.credential, sharedContext(service.epoch))) as BamCredential;
  }

  private serverOf(service: ServiceSession): BamServer {
    return serverNamed(this.d.settings.servers, service.server);
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
    const primary = serverNamed(this.d.settings.servers, monitor.primary!);
    const lease = this.d.settings.bamTimeoutMs + 1000;
    const deadline = this.d.now() + lease;
    let unread = claimFirst;
    for (;;) {
      const stored = unread ? undefined : await this.d.store.getServiceSession(epoch);
      if (stored?.credential && stored.credential !== replacing) return stored;
      const old = stored?.credential ? (stored as StoredServiceSession) : undefined; // set: the rejected credential is still stored, replace it
      if (await this.d.store.claimServiceSession(epoch, primary.name, this.holder, this.d.now(), lease, old?.credential)) {
        let credential: BamCredential;
        try {
          credential = await this.d.bam.login(primary, this.d.settings.service.username, this.d.settings.service.password);
        } catch (err) {
          throw await this.d.failure(err, primary);
        }
        const sealed = this.d.cipher.encrypt(JSON.stringify(credential), sharedContext(epoch));
        if (await this.d.store.completeServiceSession(epoch, this.holder, sealed, old?.credential)) {
          // The replaced BAM session may still be open (a 403, say): end it, best effort.
          if (old) await this.d.bam.logout(this.serverOf(old), this.credentialOf(old)).catch(() => undefined);
          return { epoch, server: primary.name, credential: sealed };
        }
        await this.d.bam.logout(primary, credential).catch(() => undefined); // our lease ran out and another process finished first
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
