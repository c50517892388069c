import { Stack, type StackProps } from 'aws-cdk-lib';
import * as events from 'aws-cdk-lib/aws-events';
import * as targets from 'aws-cdk-lib/aws-events-targets';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import type { Construct } from 'constructs';
import { subscribe } from '../lib/subscribe.js';
import { patterns } from '../functions/events/domain/event-patterns.js';

/** Another team's stack: it reacts to the gateway's events on the gateway's bus (output EventBusName). */
export class RoleWatcherStack extends Stack {
  constructor(scope: Construct, id: string, props: StackProps & { gatewayBusName: string }) {
    super(scope, id, props);
    const bus = events.EventBus.fromEventBusName(this, 'GatewayBus', props.gatewayBusName);
    const watcher = new lambda.Function(this, 'Watcher', {
      runtime: lambda.Runtime.NODEJS_22_X,
      handler: 'index.handler',
      code: lambda.Code.fromInline('exports.handler = async (event) => console.log(JSON.stringify(event.detail));'),
    });
    subscribe(this, 'RoleWatcher', {
      bus,
      pattern: patterns.gatewayNodeRoleChanged, // or nodeRoleChanged, addressManagerPromoted, needsAttention
      target: (delivery) => new targets.LambdaFunction(watcher, delivery),
      retryAttempts: 8, // defaults: 8 attempts within 2 hours
    });
  }
}
