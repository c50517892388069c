/**
 * A replay, in TypeScript, of the HTTP calls external-dns's BlueCat provider makes to BlueCat
 * Gateway, written from its public source: kubernetes-sigs/external-dns up to v0.14.2,
 * provider/bluecat/gateway/api.go (read at commit 146ffa50) and provider/bluecat/bluecat.go.
 * Only what goes over the wire and what the provider does with the answers is modelled:
 *
 * - login, api.go GetBluecatGatewayToken (about lines 152-204): POST /rest_login, JSON
 *   {"password","username"} (Go sorts map keys), Content-Type and Accept application/json and an
 *   empty cookie (`Cookie: =`, executeHTTPRequest adds http.Cookie{}); anything but 200 fails; the
 *   answer is decoded as a map of strings; the token is access_token after its first space; the
 *   first Set-Cookie is kept (none: the provider panics).
 * - every later call, executeHTTPRequest (end of api.go): Accept: application/json,
 *   Authorization: Basic <token>, the login cookie, Content-Type: application/json on POST.
 * - zones, GetBluecatZones (about 206-235) with expandZone: GET .../views/{V}/zones/com/zones/,
 *   recursing into each answer's absoluteName; 200 only.
 * - records, GetHostRecords / GetCNAMERecords / GetTXTRecords (about 237-305): GET
 *   .../zones/<path>/host_records/ (cname_records/, text_records/); 200 only.
 * - one record, GetHostRecord / GetCNAMERecord / GetTXTRecord (about 307-366): GET
 *   .../views/{V}/host_records/<fqdn>/; 200 only.
 * - create, CreateHostRecord / CreateCNAMERecord / CreateTXTRecord (about 368-438): POST to the
 *   zone's collection; 201 only.
 * - delete, DeleteHostRecord / DeleteCNAMERecord / DeleteTXTRecord (about 440-487): DELETE
 *   .../views/{V}/host_records/<record name>.<zone>/; 204 only.
 * - full deploy, ServerFullDeploy (about 489-515): POST /api/v1/configurations/{C}/server/full_deploy/
 *   {"server_name"}; 201 only.
 * - SplitProperties (about 517-531): trims one final `|`, splits on `|` then `=`, and takes
 *   item [1] of each pair (a pair without `=`, or an empty string, panics).
 * - bluecat.go: zones() keeps each zone's absoluteName (after the domain and zone-id filters);
 *   Records() reads TXT first, then host and CNAME records, labelling each with the owner of the
 *   TXT record of the same name (extractOwnerfromTXTRecord: `external-dns/owner=[^,]+`);
 *   ApplyChanges deletes (recordSet(ep, true): GET the record by its FQDN, then delete by the
 *   answer's name plus the zone), creates, then full-deploys when a server name is set.
 */
export interface BluecatConfig {
  gatewayHost: string;
  gatewayUsername: string;
  gatewayPassword: string;
  dnsConfiguration: string;
  dnsView: string;
  rootZone?: string;
  dnsServerName?: string;
  dnsDeployType?: 'no-deploy' | 'full-deploy';
}

export interface Entity {
  id: number;
  name: string;
  type?: string;
  properties: string;
}

export interface Endpoint {
  dnsName: string;
  recordType: 'A' | 'CNAME' | 'TXT';
  targets: string[];
  ttl?: number;
  owner?: string;
}

/** What the provider reports for a call that did not answer as it expects. */
export class ProviderError extends Error {
  constructor(
    readonly status: number,
    readonly body: string,
    readonly headers: Headers,
    what: string,
  ) {
    super(`received http ${status} ${what}`);
  }
}

/** api.go SplitProperties, panics included. */
export function splitProperties(props: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const pair of props.replace(/\|$/, '').split('|')) {
    const items = pair.split('=');
    if (items.length < 2) throw new Error(`panic: index out of range splitting "${pair}"`);
    out[items[0]!] = items[1]!;
  }
  return out;
}

/** api.go expandZone: `example.com` → `zones/com/zones/example/zones/`. */
export function expandZone(zone: string): string {
  const parts = zone.split('.');
  return `zones/${parts.reverse().join('/zones/')}/zones/`;
}

const RECORD_PATH = { A: 'host_records', CNAME: 'cname_records', TXT: 'text_records' } as const;

export class BluecatProviderReplay {
  /** Every request made, as "METHOD path", for tests that check the exact calls. */
  readonly calls: string[] = [];
  private constructor(
    private readonly cfg: BluecatConfig,
    readonly token: string,
    readonly cookie: string,
  ) {}

  static async login(cfg: BluecatConfig): Promise<BluecatProviderReplay> {
    const body = JSON.stringify({ password: cfg.gatewayPassword, username: cfg.gatewayUsername });
    const res = await fetch(`${cfg.gatewayHost}/rest_login`, { method: 'POST', headers: { 'content-type': 'application/json', accept: 'application/json', cookie: '=' }, body });
    const text = await res.text();
    if (res.status !== 200) throw new ProviderError(res.status, text, res.headers, 'from /rest_login');
    const answer = JSON.parse(text) as Record<string, unknown>;
    for (const [k, v] of Object.entries(answer)) if (typeof v !== 'string') throw new Error(`json: cannot unmarshal ${typeof v} into Go value of type string (${k})`);
    const token = String(answer.access_token).split(' ')[1];
    const setCookie = res.headers.getSetCookie()[0];
    if (!token || !setCookie) throw new Error('panic: index out of range (no token or no cookie)');
    return new BluecatProviderReplay(cfg, token, setCookie.split(';')[0]!);
  }

  /** The token and cookie of a provider that logged in before (it keeps them for its whole life). */
  withSession(token: string, cookie: string): BluecatProviderReplay {
    return new BluecatProviderReplay(this.cfg, token, cookie);
  }

  private get viewBase() {
    return `/api/v1/configurations/${this.cfg.dnsConfiguration}/views/${this.cfg.dnsView}/`;
  }

  private async request(method: string, path: string, expect: number, what: string, json?: unknown): Promise<string> {
    const headers: Record<string, string> = { accept: 'application/json', authorization: `Basic ${this.token}`, cookie: this.cookie };
    if (method === 'POST') headers['content-type'] = 'application/json';
    this.calls.push(`${method} ${path}`);
    const res = await fetch(`${this.cfg.gatewayHost}${path}`, { method, headers, body: json === undefined ? undefined : JSON.stringify(json) });
    const text = await res.text();
    if (res.status !== expect) throw new ProviderError(res.status, text, res.headers, what);
    return text;
  }

  async getBluecatZones(zoneName: string): Promise<Entity[]> {
    const zones = JSON.parse(await this.request('GET', `${this.viewBase}${expandZone(zoneName)}`, 200, `requesting zones from gateway in zone ${zoneName}`)) as Entity[];
    for (const zone of [...zones]) zones.push(...(await this.getBluecatZones(splitProperties(zone.properties).absoluteName!)));
    return zones;
  }

  async getRecords(zone: string, type: Endpoint['recordType']): Promise<Entity[]> {
    const path = `${this.viewBase}${expandZone(zone).replace(/zones\/$/, '')}${RECORD_PATH[type]}/`;
    return JSON.parse(await this.request('GET', path, 200, `requesting ${type} records from gateway in zone ${zone}`)) as Entity[];
  }

  async getRecord(type: Endpoint['recordType'], fqdn: string): Promise<Entity> {
    return JSON.parse(await this.request('GET', `${this.viewBase}${RECORD_PATH[type]}/${fqdn}/`, 200, `while retrieving ${type} record ${fqdn} from gateway`)) as Entity;
  }

  async createRecord(zone: string, ep: Endpoint): Promise<void> {
    const path = `${this.viewBase}${expandZone(zone).replace(/zones\/$/, '')}${RECORD_PATH[ep.recordType]}/`;
    // bluecat.go recordSet: what each kind posts (a TXT record carries no TTL: "not implemented in the Bluecat Gateway").
    const body =
      ep.recordType === 'A'
        ? { absolute_name: ep.dnsName, ip4_address: ep.targets[0], ttl: ep.ttl ?? 0, properties: '' }
        : ep.recordType === 'CNAME'
          ? { absolute_name: ep.dnsName, linked_record: ep.targets[0], ttl: ep.ttl ?? 0, properties: '' }
          : { absolute_name: ep.dnsName, txt: ep.targets[0] };
    await this.request('POST', path, 201, `while creating ${ep.recordType} record ${ep.dnsName} in gateway`, body);
  }

  async deleteRecord(type: Endpoint['recordType'], name: string, zone: string): Promise<void> {
    await this.request('DELETE', `${this.viewBase}${RECORD_PATH[type]}/${name}.${zone}/`, 204, `while deleting ${type} record ${name} from gateway`);
  }

  async serverFullDeploy(): Promise<void> {
    await this.request('POST', `/api/v1/configurations/${this.cfg.dnsConfiguration}/server/full_deploy/`, 201, 'executing full deploy', { server_name: this.cfg.dnsServerName });
  }

  /** bluecat.go zones(): every zone's absoluteName below the root zone (no domain or zone-id filter set). */
  async zones(zoneIdFilter: number[] = []): Promise<string[]> {
    const list = await this.getBluecatZones(this.cfg.rootZone ?? 'com');
    return list.filter((z) => zoneIdFilter.length === 0 || zoneIdFilter.includes(z.id)).map((z) => splitProperties(z.properties).absoluteName!);
  }

  /** bluecat.go Records(): TXT, then host and CNAME records, with the owner of the TXT record of the same name. */
  async records(): Promise<Endpoint[]> {
    const endpoints: Endpoint[] = [];
    for (const zone of await this.zones()) {
      const txt = await this.getRecords(zone, 'TXT');
      const ownerOf = (name: string) => {
        const match = txt.filter((t) => t.name === name).map((t) => /external-dns\/owner=[^,]+/.exec(t.properties)?.[0].split('=')[1]);
        return match[match.length - 1];
      };
      for (const t of txt) endpoints.push({ dnsName: t.name, recordType: 'TXT', targets: [t.properties], owner: ownerOf(t.name) });
      for (const h of await this.getRecords(zone, 'A')) {
        const p = splitProperties(h.properties);
        for (const ip of (p.addresses ?? '').split(',')) endpoints.push({ dnsName: p.absoluteName!, recordType: 'A', targets: [ip], ...ttlOf(p), owner: ownerOf(h.name) });
      }
      for (const c of await this.getRecords(zone, 'CNAME')) {
        const p = splitProperties(c.properties);
        endpoints.push({ dnsName: p.absoluteName!, recordType: 'CNAME', targets: [p.linkedRecordName!], ...ttlOf(p), owner: ownerOf(c.name) });
      }
    }
    return endpoints;
  }

  /** bluecat.go ApplyChanges: deletions (read by FQDN, delete by name + zone), creations, then the full deploy. */
  async applyChanges(changes: { create?: Endpoint[]; delete?: Endpoint[] }): Promise<{ errors: ProviderError[] }> {
    const zones = await this.zones();
    const errors: ProviderError[] = [];
    const zoneOf = (name: string) => zones.filter((z) => name.endsWith(`.${z}`) || name.toLowerCase() === z).sort((a, b) => b.length - a.length)[0];
    // The provider logs a failed create or delete and goes on: the caller sees each error here.
    const logged = async (work: () => Promise<void>) => work().catch((e) => (e instanceof ProviderError ? void errors.push(e) : Promise.reject(e)));
    for (const ep of changes.delete ?? []) {
      const zone = zoneOf(ep.dnsName);
      if (zone) await logged(async () => this.deleteRecord(ep.recordType, (await this.getRecord(ep.recordType, ep.dnsName)).name, zone));
    }
    for (const ep of changes.create ?? []) {
      const zone = zoneOf(ep.dnsName);
      if (zone) await logged(() => this.createRecord(zone, ep));
    }
    if (this.cfg.dnsServerName && this.cfg.dnsDeployType === 'full-deploy') await this.serverFullDeploy();
    return { errors };
  }
}

function ttlOf(p: Record<string, string>): { ttl?: number } {
  if (p.ttl === undefined) return {};
  const ttl = Number.parseInt(p.ttl, 10);
  if (!Number.isInteger(ttl)) throw new Error(`could not parse ttl '${p.ttl}' as int`);
  return { ttl };
}
