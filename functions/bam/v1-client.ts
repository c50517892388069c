import { BamHttpError, bamFetch } from './http.js';
import { badRequest } from '../kernel/errors.js';
import type { BamCredential } from './credential.js';

/** BAM entity as REST v1 returns it; properties are BAM's `k=v|k2=v2|` string. */
export interface V1Entity {
  id: number;
  name: string | null;
  type: string;
  properties: string | null;
}

const TOKEN_PATTERN = /BAMAuthToken:\s*(\S+)/;

/**
 * Parses BAM's `k=v|k2=v2|` serialization. A `|` inside a value comes escaped as `\|` (and `\` as
 * `\\`): Legacy v1 API Guide, "Escaping characters"; BlueCat's own client reads it so too.
 */
export function parseProperties(raw: string | null | undefined): Record<string, string> {
  const out: Record<string, string> = {};
  let pair = '';
  const flush = () => {
    const eq = pair.indexOf('=');
    if (eq > 0) out[pair.slice(0, eq)] = pair.slice(eq + 1);
    pair = '';
  };
  const text = raw ?? '';
  for (let i = 0; i < text.length; i++) {
    if (text[i] === '\\' && i + 1 < text.length) pair += text[++i];
    else if (text[i] === '|') flush();
    else pair += text[i];
  }
  flush();
  return out;
}

/** Client for BAM's legacy REST v1 API (`/Services/REST/v1/`), named after BlueCat's own methods. */
export class BamV1Client {
  readonly v1 = true;
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
    return this.tokenFrom(await this.call('GET', 'login', { username, password }, false));
  }

  /**
   * A read-only session (`loginWithOptions`, options `isReadOnly=true`): what a Standby accepts,
   * enough for getSystemInfo; BAM refuses any write made with it.
   */
  async loginReadOnly(username: string, password: string): Promise<BamCredential> {
    return this.tokenFrom(await this.call('GET', 'loginWithOptions', { username, password, options: 'isReadOnly=true' }, false));
  }

  private tokenFrom(body: unknown): BamCredential {
    const match = typeof body === 'string' ? TOKEN_PATTERN.exec(body) : null;
    if (!match) throw new BamHttpError(502, 'unexpected login answer', body);
    this.credential = { version: 1, authorization: `BAMAuthToken: ${match[1]}` };
    return this.credential;
  }

  async logout(): Promise<void> {
    await this.call('GET', 'logout', {});
  }

  async getEntities(parentId: number, type: string, start = 0, count = 10): Promise<V1Entity[]> {
    return (await this.call('GET', 'getEntities', { parentId, type, start, count })) as V1Entity[];
  }

  async getEntityById(id: number): Promise<V1Entity | null> {
    const entity = (await this.call('GET', 'getEntityById', { id })) as V1Entity | null;
    return entity && entity.id ? entity : null;
  }

  async getEntityByName(parentId: number, name: string, type: string): Promise<V1Entity | null> {
    const entity = (await this.call('GET', 'getEntityByName', { parentId, name, type })) as V1Entity | null;
    return entity && entity.id ? entity : null;
  }

  /** Adds a host record; answers its id. `properties` is BAM's `k=v|` string. */
  async addHostRecord(viewId: number, absoluteName: string, addresses: string[], ttl = -1, properties = ''): Promise<number> {
    return Number(await this.call('POST', 'addHostRecord', { viewId, absoluteName, addresses: addresses.join(','), ttl, properties }));
  }

  async getSystemInfo(): Promise<Record<string, string>> {
    return parseProperties((await this.call('GET', 'getSystemInfo', {})) as string);
  }

  /** Any other v1 method, for workflows that need one this class does not name. */
  async call(method: 'GET' | 'POST' | 'PUT' | 'DELETE', name: string, params: Record<string, string | number>, auth = true, json?: unknown): Promise<unknown> {
    // The method name is a path segment: only a plain identifier, so it cannot reach another path.
    if (!/^[A-Za-z][A-Za-z0-9]*$/.test(name)) throw badRequest(`"${name}" is not an Address Manager REST v1 method name.`);
    // Values are URL-encoded by URLSearchParams: a quote or & in a value stays inside that value.
    const qs = new URLSearchParams(Object.entries(params).map(([k, v]): [string, string] => [k, String(v)]));
    const headers: Record<string, string> = {};
    if (auth && this.credential) headers.authorization = this.credential.authorization;
    const res = await bamFetch(`${this.baseUrl}/Services/REST/v1/${name}?${qs}`, { method, headers, json, timeoutMs: this.timeoutMs });
    return res.body;
  }
}
