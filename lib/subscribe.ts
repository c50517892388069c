import { Duration, Validations } from 'aws-cdk-lib';
import * as events from 'aws-cdk-lib/aws-events';
import * as sqs from 'aws-cdk-lib/aws-sqs';
import type { Construct } from 'constructs';
import type { EventPattern } from '../functions/events/domain/event-patterns.js';

/** What a rule target needs to retry and dead-letter; every target class in aws-events-targets takes these. */
export interface DeliveryOptions {
  deadLetterQueue: sqs.IQueue;
  retryAttempts: number;
  maxEventAge: Duration;
}

export interface SubscribeProps {
  bus: events.IEventBus;
  /** A pattern object from functions/events/domain/event-patterns.ts (the local bus matches the same object). */
  pattern: EventPattern;
  /** Builds the target with the delivery options, e.g. `(o) => new targets.LambdaFunction(fn, o)` or `(o) => new targets.SqsQueue(q, o)`. */
  target: (options: DeliveryOptions) => events.IRuleTarget;
  retryAttempts?: number;
  maxEventAge?: Duration;
  description?: string;
}

export interface Subscription {
  rule: events.Rule;
  deadLetterQueue: sqs.Queue;
}

/**
 * The serverless form of BlueCat's `subscribe(NODE_ROLE_CHANGED, callback)`: one call adds a rule
 * on the gateway's bus and a target with a retry policy and a dead-letter queue (encrypted, SSL
 * only, kept 14 days) where events land that the target could not take.
 */
export function subscribe(scope: Construct, id: string, props: SubscribeProps): Subscription {
  const deadLetterQueue = new sqs.Queue(scope, `${id}DeadLetters`, {
    retentionPeriod: Duration.days(14),
    encryption: sqs.QueueEncryption.SQS_MANAGED,
    enforceSSL: true,
  });
  Validations.of(deadLetterQueue).acknowledge({ id: 'AwsSolutions-SQS3', reason: 'This queue is itself the dead-letter queue of the subscription; its alarm fires on the first message.' });
  const rule = new events.Rule(scope, `${id}Rule`, {
    eventBus: props.bus,
    description: props.description ?? `Failover Gateway subscription ${id}`,
    // Placeholder: the raw pattern object replaces it below, so CDK and the local bus read the very same JSON.
    eventPattern: { source: ['failover-gateway'] },
  });
  (rule.node.defaultChild as events.CfnRule).eventPattern = props.pattern;
  rule.addTarget(props.target({ deadLetterQueue, retryAttempts: props.retryAttempts ?? 8, maxEventAge: props.maxEventAge ?? Duration.hours(2) }));
  return { rule, deadLetterQueue };
}
