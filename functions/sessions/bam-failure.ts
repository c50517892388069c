import { BamHttpError, BamUnreachableError } from '../bam/http.js';
import { FailoverInProgressError, GatewayError, notFound, unauthorized } from '../kernel/errors.js';
import type { ClusterView } from './cluster-view.js';
import type { BamServer } from './domain/servers.js';
import { PRIMARY_ALIAS, type SessionRecord } from './domain/session-record.js';

/** What a call sees while BAM pauses for a switchover: a 503, or a refused connection (never a timeout: BAM may have applied it). */
export function handoverSymptom(err: unknown): boolean {
  // Not a reset ('network'): BAM may have applied a request whose connection broke afterwards.
  return (err instanceof BamHttpError && err.status === 503) || (err instanceof BamUnreachableError && err.reason === 'refused');
}

/** What BAM answers when the cluster may have changed under a cached state: unreachable, 401 (forgot the session), 503 (Standby or pausing). */
export function signOfChange(err: unknown): boolean {
  return err instanceof BamUnreachableError || (err instanceof BamHttpError && (err.status === 401 || err.status === 503));
}

/**
 * Turns a failed BAM call into the answer a client should see: the one place that does. Through
 * the alias, a Primary that cannot be reached (or answers as a Standby) gets the failover 503
 * with Retry-After, whether or not the monitor has decided yet: clients retry it, not a 502/504.
 */
export class BamFailures {
  constructor(
    private readonly view: ClusterView,
    private readonly retryAfterSeconds: () => number,
  ) {}

  /**
   * A failed login or service login to `server`. It probes at once so the monitor decides sooner
   * (`probe: false` inside a monitor round, which must not wait on itself).
   */
  async of(err: unknown, server: BamServer, viaAlias: boolean, opts: { probe?: boolean } = {}): Promise<Error> {
    const unreachable = err instanceof BamUnreachableError;
    const refusedAsStandby = err instanceof BamHttpError && err.status === 503;
    if (signOfChange(err)) this.view.invalidate();
    if (viaAlias && (unreachable || refusedAsStandby)) {
      if (opts.probe !== false) await this.view.probe();
      return new FailoverInProgressError(this.retryAfterSeconds());
    }
    if (unreachable) {
      return err.reason === 'timeout'
        ? new GatewayError(504, 'AddressManagerTimeout', `Address Manager ${server.name} did not answer in time.`)
        : new GatewayError(502, 'AddressManagerUnreachable', `Address Manager ${server.name} cannot be reached.`);
    }
    if (err instanceof BamHttpError) {
      if (err.status === 401) return unauthorized(`Address Manager ${server.name} rejected the credentials.`);
      if (err.status === 403) return new GatewayError(403, 'AddressManagerForbidden', `Address Manager ${server.name} refused: the user lacks the access rights for this.`);
      if (refusedAsStandby && (await this.isStandby(server, err))) {
        return new GatewayError(409, 'AddressManagerIsStandby', `Address Manager ${server.name} is a Standby server and serves no API. Log in through "${PRIMARY_ALIAS}" to reach the Primary.`);
      }
      return new GatewayError(502, 'AddressManagerError', `Address Manager ${server.name} answered ${err.status}: ${err.bamMessage}`);
    }
    return err instanceof Error ? err : new Error(String(err));
  }

  /**
   * A failed call a session made (a workflow's BAM call): BAM's own refusals of the request pass
   * on as such (a 404 is BAM's, not the route's; 400, 409 and 422 say what BAM refused), the rest
   * as for a login.
   */
  async ofCall(err: BamHttpError | BamUnreachableError, call: { session: Pick<SessionRecord, 'target'>; server: BamServer }): Promise<Error> {
    if (err instanceof BamHttpError && err.status === 404) return notFound('Address Manager has no such object.');
    if (err instanceof BamHttpError && [400, 409, 422].includes(err.status)) {
      return new GatewayError(err.status === 422 ? 400 : err.status, 'AddressManagerRejected', `Address Manager refused the request: ${err.bamMessage}`);
    }
    return this.of(err, call.server, call.session.target === PRIMARY_ALIAS);
  }

  /** A 503 from a server the monitor knows as a Standby, or that says it is one. */
  private async isStandby(server: BamServer, err: BamHttpError): Promise<boolean> {
    if (/standby/i.test(err.bamMessage)) return true;
    return (await this.view.read())?.servers[server.name]?.role === 'STANDBY';
  }
}
