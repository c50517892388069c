/** The login alias: a session through it follows the Primary across failovers. */
export const PRIMARY_ALIAS = 'primary-address-manager';

/** A gateway session as stored. Holds no token and no password; `credential` is ciphertext. */
export interface SessionRecord {
  tokenHash: string;
  /** Opaque id naming the session to admins (list, revoke): reveals neither the token nor its hash. */
  sessionId: string;
  username: string;
  /** PRIMARY_ALIAS or the name of a specific server. */
  target: string;
  boundServer: string;
  /** Encrypted BamCredential for boundServer. */
  credential: string;
  /** True when this credential is the service user's shared one (never logged out per session). */
  sharedCredential: boolean;
  /** The login used the failover-monitoring service credentials: restorable after a failover. */
  restorable: boolean;
  /** Cluster epoch the binding was made in (alias sessions). */
  epoch: number;
  /** Incarnation of boundServer when bound (specific-server sessions end when it goes DOWN). */
  serverIncarnation: number;
  createdAt: number;
  lastSeenAt: number;
  expiresAt: number;
  /** The user's own absolute lifetime when they logged in (seconds; null: none); absent: the configured default. */
  maxLifetimeSeconds?: number | null;
}

/** What a rebind changes: the server, credential and epoch a session is bound to. */
export type SessionBinding = Pick<SessionRecord, 'boundServer' | 'credential' | 'sharedCredential' | 'epoch' | 'serverIncarnation'>;

/** What the admin listing shows of a session; `tokenHash` stays inside the gateway (it addresses the item). */
export type SessionSummary = Pick<SessionRecord, 'tokenHash' | 'sessionId' | 'username' | 'target' | 'boundServer' | 'restorable' | 'createdAt' | 'lastSeenAt' | 'expiresAt'>;

/** The encryption context of an epoch's shared service credential (a session's own credential is bound to its token hash). */
export const sharedContext = (epoch: number) => `service#${epoch}`;
