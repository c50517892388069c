import { patterns, type EventPattern } from './domain/event-patterns.js';

/**
 * Who receives which events. The CDK stack makes one rule (with retries and a dead-letter queue)
 * and one Lambda per entry; the local bus delivers to the same handlers with the same patterns.
 */
export interface SubscriptionDef {
  id: string;
  pattern: EventPattern;
  /** Module in functions/subscribers/ exporting `handler`. */
  handler: 'role-change-logger';
}

export const subscriptions: SubscriptionDef[] = [{ id: 'RoleChangeLogger', pattern: patterns.nodeRoleChanged, handler: 'role-change-logger' }];
