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
}

export class ClusterData {
  readonly users = new Map<string, SimUser>();
  readonly entities = new Map<number, SimEntity>();
  private nextId = 100000;

  constructor(users: Record<string, string>) {
    // BAM user names are case-insensitive: `Alice` logs in as `alice`.
    for (const [name, password] of Object.entries(users)) this.users.set(name.toLowerCase(), { password });
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

  /** Adds a host record under the zone its name falls in; answers BAM's error text when it cannot. */
  addHostRecord(viewId: number, absoluteName: string, addresses: string[], ttl: number): SimEntity | string {
    const view = this.entities.get(viewId);
    if (!view || view.type !== 'View') return `Object was not found: view ${viewId}`;
    if (addresses.length === 0 || addresses.some((a) => !/^\d{1,3}(\.\d{1,3}){3}$/.test(a))) return 'Invalid IPv4 address';
    const zone = this.children(view.id, 'Zone')
      .filter((z) => absoluteName === z.properties.absoluteName || absoluteName.endsWith(`.${z.properties.absoluteName}`))
      .sort((a, b) => b.properties.absoluteName!.length - a.properties.absoluteName!.length)[0];
    if (!zone) return `No zone for ${absoluteName} in view ${view.name}`;
    const name = absoluteName === zone.properties.absoluteName ? '' : absoluteName.slice(0, -(zone.properties.absoluteName!.length + 1));
    if (this.children(zone.id, 'HostRecord').some((r) => r.properties.absoluteName === absoluteName)) return `Duplicate of an existing host record: ${absoluteName}`;
    return this.add({ name, type: 'HostRecord', parentId: zone.id, properties: { absoluteName, addresses: addresses.join(','), ttl: String(ttl) } });
  }

  checkPassword(username: string, password: string): boolean {
    return this.users.get(username.toLowerCase())?.password === password;
  }

  private seed(): void {
    const seedConfig = (name: string, description: string, blocks: string[]) => {
      const conf = this.add({ name, type: 'Configuration', parentId: 0, properties: { description } });
      for (const cidr of blocks) this.add({ name: `${name} ${cidr}`, type: 'IP4Block', parentId: conf.id, properties: { CIDR: cidr } });
      const view = this.add({ name: 'default', type: 'View', parentId: conf.id, properties: {} });
      this.add({ name: 'example.com', type: 'Zone', parentId: view.id, properties: { absoluteName: 'example.com', deployable: 'true' } });
      return conf;
    };
    seedConfig('Production', 'Live networks', ['10.0.0.0/8', '172.16.0.0/12']);
    seedConfig('Lab', 'Test bench', ['192.168.0.0/16']);
    seedConfig('Disaster Recovery', 'Standby site', ['10.200.0.0/16']);
  }
}
