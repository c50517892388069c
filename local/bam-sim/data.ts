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

export interface SimUser {
  password: string;
  /** False: the user may read but lacks the access rights to change anything (BAM answers 500). */
  canWrite: boolean;
}

export class ClusterData {
  readonly users = new Map<string, SimUser>();
  readonly entities = new Map<number, SimEntity>();
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

  /**
   * Adds a host record in the deepest existing zone of the view its name falls in, creating the
   * missing subzones between (creating `a.b.example.com` creates `b.example.com`). Answers BAM's
   * error text when it cannot.
   */
  addHostRecord(viewId: number, absoluteName: string, addresses: string[], ttl: number, properties: Record<string, string> = {}): SimEntity | string {
    const view = this.entities.get(viewId);
    if (!view || view.type !== 'View') return `Object was not found: view ${viewId}`;
    if (addresses.length === 0 || addresses.some((a) => !/^\d{1,3}(\.\d{1,3}){3}$/.test(a))) return 'Invalid IPv4 address';
    const labels = absoluteName.split('.');
    let zone: SimEntity | undefined;
    let parent = view;
    let i = labels.length - 1;
    for (; i > 0; i--) {
      const next = this.children(parent.id, 'Zone').find((z) => z.name === labels[i]);
      if (!next) break;
      zone = parent = next;
    }
    if (!zone) return `No zone for ${absoluteName} in view ${view.name}`;
    for (; i > 0; i--) zone = this.add({ name: labels[i]!, type: 'Zone', parentId: zone.id, properties: { absoluteName: labels.slice(i).join('.'), deployable: 'true' } });
    const name = labels[0]!;
    if (this.children(zone.id, 'HostRecord').some((r) => r.properties.absoluteName === absoluteName)) return `Duplicate of an existing host record: ${absoluteName}`;
    return this.add({ name, type: 'HostRecord', parentId: zone.id, properties: { ...properties, absoluteName, addresses: addresses.join(','), ttl: String(ttl) } });
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
    seedConfig('Production', 'Live networks', ['10.0.0.0/8', '172.16.0.0/12']);
    seedConfig('Lab', 'Test bench', ['192.168.0.0/16']);
    seedConfig('Disaster Recovery', 'Standby site', ['10.200.0.0/16']);
  }
}
