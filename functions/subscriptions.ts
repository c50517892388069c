import { patterns, type EventPattern } from './domain/event-patterns.js';

/**
 * Who receives which events. The CDK stack makes one rule (with retries and a dead-letter queue)
 * and one Lambda per entry; the local bus delivers to the same handlers with the same patterns.
 */
export interface SubscriptionDef {
  id: string;
  pattern: EventPattern;
  /** Module in functions/subscribers/ exporting `handler`. */
  handler: 'role-change-logger' | 'event-recorder';
  /** The subscriber writes the gateway table (TABLE_NAME and a write grant); absent: no table access. */
  table?: 'write';
}

export const subscriptions: SubscriptionDef[] = [
  { id: 'RoleChangeLogger', pattern: patterns.nodeRoleChanged, handler: 'role-change-logger' },
  // The web UI's event timeline (GET /ui/api/events) reads what this one keeps.
  { id: 'EventRecorder', pattern: patterns.allGatewayEvents, handler: 'event-recorder', table: 'write' },
];
