import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startLocalStack, type LocalStack } from '../../local/runtime.js';
import { eventually } from '../support/client.js';

/**
 * "A script using only the documented calls of an Airlock REST client library can run the
 * Airlock's maintenance sequence" (docs/maintenance.md). The client below behaves on the wire as Airlock's Python
 * library (airlock-gateway-rest-api-lib-py, on `requests.Session`) and certctl do (notes
 * airlock-rest.md §1 A8-A12, §3): session headers (the Bearer key) on every request, a cookie jar
 * that keeps JSESSIONID by its Path and drops it on Max-Age=0, `json=` bodies with
 * Content-Type application/json, no body at all where the library passes none, and an exception on
 * any status the library does not expect.
 */
class AirlockRestError extends Error {
  constructor(
    readonly status: number,
    readonly text: string,
  ) {
    super(`Status code ${status}: ${text}`);
  }
}

interface Cookie {
  value: string;
  path: string;
}

class AirlockClient {
  /** Like requests.Session.headers: sent with every request (create_session adds the Bearer key). */
  private readonly headers: Record<string, string> = { 'user-agent': 'python-requests/2.32.3', accept: '*/*', 'accept-encoding': 'gzip, deflate' };
  private readonly jar = new Map<string, Cookie>();
  /** Every request sent, to check what went over the wire. */
  readonly sent: { method: string; path: string; contentType: string | null; body: string | null }[] = [];

  private constructor(private readonly base: string) {}

  /** create_session: POST session/create with no body (200, or 404 = no session), then the version from system/status/node. */
  static async createSession(base: string, apiKey: string): Promise<{ client: AirlockClient; version: string } | undefined> {
    const client = new AirlockClient(base);
    client.headers.authorization = `Bearer ${apiKey}`;
    const res = await client.post('/session/create', undefined, [200, 404]);
    if (res.status !== 200) return undefined;
    const node = await client.get('/system/status/node', [200]);
    const version: unknown = node.json.data.attributes.version;
    // The library calls version.startswith(...): anything but a string would raise there.
    if (typeof version !== 'string') throw new TypeError(`version is ${typeof version}, not a string`);
    return { client, version };
  }

  get jsessionId(): string | undefined {
    return this.jar.get('JSESSIONID')?.value;
  }

  /** load_active_config: POST load-active, no body; 204. */
  async loadActiveConfig(): Promise<void> {
    await this.post('/configuration/configurations/load-active', undefined, [204]);
  }

  /** What a script does for the host mode (the library has no helper): the generic post with the document. */
  async setHostMode(groupId: string, hostName: string, mode: string): Promise<any> {
    const doc = { data: { type: 'back-end-host-mode-change', attributes: { protocol: 'HTTP', hostName, port: '80', mode } } };
    return (await this.post(`/configuration/back-end-groups/${groupId}/host-mode`, doc, [200, 204])).json;
  }

  /** validate: the ERROR validator messages; valid when data[] is empty. */
  async validate(): Promise<{ valid: boolean; messages: string[] }> {
    const res = await this.get('/configuration/validator-messages?filter=meta.severity==ERROR', [200]);
    const messages = (res.json.data as { attributes: { detail: string } }[]).map((m) => m.attributes.detail);
    return { valid: messages.length === 0, messages };
  }

  /** activate: validates first (false when invalid, nothing posted), then posts the comment with the library's fixed options; 200. */
  async activate(comment?: string): Promise<boolean> {
    if (!(await this.validate()).valid) return false;
    const body = comment ? { comment, options: { ignoreOutdatedConfiguration: true, failoverActivation: false } } : undefined;
    await this.post('/configuration/configurations/activate', body, [200]);
    return true;
  }

  /** terminate_session: POST session/terminate, no body; 200. */
  async terminateSession(): Promise<void> {
    await this.post('/session/terminate', undefined, [200]);
  }

  get(path: string, expect?: number[]) {
    return this.request('GET', path, undefined, expect);
  }

  post(path: string, json: unknown, expect?: number[]) {
    return this.request('POST', path, json, expect);
  }

  private async request(method: string, path: string, json: unknown, expect?: number[]): Promise<{ status: number; json: any }> {
    const url = new URL(`${this.base}/airlock/rest${path}`);
    const headers: Record<string, string> = { ...this.headers };
    const cookie = [...this.jar]
      .filter(([, c]) => url.pathname === c.path || url.pathname.startsWith(c.path.endsWith('/') ? c.path : `${c.path}/`))
      .map(([n, c]) => `${n}=${c.value}`)
      .join('; ');
    if (cookie) headers.cookie = cookie;
    // requests: json=None sends no body and no Content-Type; json=<dict> sends it with application/json.
    const body = json === undefined ? null : JSON.stringify(json);
    if (body !== null) headers['content-type'] = 'application/json';
    this.sent.push({ method, path, contentType: headers['content-type'] ?? null, body });
    const res = await fetch(url, { method, headers, ...(body !== null ? { body } : {}) });
    for (const line of res.headers.getSetCookie()) this.remember(line, url.pathname);
    const text = await res.text();
    if (expect && !expect.includes(res.status)) throw new AirlockRestError(res.status, text);
    let parsed: unknown;
    try {
      parsed = text ? JSON.parse(text) : undefined;
    } catch {
      parsed = undefined;
    }
    return { status: res.status, json: parsed };
  }

  private remember(line: string, requestPath: string): void {
    const [pair, ...attrs] = line.split(';').map((p) => p.trim());
    const eq = pair!.indexOf('=');
    const name = pair!.slice(0, eq);
    const attr = (key: string) => attrs.find((a) => a.toLowerCase().startsWith(`${key}=`))?.slice(key.length + 1);
    const maxAge = attr('max-age');
    if (maxAge !== undefined && Number(maxAge) <= 0) {
      this.jar.delete(name);
      return;
    }
    // RFC 6265 default path: the request path up to its last '/'.
    this.jar.set(name, { value: pair!.slice(eq + 1), path: attr('path') ?? (requestPath.slice(0, requestPath.lastIndexOf('/')) || '/') });
  }
}

let stack: LocalStack;
let base: string;

beforeAll(async () => {
  stack = await startLocalStack();
  base = stack.url;
});
afterAll(async () => {
  await stack?.close();
});

/** A tenant token as Airlock's user manager makes it (Airlock's example -W, with host-mode by group id; -R for status and configuration). */
async function tenantToken(): Promise<string> {
  const { userManager } = await import('../../bin/user-manager-cli.js');
  const out: string[] = [];
  const W = '^\\/session\\/(create|terminate)|\\/configuration\\/configurations\\/(load-active|activate)|\\/configuration\\/back-end-groups\\/\\d{1,10}\\/host-mode$';
  const R = '^\\/configuration\\/.*|\\/system\\/status\\/.*$';
  const code = await userManager(['-s', '-u', 'tenant_user', '-j', '-r', 'airlock-administrator', '-t', 'myTenant', '-W', W, '-R', R], {
    out: (l) => out.push(l),
    err: () => undefined,
    env: { PORT: new URL(base).port },
  });
  expect(code).toBe(0);
  return out.join('').trim();
}

async function bam2(client: AirlockClient): Promise<{ mode: string; health: string; SessionCount: { Count: number } }> {
  const status = await client.get('/system/status/back-end-groups/address-manager', [200]);
  return status.json.data.attributes.backendHosts.find((h: { name: string }) => h.name === 'bam2');
}

describe('an Airlock REST client library', () => {
  it('runs the Airlock maintenance sequence on the Standby bam2: drain, poll to 0, disable, enable, terminate', async () => {
    const created = await AirlockClient.createSession(base, await tenantToken());
    expect(created).toBeDefined();
    const { client, version } = created!;
    expect(version).toMatch(/^\d+\.\d+/);
    expect(client.jsessionId).toMatch(/^[A-Za-z0-9_-]{43}$/);

    // Instruction 1: stop bam2 from taking new sessions, then wait for it to drain.
    await client.loadActiveConfig();
    const group = await client.setHostMode('1', 'bam2', 'NO_NEW_SESSIONS');
    expect(group.data.attributes.backendHosts.find((h: { name: string }) => h.name === 'bam2').mode).toBe('NO_NEW_SESSIONS');
    expect(await client.validate()).toEqual({ valid: true, messages: [] });
    expect(await client.activate('drain bam2')).toBe(true);
    expect((await bam2(client)).mode).toBe('NO_NEW_SESSIONS');
    await eventually(async () => (await bam2(client)).SessionCount.Count === 0, 10_000, 'bam2 drained');

    // Instruction 2: disable it for the maintenance, then enable it again.
    await client.loadActiveConfig();
    await client.setHostMode('1', 'bam2', 'DISABLED');
    expect(await client.activate('maintain bam2')).toBe(true);
    expect(await bam2(client)).toMatchObject({ mode: 'DISABLED', health: 'MAINTENANCE' });
    await client.loadActiveConfig();
    await client.setHostMode('1', 'bam2', 'ENABLED');
    expect(await client.activate('bam2 back')).toBe(true);
    expect((await bam2(client)).mode).toBe('ENABLED');

    await client.terminateSession();
    expect(client.jsessionId).toBeUndefined(); // the gateway cleared the cookie (Max-Age=0)
    // The Bearer header is still on the library's session, but it is no REST session: 401.
    await expect(client.get('/system/status/node', [200])).rejects.toMatchObject({ status: 401 });

    // On the wire: JSON bodies with their Content-Type, and none at all where the library passes nothing.
    const posts = client.sent.filter((r) => r.method === 'POST');
    for (const r of posts.filter((p) => /session\/(create|terminate)|load-active/.test(p.path))) expect(r).toMatchObject({ contentType: null, body: null });
    for (const r of posts.filter((p) => /host-mode|activate/.test(p.path))) expect(r.contentType).toBe('application/json');
    expect(JSON.parse(posts.find((p) => p.path.endsWith('/activate'))!.body!)).toEqual({ comment: 'drain bam2', options: { ignoreOutdatedConfiguration: true, failoverActivation: false } });

    // Each mode change went out as an event naming the tenant user and the comment.
    const changes = await eventually(
      async () => {
        const all = stack.bus.recent(200).filter((e) => e['detail-type'] === 'BACKEND_HOST_MODE_CHANGED');
        return all.length >= 3 ? all.map((e) => e.detail as { host: { name: string }; new: string; by: string; comment: string }) : undefined;
      },
      5000,
      'three mode events',
    );
    expect(changes.map((d) => [d.host.name, d.new, d.by, d.comment])).toEqual([
      ['bam2', 'NO_NEW_SESSIONS', 'tenant:myTenant/tenant_user', 'drain bam2'],
      ['bam2', 'DISABLED', 'tenant:myTenant/tenant_user', 'maintain bam2'],
      ['bam2', 'ENABLED', 'tenant:myTenant/tenant_user', 'bam2 back'],
    ]);
  });

  it('activate() posts nothing when the validator reports an error, and says so', async () => {
    const { client } = (await AirlockClient.createSession(base, await tenantToken()))!;
    await client.loadActiveConfig();
    await client.setHostMode('1', 'bam1', 'DISABLED'); // the Primary, with bam2 as its only Standby
    await client.setHostMode('1', 'bam2', 'DISABLED');
    const validation = await client.validate();
    expect(validation.valid).toBe(false);
    expect(validation.messages.length).toBeGreaterThan(0);
    expect(await client.activate('take everything out')).toBe(false);
    expect(client.sent.some((r) => r.path.endsWith('/activate'))).toBe(false);
    expect(await bam2(client)).toMatchObject({ mode: 'ENABLED' });
    await client.terminateSession();
  });

  it('runs the sequence on the Primary bam1: the drain is a planned switchover to bam2; bam1 is maintained and comes back as a Standby', async () => {
    const { client } = (await AirlockClient.createSession(base, await tenantToken()))!;
    const host = async (name: string) => {
      const status = await client.get('/system/status/back-end-groups/address-manager', [200]);
      return { ...status.json.data.attributes.backendHosts.find((h: { name: string }) => h.name === name), switchover: status.json.data.attributes.switchover };
    };
    expect(await host('bam1')).toMatchObject({ role: 'PRIMARY', mode: 'ENABLED' });
    await client.loadActiveConfig();
    await client.setHostMode('1', 'bam1', 'NO_NEW_SESSIONS');
    expect((await client.validate()).valid).toBe(true); // a WARNING names the switchover; no ERROR
    expect(await client.activate('drain the Primary bam1')).toBe(true);
    await eventually(
      async () => {
        const h = await host('bam1');
        return h.role === 'STANDBY' && h.SessionCount.Count === 0 && h.switchover?.state === 'COMPLETED';
      },
      15_000,
      'bam1 handed over and drained',
    );
    expect(await host('bam2')).toMatchObject({ role: 'PRIMARY', mode: 'ENABLED' });

    await client.loadActiveConfig();
    await client.setHostMode('1', 'bam1', 'DISABLED');
    expect(await client.activate('maintain bam1')).toBe(true);
    expect(await host('bam1')).toMatchObject({ mode: 'DISABLED', health: 'MAINTENANCE' });
    expect((await fetch(`${base}/_local/bam/bam1/restart`, { method: 'POST' })).status).toBe(200);
    await client.loadActiveConfig();
    await client.setHostMode('1', 'bam1', 'ENABLED');
    expect(await client.activate('bam1 back')).toBe(true);
    await eventually(
      async () => {
        const h = await host('bam1');
        return h.mode === 'ENABLED' && h.health === 'UP' && h.role === 'STANDBY';
      },
      10_000,
      'bam1 back as a Standby',
    );
    expect((await host('bam2')).role).toBe('PRIMARY');
    await client.terminateSession();
  });

  it('create_session raises on a refused key (401), as the library does for any status but 200 and 404', async () => {
    await expect(AirlockClient.createSession(base, 'not-a-token')).rejects.toMatchObject({ status: 401 });
  });
});
