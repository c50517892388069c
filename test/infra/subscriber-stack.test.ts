import { describe, expect, it } from 'vitest';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { App } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import { RoleWatcherStack } from '../../examples/subscriber-stack.js';
import { patterns } from '../../functions/events/domain/event-patterns.js';

/** docs/events.md's "From another stack": the example is the file, and the file synthesizes. */
describe('a separate subscriber stack (examples/subscriber-stack.ts)', () => {
  it('is the block docs/events.md shows, word for word', () => {
    const page = readFileSync(new URL('../../docs/events.md', import.meta.url), 'utf8');
    const file = readFileSync(new URL('../../examples/subscriber-stack.ts', import.meta.url), 'utf8');
    expect(page).toContain('```ts\n' + file + '```');
  });

  it('synthesizes a rule on the gateway bus with the shared pattern, a Lambda target with retries, and a dead-letter queue', () => {
    const app = new App({ outdir: mkdtempSync(path.join(tmpdir(), 'cdk-')) });
    const stack = new RoleWatcherStack(app, 'RoleWatcher', { gatewayBusName: 'failover-gateway-bus' });
    const t = Template.fromStack(stack);
    const rules = Object.values(t.findResources('AWS::Events::Rule')) as {
      Properties: { EventBusName: string; EventPattern: unknown; Targets: { RetryPolicy?: { MaximumRetryAttempts: number }; DeadLetterConfig?: unknown }[] };
    }[];
    expect(rules).toHaveLength(1);
    expect(rules[0]!.Properties.EventBusName).toBe('failover-gateway-bus');
    expect(rules[0]!.Properties.EventPattern).toEqual(patterns.gatewayNodeRoleChanged);
    expect(rules[0]!.Properties.Targets[0]).toMatchObject({ RetryPolicy: { MaximumRetryAttempts: 8 }, DeadLetterConfig: expect.anything() });
    t.resourceCountIs('AWS::SQS::Queue', 1);
    t.resourceCountIs('AWS::Lambda::Function', 1);
  });
});
