import { describe, expect, it } from 'vitest';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { App } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import { GatewayStack } from '../../lib/gateway-stack.js';
import { readSettings } from '../../lib/settings.js';

/** The web UI's event timeline: a subscriber of every gateway event that may only put EVENTS items. */
describe('the event recorder', () => {
  const a = new App({ outdir: mkdtempSync(path.join(tmpdir(), 'cdk-')), context: { 'aws:cdk:bundling-stacks': [] } });
  const template = Template.fromStack(new GatewayStack(a, 'TestGateway', { settings: readSettings((k) => a.node.tryGetContext(k)) }));

  it('receives every gateway event, with retries and a dead-letter queue', () => {
    template.hasResourceProperties('AWS::Events::Rule', { EventPattern: { source: ['failover-gateway'] }, Targets: [{ RetryPolicy: { MaximumRetryAttempts: 8 }, DeadLetterConfig: {} }] });
  });

  it('may only put items in the EVENTS partition of the table', () => {
    const policies = Object.entries(template.findResources('AWS::IAM::Policy')).filter(([id]) => /EventRecorder/.test(id));
    expect(policies).toHaveLength(1);
    const statements = (policies[0]![1] as { Properties: { PolicyDocument: { Statement: { Action: unknown; Condition?: unknown }[] } } }).Properties.PolicyDocument.Statement;
    const table = statements.filter((s) => JSON.stringify(s.Action).includes('dynamodb'));
    expect(table).toEqual([expect.objectContaining({ Action: 'dynamodb:PutItem', Condition: { 'ForAllValues:StringEquals': { 'dynamodb:LeadingKeys': ['EVENTS'] } } })]);
  });
});
