import { describe, expect, it } from 'vitest';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { App } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import { GatewayNodeStack, GatewaySharedStack } from '../../lib/gateway-stack.js';
import { readSettings } from '../../lib/settings.js';

/**
 * Only the component that owns an event may publish it: IAM conditions on events:source and
 * events:detail-type, per function. The API functions that only run request-triggered probes
 * (sessions, workflows) may put nothing on the bus, nor may the workflow runners or subscribers.
 */
const app = new App({ outdir: mkdtempSync(path.join(tmpdir(), 'cdk-')), context: { 'aws:cdk:bundling-stacks': [], nodes: 'a,b', bamServers: 'bam1=https://10.0.0.1,bam2=https://10.0.0.2' } });
const settings = readSettings((k) => app.node.tryGetContext(k));
const shared = new GatewaySharedStack(app, 'Pub-shared', { settings });
const node = new GatewayNodeStack(app, 'Pub-node-a', { settings: { ...settings, nodeId: 'a' }, data: shared.data });

type Statement = { Action: string | string[]; Condition?: Record<string, Record<string, unknown>> };
function putEventsBy(t: Template): Record<string, Statement[]> {
  const out: Record<string, Statement[]> = {};
  for (const [id, p] of Object.entries(t.findResources('AWS::IAM::Policy'))) {
    const statements = (p as { Properties: { PolicyDocument: { Statement: Statement[] } } }).Properties.PolicyDocument.Statement;
    out[id] = statements.filter((s) => [s.Action].flat().includes('events:PutEvents'));
  }
  return out;
}
const detailTypes = (statements: Statement[]) => statements.map((s) => s.Condition?.StringEquals?.['events:detail-type']);

describe('who may publish which event', () => {
  const byPolicy = { ...putEventsBy(Template.fromStack(node)), ...putEventsBy(Template.fromStack(shared)) };
  const of = (part: string) =>
    Object.entries(byPolicy)
      .filter(([id]) => id.includes(part))
      .flatMap(([, s]) => s);

  it('the monitor: BAM role changes, monitoring state and split brain, source failover-gateway only', () => {
    expect(detailTypes(of('Monitor'))).toEqual([['NODE_ROLE_CHANGED', 'MONITORING_STATE_CHANGED', 'SPLIT_BRAIN_DETECTED']]);
    expect(of('Monitor')[0]!.Condition!.StringEquals!['events:source']).toBe('failover-gateway');
  });

  it('the group agent and the manual-failover path: role changes only; the maintenance API: its two events', () => {
    expect(detailTypes(of('GroupAgent'))).toEqual([['NODE_ROLE_CHANGED']]);
    expect(detailTypes(of('ApiOperations'))).toEqual([['NODE_ROLE_CHANGED']]);
    expect(detailTypes(of('ApiMaintenance'))).toEqual([['BACKEND_HOST_MODE_CHANGED', 'CONFIGURATION_ACTIVATED']]);
  });

  it('sessions, workflows, the runners and the subscribers publish nothing', () => {
    for (const part of ['ApiSessions', 'ApiWorkflows', 'WorkflowRunner', 'Subscriber']) expect(of(part), part).toEqual([]);
    const unconditioned = Object.values(byPolicy)
      .flat()
      .filter((s) => !s.Condition?.StringEquals?.['events:detail-type']);
    expect(unconditioned).toEqual([]);
  });
});
