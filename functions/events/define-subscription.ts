import type { EventPattern } from './domain/event-patterns.js';

/**
 * A subscriber module's own declaration of what it receives: `export const subscription =
 * defineSubscription({...})` next to its `handler`. bin/gen-subscribers.ts finds every module of
 * this folder that declares one and lists it in index.ts; the CDK stack (one rule with retries
 * and a dead-letter queue, one Lambda each) and the local bus both build from that list.
 */
export interface SubscriptionDef {
  /** PascalCase; names the rule, the Lambda and the dead-letter queue. */
  id: string;
  pattern: EventPattern;
  /** The subscriber writes the gateway table (TABLE_NAME and a write grant on its own items); absent: no table access. */
  table?: 'write';
}

/** A discovered subscription: its declaration and its module's name in functions/subscribers/. */
export interface Subscription extends SubscriptionDef {
  handler: string;
}

const ID = /^[A-Z][A-Za-z0-9]{0,63}$/;

export function defineSubscription(def: SubscriptionDef): SubscriptionDef {
  if (!ID.test(def.id)) throw new Error(`subscription id "${def.id}" must be PascalCase letters and digits (it names AWS resources)`);
  return def;
}

/** The discovered list, refusing two subscribers with one id (their AWS resources would collide). */
export function checkSubscriptions(list: Subscription[]): Subscription[] {
  const seen = new Map<string, string>();
  for (const s of list) {
    const other = seen.get(s.id);
    if (other) throw new Error(`subscribers ${other} and ${s.handler} both declare id "${s.id}"`);
    seen.set(s.id, s.handler);
  }
  return list;
}
