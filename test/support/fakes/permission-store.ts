import type { PermissionStore, Principal } from '../../../functions/permissions/ports.js';

const grantKey = (p: Principal, permission: string) => `${p.kind}\u0000${p.name}\u0000${permission}`;

/** Permissions and group membership in memory: a user holds a permission granted to them or to one of their groups. */
export class InMemoryPermissionStore implements PermissionStore {
  private readonly grants = new Set<string>();
  private readonly members = new Map<string, Set<string>>();

  async has(username: string, permission: string): Promise<boolean> {
    if (this.grants.has(grantKey({ kind: 'user', name: username }, permission))) return true;
    return [...(this.members.get(username) ?? [])].some((g) => this.grants.has(grantKey({ kind: 'group', name: g }, permission)));
  }

  async grant(p: Principal, permission: string): Promise<void> {
    this.grants.add(grantKey(p, permission));
  }

  async revoke(p: Principal, permission: string): Promise<void> {
    this.grants.delete(grantKey(p, permission));
  }

  async permissionsOf(p: Principal): Promise<string[]> {
    const prefix = grantKey(p, '');
    return [...this.grants]
      .filter((k) => k.startsWith(prefix))
      .map((k) => k.slice(prefix.length))
      .sort();
  }

  async addMember(group: string, username: string): Promise<void> {
    this.members.set(username, new Set([...(this.members.get(username) ?? []), group]));
  }

  async removeMember(group: string, username: string): Promise<void> {
    this.members.get(username)?.delete(group);
  }

  async groupsOf(username: string): Promise<string[]> {
    return [...(this.members.get(username) ?? [])].sort();
  }
}
