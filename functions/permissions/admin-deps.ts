import type { SessionLifetime } from '../sessions/domain/session-lifetime.js';

/** A user or a group, as the admin API grants to them. */
export interface Principal {
  kind: 'user' | 'group';
  name: string;
}

/** A user's own settings, as an admin set them. */
export interface UserSettingsView {
  username: string;
  sessionLifetime: SessionLifetime;
  updatedBy: string;
  updatedAt: number;
}

/** What the admin API needs (the wiring gives it; ports the adapters implement). */
export interface AdminDeps {
  admins: string[];
  defaultLifetimeSeconds: number;
  permissions: {
    permissionsOf(p: Principal): Promise<string[]>;
    grant(p: Principal, permission: string): Promise<void>;
    revoke(p: Principal, permission: string): Promise<void>;
    groupsOf(username: string): Promise<string[]>;
    addMember(group: string, username: string): Promise<void>;
    removeMember(group: string, username: string): Promise<void>;
  };
  /** This process's cache of grants: cleared by a change made here. */
  grants: { clear(): void };
  sessions: {
    sessionsOf(username: string): Promise<{ sessionId: string; createdAt: number; lastSeenAt: number; expiresAt: number; target: string; boundServer: string; restorable: boolean }[]>;
    revoke(username: string, sessionId?: string): Promise<string[]>;
  };
  userSettings: {
    get(username: string): Promise<UserSettingsView | undefined>;
    setSessionLifetime(username: string, lifetime: SessionLifetime, updatedBy: string): Promise<UserSettingsView>;
    clear(username: string): Promise<void>;
    list(): Promise<UserSettingsView[]>;
  };
}
