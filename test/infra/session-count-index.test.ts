import { describe, expect, it } from 'vitest';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { App } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import { GatewayStack } from '../../lib/gateway-stack.js';
import { readSettings } from '../../lib/settings.js';

/** Issue 10 item 4: the index session counts query, and only the maintenance function may query it. */
describe('the sessions-by-server index', () => {
  const a = new App({ outdir: mkdtempSync(path.join(tmpdir(), 'cdk-')), context: { 'aws:cdk:bundling-stacks': [] } });
  const template = Template.fromStack(new GatewayStack(a, 'TestGateway', { settings: readSettings((k) => a.node.tryGetContext(k)) }));

  it('keys sessions by bound server and expiry, projecting no credential', () => {
    const table = Object.values(template.findResources('AWS::DynamoDB::Table'))[0] as { Properties: { GlobalSecondaryIndexes: { IndexName: string; Projection: { NonKeyAttributes: string[] } }[] } };
    const index = table.Properties.GlobalSecondaryIndexes.find((i) => i.IndexName === 'sessionsByServer');
    expect(index).toMatchObject({
      KeySchema: [
        { AttributeName: 'boundServer', KeyType: 'HASH' },
        { AttributeName: 'expiresAt', KeyType: 'RANGE' },
      ],
      Projection: { ProjectionType: 'INCLUDE' },
    });
    expect(index!.Projection.NonKeyAttributes).not.toContain('credential');
  });

  it("is queried by the maintenance function and the ui function (the web UI's session counts) alone", () => {
    const policies = Object.entries(template.findResources('AWS::IAM::Policy')).filter(([, p]) => JSON.stringify(p).includes('/index/sessionsByServer'));
    expect(policies.length).toBeGreaterThan(1);
    for (const [id] of policies) expect(id).toMatch(/Maintenance|ApiUi/);
  });
});
