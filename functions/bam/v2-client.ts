import { BamHttpError, bamFetch } from './http.js';
import type { BamCredential } from './credential.js';
import { checkV2Path, v2Path } from './v2-path.js';

type Params = Record<string, string | number | boolean | undefined>;

/** Client for BAM's RESTful v2 API (`/api/v2`), shaped like BlueCat's `http_get(path, params)`. */
export class BamV2Client {
  readonly v2 = true;
  constructor(
    readonly baseUrl: string,
    private readonly timeoutMs: number,
    private credential?: BamCredential,
  ) {}

  /** The credential this client calls BAM with (the trusted side hands it to the workflow runner). */
  currentCredential(): BamCredential | undefined {
    return this.credential;
  }

  async login(username: string, password: string): Promise<BamCredential> {
    // Retrying a login is harmless (at worst one extra BAM session): mark it idempotent.
    const body = (await this.request('POST', '/sessions', undefined, { username, password }, false, true)) as {
      id?: number;
      basicAuthenticationCredentials?: string;
    };
    if (!body?.basicAuthenticationCredentials || typeof body.id !== 'number') {
      throw new BamHttpError(502, 'unexpected login answer', body);
    }
    this.credential = { version: 2, authorization: `Basic ${body.basicAuthenticationCredentials}`, sessionId: body.id };
    return this.credential;
  }

  async logout(): Promise<void> {
    if (this.credential?.sessionId === undefined) return;
    await this.request('PATCH', v2Path`/sessions/${this.credential.sessionId}`, undefined, { state: 'LOGGED_OUT' });
  }

  httpGet(path: string, params?: Params): Promise<unknown> {
    return this.request('GET', path, params);
  }

  httpPost(path: string, json: unknown, params?: Params): Promise<unknown> {
    return this.request('POST', path, params, json);
  }

  httpPatch(path: string, json: unknown, params?: Params): Promise<unknown> {
    return this.request('PATCH', path, params, json);
  }

  httpDelete(path: string, params?: Params): Promise<unknown> {
    return this.request('DELETE', path, params);
  }

  private async request(method: 'GET' | 'POST' | 'PATCH' | 'DELETE', path: string, params?: Params, json?: unknown, auth = true, idempotent?: boolean): Promise<unknown> {
    checkV2Path(path);
    const qs = new URLSearchParams();
    for (const [k, v] of Object.entries(params ?? {})) if (v !== undefined) qs.set(k, String(v));
    const headers: Record<string, string> = {};
    if (auth && this.credential) headers.authorization = this.credential.authorization;
    // BAM v2 accepts PATCH only as a JSON merge patch (RFC 7396): anything else is a 415.
    if (method === 'PATCH') headers['content-type'] = 'application/merge-patch+json';
    const query = qs.size ? `?${qs}` : '';
    const res = await bamFetch(`${this.baseUrl}/api/v2${path}${query}`, { method, headers, json, timeoutMs: this.timeoutMs, idempotent });
    return res.body;
  }
}
