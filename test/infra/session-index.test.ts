import { describe, expect, it } from 'vitest';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { App } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import { GatewayStack } from '../../lib/gateway-stack.js';
import { readSettings } from '../../lib/settings.js';

/** Issue 9 item 9: the sessions-by-user index the admin API lists from, and the lifetime setting. */
function synth(context: Record<string, unknown> = {}) {
  const a = new App({ outdir: mkdtempSync(path.join(tmpdir(), 'cdk-')), context: { 'aws:cdk:bundling-stacks': [], ...context } });
  return Template.fromStack(new GatewayStack(a, 'TestGateway', { settings: readSettings((k) => a.node.tryGetContext(k)) }));
}

describe('the session index and lifetime', () => {
  const template = synth({ sessionMaxLifetimeSeconds: 7200 });

  it('indexes sessions by user, projecting what the listing needs and never the credential', () => {
    const table = Object.values(template.findResources('AWS::DynamoDB::Table'))[0] as {
      Properties: { GlobalSecondaryIndexes: { IndexName: string; KeySchema: unknown; Projection: { ProjectionType: string; NonKeyAttributes: string[] } }[] };
    };
    const [index] = table.Properties.GlobalSecondaryIndexes;
    expect(index).toMatchObject({ IndexName: 'sessionsByUser', KeySchema: [{ AttributeName: 'sessionUser', KeyType: 'HASH' }], Projection: { ProjectionType: 'INCLUDE' } });
    expect(index!.Projection.NonKeyAttributes).not.toContain('credential');
  });

  it('lets the operations function query it, and passes the lifetime to the functions', () => {
    const policies = JSON.stringify(template.findResources('AWS::IAM::Policy'));
    expect(policies).toContain('/index/sessionsByUser');
    const envs = Object.values(template.findResources('AWS::Lambda::Function')).map(
      (f) => (f as { Properties: { Environment?: { Variables?: Record<string, string> } } }).Properties.Environment?.Variables ?? {},
    );
    expect(envs.filter((v) => v.TABLE_NAME && v.EVENT_BUS_NAME).every((v) => v.SESSION_MAX_LIFETIME_SECONDS === '7200')).toBe(true);
  });

  it('refuses a lifetime out of range at synth time', () => {
    expect(() => synth({ sessionMaxLifetimeSeconds: 5 })).toThrow(/sessionMaxLifetimeSeconds/);
  });
});
