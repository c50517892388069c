import { describe, expect, it } from 'vitest';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { App } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import { GatewayNodeStack, GatewaySharedStack, GatewayStack } from '../../lib/gateway-stack.js';
import { readSettings } from '../../lib/settings.js';

const app = (context: Record<string, unknown> = {}) => new App({ outdir: mkdtempSync(path.join(tmpdir(), 'cdk-')), context: { 'aws:cdk:bundling-stacks': [], ...context } });

type Statement = { Sid?: string; Action: string | string[]; Principal?: unknown; Condition?: Record<string, Record<string, unknown>> };
type Fn = { Properties: { Role: { 'Fn::GetAtt': [string, string] }; Environment: { Variables: Record<string, unknown> } } };

function groupStacks() {
  const a = app({ nodes: 'a,b' });
  const settings = readSettings((k) => a.node.tryGetContext(k));
  const shared = new GatewaySharedStack(a, 'G-shared', { settings });
  const nodes = ['a', 'b'].map((nodeId) => new GatewayNodeStack(a, `G-node-${nodeId}`, { settings: { ...settings, nodeId }, data: shared.data }));
  return { shared: Template.fromStack(shared), nodes: nodes.map((n) => Template.fromStack(n)) };
}

const keyStatements = (t: Template) => (Object.values(t.findResources('AWS::KMS::Key'))[0] as { Properties: { KeyPolicy: { Statement: Statement[] } } }).Properties.KeyPolicy.Statement;
const actionsOf = (st: Statement) => [st.Action].flat();

describe('least privilege (issue 9 item 14)', () => {
  it('the group agent has no secret, no key and no CONFIG write; the other node functions keep them', () => {
    const { nodes } = groupStacks();
    const t = nodes[0]!;
    const fns = t.findResources('AWS::Lambda::Function') as Record<string, Fn>;
    const policies = t.findResources('AWS::IAM::Policy') as Record<string, { Properties: { Roles: { Ref: string }[]; PolicyDocument: { Statement: Statement[] } } }>;
    const actionsOfFn = (id: string) =>
      Object.values(policies)
        .filter((p) => p.Properties.Roles.some((r) => r.Ref === fns[id]!.Properties.Role['Fn::GetAtt'][0]))
        .flatMap((p) => p.Properties.PolicyDocument.Statement.flatMap(actionsOf));
    const agent = Object.keys(fns).find((id) => id.includes('GroupAgent'))!;
    expect(fns[agent]!.Properties.Environment.Variables).not.toHaveProperty('GATEWAY_SECRET_ARN');
    expect(fns[agent]!.Properties.Environment.Variables).not.toHaveProperty('CREDENTIAL_KMS_KEY_ID');
    expect(actionsOfFn(agent).filter((a) => /^(kms|secretsmanager):/.test(a))).toEqual([]);
    const agentWrites = Object.values(policies)
      .flatMap((p) => p.Properties.PolicyDocument.Statement)
      .find((st) => actionsOf(st).includes('dynamodb:PutItem') && JSON.stringify(st.Condition).includes('"GROUP"') && !JSON.stringify(st.Condition).includes('SESSION'));
    expect(agentWrites!.Condition!['ForAllValues:StringLike']!['dynamodb:LeadingKeys']).toEqual(['GROUP']);
    const monitor = Object.keys(fns).find((id) => id.includes('Monitor'))!;
    expect(actionsOfFn(monitor)).toEqual(expect.arrayContaining(['kms:Decrypt', 'secretsmanager:GetSecretValue']));
  });

  it('the KMS key policy names the function roles that use the key; the account only administers it', () => {
    for (const t of [groupStacks().shared, Template.fromStack(new GatewayStack(app(), 'Solo', { settings: readSettings(() => undefined) }))]) {
      const statements = keyStatements(t);
      for (const st of statements) expect(actionsOf(st)).not.toContain('kms:*');
      const admin = statements.find((st) => st.Sid === 'AccountAdministersTheKey')!;
      expect(actionsOf(admin)).toEqual(expect.arrayContaining(['kms:ScheduleKeyDeletion', 'kms:Put*']));
      expect(actionsOf(admin).some((a) => /Decrypt|Encrypt|GenerateDataKey/.test(a))).toBe(false);
      const use = statements.find((st) => actionsOf(st).includes('kms:Decrypt'))!;
      const named = JSON.stringify(use.Condition!.ArnEquals!['aws:PrincipalArn']);
      expect(named).toMatch(/role\/(G-node-a|Solo)-ApiSessions/);
      expect(named).toMatch(/role\/(G-node-a|Solo)-Monitor/);
      expect(named).not.toMatch(/GroupAgent|Subscriber/);
    }
  });

  it('roles named in the key policy are the roles the functions run with', () => {
    const t = Template.fromStack(new GatewayStack(app(), 'Solo', { settings: readSettings(() => undefined) }));
    const roleNames = Object.values(t.findResources('AWS::IAM::Role')).map((r) => (r as { Properties: { RoleName: string } }).Properties.RoleName);
    expect(roleNames).toEqual(expect.arrayContaining(['Solo-ApiSessions', 'Solo-ApiWorkflows', 'Solo-ApiOperations', 'Solo-Monitor']));
  });

  it('retains every log group and protects the table from deletion', () => {
    const t = Template.fromStack(new GatewayStack(app(), 'Solo', { settings: readSettings(() => undefined) }));
    const logGroups = Object.values(t.findResources('AWS::Logs::LogGroup')) as { DeletionPolicy: string; UpdateReplacePolicy: string }[];
    expect(logGroups.length).toBeGreaterThan(0);
    for (const g of logGroups) expect([g.DeletionPolicy, g.UpdateReplacePolicy]).toEqual(['Retain', 'Retain']);
    t.hasResourceProperties('AWS::DynamoDB::Table', { DeletionProtectionEnabled: true });
  });
});
