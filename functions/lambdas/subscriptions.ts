/**
 * Who receives which events: every module of functions/lambdas/subscribers/ that declares
 * `export const subscription = defineSubscription(...)` (see functions/events/define-subscription.ts), listed by
 * bin/gen-subscribers.ts. The CDK stack makes one rule (with retries and a dead-letter queue) and
 * one Lambda per entry; the local bus delivers to the same handlers with the same patterns.
 */
export { subscriptions } from './subscribers/index.js';
export type { Subscription as SubscriptionDef } from '../events/define-subscription.js';
