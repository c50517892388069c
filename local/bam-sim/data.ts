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
    for (const [name, password] of Object.entries(users)) this.users.set(name, { password });
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

  checkPassword(username: string, password: string): boolean {
    return this.users.get(username)?.password === password;
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
