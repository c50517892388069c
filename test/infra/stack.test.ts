import { describe, expect, it } from 'vitest';
import { App } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import { GatewayStack } from '../../lib/gateway-stack.js';
import { readSettings } from '../../lib/settings.js';
import { routes } from '../../functions/routes.js';
import { patterns } from '../../functions/domain/event-patterns.js';

function synth(context: Record<string, unknown> = {}) {
  // Skip esbuild bundling here: these tests check the template, not the bundles.
  const app = new App({ context: { 'aws:cdk:bundling-stacks': [], ...context } });
  const stack = new GatewayStack(app, 'TestGateway', { settings: readSettings((k) => app.node.tryGetContext(k)) });
  return Template.fromStack(stack);
}

describe('GatewayStack', () => {
  const template = synth({ bamServers: 'bam1=https://10.0.0.1,bam2=https://10.0.0.2', bamApiVersion: '1' });

  it('integrates each route with the Lambda of its concern', () => {
    const integrations = template.findResources('AWS::ApiGatewayV2::Integration');
    expect(Object.keys(integrations)).toHaveLength(3);
  });

  it('has one API Gateway route per entry of the shared route table, and no /_local route', () => {
    const keys = Object.values(template.findResources('AWS::ApiGatewayV2::Route')).map((r) => (r as { Properties: { RouteKey: string } }).Properties.RouteKey);
    expect(keys.sort()).toEqual(routes.map((r) => r.routeKey).sort());
    expect(keys.some((k) => k.includes('_local'))).toBe(false);
  });

  it('has the single table: pk/sk strings, on demand, TTL on ttl, point-in-time recovery, encrypted', () => {
    template.hasResourceProperties('AWS::DynamoDB::Table', {
      KeySchema: [
        { AttributeName: 'pk', KeyType: 'HASH' },
        { AttributeName: 'sk', KeyType: 'RANGE' },
      ],
      AttributeDefinitions: Match.arrayWith([{ AttributeName: 'pk', AttributeType: 'S' }]),
      BillingMode: 'PAY_PER_REQUEST',
      TimeToLiveSpecification: { AttributeName: 'ttl', Enabled: true },
      PointInTimeRecoverySpecification: { PointInTimeRecoveryEnabled: true },
      SSESpecification: { SSEEnabled: true },
    });
  });

  it('runs every function on nodejs22.x, arm64, with the configured BAM servers and no password in the environment', () => {
    const fns = Object.values(template.findResources('AWS::Lambda::Function', { Properties: { Runtime: 'nodejs22.x' } })) as { Properties: { Architectures: string[]; Environment: { Variables: Record<string, unknown> } } }[];
    expect(fns.length).toBe(5); // sessions, workflows, operations, the monitor, the sample subscriber
    for (const f of fns) {
      expect(f.Properties.Architectures).toEqual(['arm64']);
      expect(f.Properties.Environment.Variables).toMatchObject({ BAM_SERVERS: 'bam1=https://10.0.0.1,bam2=https://10.0.0.2', BAM_API_VERSION: '1' });
      expect(f.Properties.Environment.Variables).not.toHaveProperty('GATEWAY_SERVICE_PASSWORD');
      expect(f.Properties.Environment.Variables).not.toHaveProperty('CREDENTIAL_KEY');
    }
  });

  it('subscribes the sample subscriber with the very pattern object the local bus uses, retries and a dead-letter queue', () => {
    template.hasResourceProperties('AWS::Events::Rule', {
      EventPattern: patterns.nodeRoleChanged,
      Targets: [Match.objectLike({ RetryPolicy: { MaximumRetryAttempts: 8, MaximumEventAgeInSeconds: 7200 }, DeadLetterConfig: { Arn: Match.anyValue() } })],
    });
    template.hasResourceProperties('AWS::SQS::Queue', { MessageRetentionPeriod: 1209600, SqsManagedSseEnabled: true });
  });

  it('runs a group agent on a schedule only when the deployment is a node of a group', () => {
    const agents = (t: Template) => Object.values(t.findResources('AWS::Lambda::Function')).filter((f) => (f as { Properties: { Environment?: { Variables?: Record<string, string> } } }).Properties.Environment?.Variables?.NODE_ID);
    expect(agents(template)).toHaveLength(0);
    const node = synth({ nodeId: 'a' });
    expect(agents(node).length).toBeGreaterThan(0);
    expect(Object.keys(node.findResources('AWS::Events::Rule', { Properties: { ScheduleExpression: 'rate(1 minute)' } }))).toHaveLength(2);
  });

  it('starts the monitor every minute', () => {
    template.hasResourceProperties('AWS::Events::Rule', { ScheduleExpression: 'rate(1 minute)' });
  });

  it.each([
    [{ bamServers: 'bam1' }, /bamServers/],
    [{ bamApiVersion: '3' }, /bamApiVersion/],
    [{ probeIntervalMs: 'fast' }, /probeIntervalMs/],
    [{ nodeId: 'node a' }, /nodeId/],
    [{ allowedAbsenceIntervalMs: '1000', healthReportIntervalMs: '2000' }, /allowedAbsenceIntervalMs/],
  ])('refuses bad context at synth time with the key named: %o', (context, message) => {
    expect(() => synth(context)).toThrow(message);
  });
});
