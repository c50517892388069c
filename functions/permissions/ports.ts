import type { Principal } from './admin-deps.js';

/** Who a permission is granted to: a user, or a group whose members all hold it. */
export type { Principal };

/**
 * Workflow and feature permissions, granted to users or to groups, and group membership. Reads
 * are strongly consistent: a grant or revoke counts on the very next request.
 */
export interface PermissionStore {
  /** Whether the user holds the permission, directly or through one of their groups. */
  has(username: string, permission: string): Promise<boolean>;
  grant(p: Principal, permission: string): Promise<void>;
  revoke(p: Principal, permission: string): Promise<void>;
  permissionsOf(p: Principal): Promise<string[]>;
  addMember(group: string, username: string): Promise<void>;
  removeMember(group: string, username: string): Promise<void>;
  groupsOf(username: string): Promise<string[]>;
}
