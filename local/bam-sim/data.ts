/**
 * The replicated part of a simulated BAM cluster: users and the entity tree. Every server of
 * the cluster sees the same instance, as replication would make it.
 */
export interface SimEntity {
  id: number;
  name: string;
  type: string;
  parentId: number;
  properties: Record<string, string>;
}

export type RecordType = 'HostRecord' | 'AliasRecord' | 'TXTRecord';
export const RECORD_TYPES: readonly string[] = ['HostRecord', 'AliasRecord', 'TXTRecord'];

export interface SimDeployment {
  id: number;
  serverId: number;
  service: string;
  type: 'FullDeployment' | 'DifferentialDeployment';
  state: string;
  createdAt: string;
}

const isIPv4 = (a: string) => /^(25[0-5]|2[0-4]\d|1?\d?\d)(\.(25[0-5]|2[0-4]\d|1?\d?\d)){3}$/.test(a);
/** A DNS name: dot-separated labels of letters, digits, `-` and `_`, none empty or over 63, 253 in all. */
export const isDnsName = (n: string) => n.length <= 253 && n.split('.').every((l) => /^[A-Za-z0-9_](?:[A-Za-z0-9_-]{0,61}[A-Za-z0-9_])?$/.test(l));

/** A record's own TTL; -1 (BAM's "not set", the zone's default applies) stores none (modelled). */
const ttlProperty = (ttl: number): Record<string, string> => (Number.isInteger(ttl) && ttl >= 0 ? { ttl: String(ttl) } : {});

/**
 * Whether a new record of `type` may not share its name with `existing` (modelled on DNS rules):
 * a CNAME stands alone, host records are unique by name, TXT records only by name and text.
 */
function conflicts(type: RecordType, existing: SimEntity, properties: Record<string, string>): boolean {
  if (type === 'AliasRecord' || existing.type === 'AliasRecord') return true;
  if (type === 'TXTRecord') return existing.type === 'TXTRecord' && existing.properties.txt === properties.txt;
  return existing.type === type;
}

export interface SimUser {
  password: string;
  /** False: the user may read but lacks the access rights to change anything (BAM answers 500). */
  canWrite: boolean;
}

export class ClusterData {
  readonly users = new Map<string, SimUser>();
  readonly entities = new Map<number, SimEntity>();
  /** Deployments asked for, oldest first (v1 deployServer/deployServerConfig, v2 POST .../deployments). */
  readonly deployments: SimDeployment[] = [];
  private nextId = 100000;

  constructor(users: Record<string, string>, readOnlyUsers: string[] = ['bob']) {
    const readers = new Set(readOnlyUsers.map((u) => u.toLowerCase()));
    // BAM user names are case-insensitive: `Alice` logs in as `alice`.
    for (const [name, password] of Object.entries(users)) this.users.set(name.toLowerCase(), { password, canWrite: !readers.has(name.toLowerCase()) });
    this.seed();
  }

  add(entity: Omit<SimEntity, 'id'>): SimEntity {
    const full = { ...entity, id: ++this.nextId };
    this.entities.set(full.id, full);
    return full;
  }

  children(parentId: number, type?: string): SimEntity[] {
    return [...this.entities.values()].filter((e) => e.parentId === parentId && (!type || e.type === type));
  }

  /** Every entity below `parentId` (any depth), of `type` if given. */
  descendants(parentId: number, type?: string): SimEntity[] {
    const out: SimEntity[] = [];
    for (const c of this.children(parentId)) out.push(...(!type || c.type === type ? [c] : []), ...this.descendants(c.id, type));
    return out;
  }

  all(type: string): SimEntity[] {
    return [...this.entities.values()].filter((e) => e.type === type);
  }

  canWrite(username: string): boolean {
    return this.users.get(username.toLowerCase())?.canWrite ?? false;
  }

  /** The nearest ancestor of `e` of `type` (a record's View or Configuration), if any. */
  ancestor(e: SimEntity, type: string): SimEntity | undefined {
    for (let p = this.entities.get(e.parentId); p; p = this.entities.get(p.parentId)) if (p.type === type) return p;
    return undefined;
  }

  /** Deletes an entity with everything below it (a zone takes its subzones and records along). */
  remove(id: number): SimEntity | undefined {
    const e = this.entities.get(id);
    if (!e) return undefined;
    for (const c of this.descendants(id)) this.entities.delete(c.id);
    this.entities.delete(id);
    return e;
  }

  /** Adds a host record (BAM: addHostRecord). Answers the record, or BAM's error text. */
  addHostRecord(viewId: number, absoluteName: string, addresses: string[], ttl: number, properties: Record<string, string> = {}): SimEntity | string {
    if (addresses.length === 0 || addresses.some((a) => !isIPv4(a))) return 'Invalid IPv4 address';
    return this.addRecord(viewId, absoluteName, 'HostRecord', { ...properties, addresses: addresses.join(','), ...ttlProperty(ttl) });
  }

  /** Adds an alias (CNAME) record pointing at `linkedRecordName` (BAM: addAliasRecord). */
  addAliasRecord(viewId: number, absoluteName: string, linkedRecordName: string, ttl: number, properties: Record<string, string> = {}): SimEntity | string {
    if (!isDnsName(linkedRecordName)) return `Invalid linked record name: ${linkedRecordName}`;
    return this.addRecord(viewId, absoluteName, 'AliasRecord', { ...properties, linkedRecordName, ...ttlProperty(ttl) });
  }

  /** Adds a TXT record (BAM: addTXTRecord). */
  addTXTRecord(viewId: number, absoluteName: string, txt: string, ttl: number, properties: Record<string, string> = {}): SimEntity | string {
    if (!txt) return 'A TXT record needs text';
    return this.addRecord(viewId, absoluteName, 'TXTRecord', { ...properties, txt, ...ttlProperty(ttl) });
  }

  /**
   * Adds a resource record in the deepest existing zone of the view its name falls in, creating
   * the missing subzones between (creating `a.b.example.com` creates `b.example.com`). Every check
   * runs before anything is created, so a refused record leaves no subzone behind.
   */
  private addRecord(viewId: number, absoluteName: string, type: RecordType, properties: Record<string, string>): SimEntity | string {
    const view = this.entities.get(viewId);
    if (view?.type !== 'View') return `Object was not found: view ${viewId}`;
    if (!isDnsName(absoluteName)) return `Invalid absolute name: ${absoluteName}`;
    // DNS names compare case-insensitively: stored and matched in lower case (modelled).
    const fqdn = absoluteName.toLowerCase();
    const labels = fqdn.split('.');
    let zone: SimEntity | undefined;
    let parent = view;
    let i = labels.length - 1;
    for (; i > 0; i--) {
      const next = this.children(parent.id, 'Zone').find((z) => z.name === labels[i]);
      if (!next) break;
      zone = parent = next;
    }
    if (!zone) return `No zone for ${absoluteName} in view ${view.name}`;
    const clash = i === 0 ? this.children(zone.id).find((r) => r.properties.absoluteName === fqdn && conflicts(type, r, properties)) : undefined;
    if (clash) return `Duplicate of an existing ${clash.type}: ${fqdn}`;
    for (; i > 0; i--) zone = this.add({ name: labels[i]!, type: 'Zone', parentId: zone.id, properties: { absoluteName: labels.slice(i).join('.'), deployable: 'true' } });
    return this.add({ name: labels[0]!, type, parentId: zone.id, properties: { ...properties, absoluteName: fqdn } });
  }

  /** Records a deployment of a server's services (BAM answers at once; the simulator deploys nothing). */
  deploy(serverId: number, service: string, type: 'FullDeployment' | 'DifferentialDeployment'): SimDeployment {
    const d = { id: ++this.nextId, serverId, service, type, state: 'COMPLETED', createdAt: new Date().toISOString() };
    this.deployments.push(d);
    return d;
  }

  /** v1 searchByObjectTypes: names matching `keyword` (`*` any run of characters, `^`/`$` anchors), case-insensitive. */
  search(keyword: string, types: string[]): SimEntity[] {
    const body = keyword
      .replace(/^\^/, '')
      .replace(/\$$/, '')
      .split('*')
      .map((p) => p.replace(/[.*+?^${}()|[\]\\]/g, '\\$&'))
      .join('.*');
    const re = new RegExp(`${keyword.startsWith('^') ? '^' : ''}${body}${keyword.endsWith('$') ? '$' : ''}`, 'i');
    return [...this.entities.values()].filter((e) => types.includes(e.type) && re.test(e.name));
  }

  checkPassword(username: string, password: string): boolean {
    return this.users.get(username.toLowerCase())?.password === password;
  }

  private seed(): void {
    const seedConfig = (name: string, description: string, blocks: string[]) => {
      const conf = this.add({ name, type: 'Configuration', parentId: 0, properties: { description } });
      for (const cidr of blocks) this.add({ name: `${name} ${cidr}`, type: 'IP4Block', parentId: conf.id, properties: { CIDR: cidr } });
      const view = this.add({ name: 'default', type: 'View', parentId: conf.id, properties: {} });
      // Zones nest as in BAM: the view holds `com`, which holds `example` (absoluteName example.com).
      const com = this.add({ name: 'com', type: 'Zone', parentId: view.id, properties: { absoluteName: 'com', deployable: 'true' } });
      this.add({ name: 'example', type: 'Zone', parentId: com.id, properties: { absoluteName: 'example.com', deployable: 'true' } });
      return conf;
    };
    const configs = [
      seedConfig('Production', 'Live networks', ['10.0.0.0/8', '172.16.0.0/12']),
      seedConfig('Lab', 'Test bench', ['192.168.0.0/16']),
      seedConfig('Disaster Recovery', 'Standby site', ['10.200.0.0/16']),
    ];
    // One managed DNS server per configuration, added last so the ids above stay as they were.
    const servers = [
      ['bdds1', '10.0.0.53'],
      ['lab-bdds1', '192.168.0.53'],
      ['dr-bdds1', '10.200.0.53'],
    ] as const;
    configs.forEach((conf, i) => {
      const [name, address] = servers[i]!;
      this.add({ name, type: 'Server', parentId: conf.id, properties: { profile: 'DNS_DHCP_SERVER_60', fullHostName: `${name}.example.com`, defaultInterfaceAddress: address } });
    });
  }
}
