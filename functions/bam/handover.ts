import type { BamServer } from '../kernel/bam-types.js';
import { BamV1Client } from './v1-client.js';

/** A handover asked for in two steps: the login starts at once, the request itself waits for `send`. */
export interface PreparedHandover {
  /** Asks BAM (once the login is done); throws what BAM answered on refusal. */
  send(): Promise<void>;
  /** Not asked after all (another monitor started the switchover): the session is logged out. */
  cancel(): Promise<void>;
}

/**
 * Prepares asking the Primary `from` to hand its role over to the Standby `to` (BAM's graceful
 * switchover, REST v1 `failoverReplication`), as the service user. The login starts now, so that it
 * runs while the monitor writes the switchover: BAM's pause begins one request after the write,
 * not two. BAM names the Standby by its address: the host (and port, when the URL has one) of its
 * configured URL. Always REST v1: the method has no v2 equivalent.
 */
export function prepareHandover(from: BamServer, to: BamServer, service: { username: string; password: string }, timeoutMs: number): PreparedHandover {
  const client = new BamV1Client(from.url, timeoutMs);
  const loggedIn = client.login(service.username, service.password);
  loggedIn.catch(() => undefined); // seen by send(), or dropped with cancel()
  return {
    async send() {
      await loggedIn;
      try {
        await client.call('POST', 'failoverReplication', { standbyServer: new URL(to.url).host });
      } finally {
        // Best effort: the server is about to pause, and forgets its sessions when the roles swap.
        await client.logout().catch(() => undefined);
      }
    },
    async cancel() {
      await loggedIn.then(() => client.logout()).catch(() => undefined);
    },
  };
}
