import { BamHttpError } from './http.js';
import { BamV1Client } from './v1-client.js';

/**
 * Read-only REST v1 sessions of the service user (`loginWithOptions`, isReadOnly=true: a Standby
 * accepts those), one per server, for the probe's getSystemInfo step. A session BAM rejects (401,
 * 403, or a 500 saying so: see bam-status.ts) is replaced by one new login.
 */
export class SystemInfoSessions {
  private readonly clients = new Map<string, Promise<BamV1Client>>();

  constructor(private readonly service: { username: string; password: string }) {}

  async systemInfo(name: string, url: string, timeoutMs: number): Promise<Record<string, string>> {
    for (let attempt = 0; ; attempt++) {
      const client = await this.client(name, url, timeoutMs);
      try {
        return await client.getSystemInfo();
      } catch (err) {
        if (attempt === 0 && err instanceof BamHttpError && (err.status === 401 || err.status === 403)) {
          this.clients.delete(name);
          continue;
        }
        throw err;
      }
    }
  }

  private client(name: string, url: string, timeoutMs: number): Promise<BamV1Client> {
    let c = this.clients.get(name);
    if (!c) {
      const client = new BamV1Client(url, timeoutMs);
      c = client.loginReadOnly(this.service.username, this.service.password).then(() => client);
      c.catch(() => this.clients.delete(name)); // a failed login is not cached
      this.clients.set(name, c);
    }
    return c;
  }
}
