import type { BamServer } from '../kernel/bam-types.js';
import { BamV1Client } from './v1-client.js';

/**
 * Asks the Primary `from` to hand its role over to the Standby `to` (BAM's graceful switchover,
 * REST v1 `failoverReplication`), as the service user. BAM names the Standby by its address: the
 * host (and port, when the URL has one) of its configured URL. Throws what BAM answered on refusal.
 * Always REST v1: the method has no v2 equivalent.
 */
export async function requestHandover(from: BamServer, to: BamServer, service: { username: string; password: string }, timeoutMs: number): Promise<void> {
  const client = new BamV1Client(from.url, timeoutMs);
  await client.login(service.username, service.password);
  try {
    await client.call('POST', 'failoverReplication', { standbyServer: new URL(to.url).host });
  } finally {
    // Best effort: the server is about to pause, and forgets its sessions when the roles swap.
    await client.logout().catch(() => undefined);
  }
}
