import type { BamCredential } from './credential.js';
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
  private readonly credentials = new Map<string, Promise<BamCredential>>();
  private readonly modes = new Map<string, LoginMode>();

  constructor(private readonly service: { username: string; password: string }) {}

  /** Every request of one call (a login included) ends by `timeoutMs` from its start: it is one probe step. */
  async systemInfo(name: string, url: string, timeoutMs: number): Promise<Record<string, string>> {
    const deadline = Date.now() + timeoutMs;
    const left = () => Math.max(1, deadline - Date.now());
    let reloggedIn = false;
    let switched = false;
    for (;;) {
      let client: BamV1Client;
      try {
        client = new BamV1Client(url, left(), await this.credential(name, url, left()));
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
          this.credentials.delete(name);
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
    this.credentials.delete(name);
    this.modes.set(name, this.modes.get(name) === 'plain' ? 'read-only' : 'plain');
  }

  private credential(name: string, url: string, timeoutMs: number): Promise<BamCredential> {
    let c = this.credentials.get(name);
    if (!c) {
      const client = new BamV1Client(url, timeoutMs);
      const { username, password } = this.service;
      c = this.modes.get(name) === 'plain' ? client.login(username, password) : client.loginReadOnly(username, password);
      const mine = c;
      // A failed login is not cached (nor does it evict a newer one).
      c.catch(() => this.credentials.get(name) === mine && this.credentials.delete(name));
      this.credentials.set(name, c);
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
