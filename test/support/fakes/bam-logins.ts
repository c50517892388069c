import { bamClient, type BamClient } from '../../../functions/bam/clients.js';
import type { BamCredential } from '../../../functions/bam/credential.js';
import { BamHttpError, BamUnreachableError } from '../../../functions/bam/http.js';
import type { BamServer } from '../../../functions/sessions/domain/servers.js';
import type { BamLogins } from '../../../functions/sessions/ports.js';

/**
 * Address Manager logins in memory: the users and passwords the cluster knows, the BAM sessions
 * each server holds (a restart forgets them: `restart`), and servers that refuse connections
 * (`down`) or answer as a Standby (`standby`). Counts logins and logouts for the tests.
 */
export class FakeBam implements BamLogins {
  readonly users = new Map<string, string>();
  readonly down = new Set<string>();
  readonly standby = new Set<string>();
  /** Live BAM sessions by server: the credential's authorization header values. */
  private readonly live = new Map<string, Set<string>>();
  logins: { server: string; username: string }[] = [];
  logouts = 0;
  private issued = 0;

  constructor(users: Record<string, string> = {}) {
    for (const [u, p] of Object.entries(users)) this.users.set(u, p);
  }

  async login(server: BamServer, username: string, password: string): Promise<BamCredential> {
    this.reachable(server);
    if (this.users.get(username) !== password) throw new BamHttpError(401, 'Invalid username or password', '');
    this.logins.push({ server: server.name, username });
    const sessionId = ++this.issued;
    const credential: BamCredential = { version: 2, authorization: `Basic ${Buffer.from(`${username}:token-${sessionId}`).toString('base64')}`, sessionId };
    this.sessionsOf(server.name).add(credential.authorization);
    return credential;
  }

  async logout(server: BamServer, credential: BamCredential): Promise<void> {
    this.reachable(server);
    this.logouts++;
    this.sessionsOf(server.name).delete(credential.authorization);
  }

  async accepts(server: BamServer, credential: BamCredential): Promise<boolean> {
    this.reachable(server);
    return this.sessionsOf(server.name).has(credential.authorization);
  }

  /** A real client for the server (it makes no call unless the test does). */
  client(server: BamServer, credential: BamCredential): BamClient {
    return bamClient(2, server.url, 1000, credential);
  }

  /** The server restarted: it forgot every BAM session it held. */
  restart(server: string): void {
    this.live.delete(server);
  }

  private sessionsOf(server: string): Set<string> {
    let s = this.live.get(server);
    if (!s) this.live.set(server, (s = new Set()));
    return s;
  }

  private reachable(server: BamServer): void {
    if (this.down.has(server.name)) throw new BamUnreachableError(server.url, 'refused', 'connect ECONNREFUSED', 'ECONNREFUSED');
    if (this.standby.has(server.name)) throw new BamHttpError(503, 'This server is a Standby', '');
  }
}
