import { logger } from './logger.js';

/**
 * The audit log (docs/security.md): one structured line per security-relevant act, with who, from where,
 * what and the outcome. Never put a token, password or BAM credential in an entry: name the user
 * and the target instead. In AWS these lines go to the function's log group, filterable with
 * `{ $.audit = true }`.
 */
export type AuditAction =
  | 'login'
  | 'logout'
  | 'login-throttled'
  | 'unauthenticated'
  | 'forbidden'
  | 'permission-granted'
  | 'permission-revoked'
  | 'member-added'
  | 'member-removed'
  | 'session-revoked'
  | 'session-lifetime-changed'
  | 'session-ended'
  | 'maintenance'
  | 'group-failover';

export interface AuditEntry {
  action: AuditAction;
  outcome: 'success' | 'failure' | 'denied';
  /** The user who acted (or tried to): a username, never a token. */
  actor?: string;
  sourceIp?: string;
  /** What was acted on: a user, a permission, a route, a node. */
  target?: string;
  /** Why it was denied or failed, in words safe to log. */
  reason?: string;
  correlationId?: string;
}

/** Where entries go; tests replace it to read them. */
export let auditSink: (entry: AuditEntry & { audit: true; at: string }) => void = (e) => logger.info(`audit ${e.action} ${e.outcome}`, { ...e });

export function setAuditSink(sink: typeof auditSink): void {
  auditSink = sink;
}

export function audit(entry: AuditEntry): void {
  auditSink({ ...entry, audit: true, at: new Date().toISOString() });
}

/** The longest an entry keeps of what a caller typed as a username (characters, the cut mark included). */
export const TYPED_NAME_MAX = 64;

/**
 * What an entry may keep of a username a caller typed (a failed or refused login): no control or
 * other invisible characters, at most TYPED_NAME_MAX characters, the last an ellipsis where it was cut. A
 * password typed into the username field is never kept beyond that.
 */
export function typedUsername(typed: string): string {
  const visible = [...typed.replace(/[\p{C}\p{Zl}\p{Zp}]/gu, '')];
  return visible.length > TYPED_NAME_MAX ? `${visible.slice(0, TYPED_NAME_MAX - 1).join('')}…` : visible.join('');
}
