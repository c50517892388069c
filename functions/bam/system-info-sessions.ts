import { BamHttpError } from './http.js';
import { BamV1Client } from './v1-client.js';

/** How a server's probe session logs in: read-only (what a Standby serves) or plain (what a Primary serves). */
type LoginMode = 'read-only' | 'plain';

/**
 * REST v1 sessions of the service user, one per server, for the probe's getSystemInfo step.
 * The first try is a read-only session (`loginWithOptions`, isReadOnly=true): what a Standby
 * accepts. BAM documents those on a Secondary/Tertiary only, so a Primary or Standalone server may
 * refuse one: on a refusal that is not a credential rejection (login or call), the other kind of
 * login is tried once, and whichever worked is kept for that server until it is refused in turn
 * (a role change). A session BAM rejects (401, 403, or a 500 saying so: see bam-status.ts) is
 * replaced by one new login.
 */
export class SystemInfoSessions {
  private readonly clients = new Map<string, Promise<BamV1Client>>();
  private readonly modes = new Map<string, LoginMode>();

  constructor(private readonly service: { username: string; password: string }) {}

  async systemInfo(name: string, url: string, timeoutMs: number): Promise<Record<string, string>> {
    let reloggedIn = false;
    let switched = false;
    for (;;) {
      let client: BamV1Client;
      try {
        client = await this.client(name, url, timeoutMs);
      } catch (err) {
        if (!switched && isRefusal(err)) {
          switched = true;
          this.switchMode(name);
          continue;
        }
        throw err;
      }
      try {
        return await client.getSystemInfo();
      } catch (err) {
        if (!reloggedIn && isCredentialRejection(err)) {
          reloggedIn = true;
          this.clients.delete(name);
          continue;
        }
        if (!switched && isRefusal(err)) {
          // e.g. a plain session on a server that became a Standby (503), or the reverse.
          switched = true;
          this.switchMode(name);
          continue;
        }
        throw err;
      }
    }
  }

  private switchMode(name: string): void {
    this.clients.delete(name);
    this.modes.set(name, this.modes.get(name) === 'plain' ? 'read-only' : 'plain');
  }

  private client(name: string, url: string, timeoutMs: number): Promise<BamV1Client> {
    let c = this.clients.get(name);
    if (!c) {
      const client = new BamV1Client(url, timeoutMs);
      const { username, password } = this.service;
      const login = this.modes.get(name) === 'plain' ? client.login(username, password) : client.loginReadOnly(username, password);
      c = login.then(() => client);
      c.catch(() => this.clients.delete(name)); // a failed login is not cached
      this.clients.set(name, c);
    }
    return c;
  }
}

/** BAM rejected the credential or the session (as it meant it: see bam-status.ts). */
function isCredentialRejection(err: unknown): boolean {
  return err instanceof BamHttpError && (err.status === 401 || err.status === 403);
}

/** BAM answered, refusing this kind of session or call (400 read-only on a Primary, 503 on a Standby, ...). */
function isRefusal(err: unknown): boolean {
  return err instanceof BamHttpError && !isCredentialRejection(err) && err.status !== 502;
}
