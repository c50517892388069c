import { describe, expect, it } from 'vitest';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { App } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import { GatewayNodeStack, GatewaySharedStack, GatewayStack } from '../../lib/gateway-stack.js';
import { readSettings } from '../../lib/settings.js';
import { synthForm } from './deployment-forms.js';

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

describe('least privilege', () => {
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
      expect(actionsOf(admin)).toEqual(expect.arrayContaining(['kms:ScheduleKeyDeletion', 'kms:EnableKeyRotation', 'kms:DescribeKey']));
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
    expect(roleNames).toEqual(expect.arrayContaining(['Solo-ApiSessions', 'Solo-ApiWorkflows', 'Solo-ApiOperations', 'Solo-ApiUi', 'Solo-Monitor']));
  });

  it('retains every log group and protects the table from deletion', () => {
    const t = Template.fromStack(new GatewayStack(app(), 'Solo', { settings: readSettings(() => undefined) }));
    const logGroups = Object.values(t.findResources('AWS::Logs::LogGroup')) as { DeletionPolicy: string; UpdateReplacePolicy: string }[];
    expect(logGroups.length).toBeGreaterThan(0);
    for (const g of logGroups) expect([g.DeletionPolicy, g.UpdateReplacePolicy]).toEqual(['Retain', 'Retain']);
    t.hasResourceProperties('AWS::DynamoDB::Table', { DeletionProtectionEnabled: true });
  });
});

/** Whether an IAM action pattern (with * wildcards) covers an action. */
const covers = (pattern: string, action: string) => new RegExp(`^${pattern.replace(/[.+?^${}()|[\]\\]/g, '\\$&').replace(/\*/g, '.*')}$`, 'i').test(action);
const USE = ['kms:Decrypt', 'kms:Encrypt', 'kms:GenerateDataKey', 'kms:GenerateDataKeyWithoutPlaintext', 'kms:ReEncryptFrom', 'kms:ReEncryptTo'];

describe('the credential key: administered, not used or re-policied, by the account', () => {
  const twoRegions = synthForm('a two-region group, an existing VPC per region');
  const keyPolicies: [string, Statement[]][] = [
    ['single', keyStatements(Template.fromStack(new GatewayStack(app(), 'Solo', { settings: readSettings(() => undefined) })))],
    ['group', keyStatements(groupStacks().shared)],
    ['two-region primary', keyStatements(twoRegions.templates.get('GW-shared')!)],
    [
      'two-region replica',
      (Object.values(twoRegions.templates.get('GW-node-b')!.findResources('AWS::KMS::ReplicaKey'))[0] as { Properties: { KeyPolicy: { Statement: Statement[] } } }).Properties.KeyPolicy.Statement,
    ],
  ];

  it.each(keyPolicies)('%s: no statement grants kms:CreateGrant; the admin statement grants no Put*, no use, no wildcard', (_, statements) => {
    for (const st of statements) expect(actionsOf(st).filter((a) => covers(a, 'kms:CreateGrant'))).toEqual([]);
    const admin = statements.find((st) => st.Sid === 'AccountAdministersTheKey')!;
    for (const a of actionsOf(admin)) {
      expect(a).not.toContain('*');
      for (const forbidden of ['kms:PutKeyPolicy', 'kms:CreateGrant', 'kms:ReplicateKey', ...USE]) expect(covers(a, forbidden), `${a} covers ${forbidden}`).toBe(false);
    }
  });

  it.each(keyPolicies)("%s: only CDK's CloudFormation execution role may put the key policy (so deployments can still name new roles)", (_, statements) => {
    const putting = statements.filter((st) => actionsOf(st).some((a) => covers(a, 'kms:PutKeyPolicy')));
    expect(putting).toHaveLength(1);
    expect(actionsOf(putting[0]!)).toEqual(['kms:PutKeyPolicy']);
    expect(JSON.stringify(putting[0]!.Condition!.ArnEquals!['aws:PrincipalArn'])).toMatch(/:role\/cdk-hnb659fds-cfn-exec-role-/);
  });

  it("lets only the replica region's deployment replicate the two-region key, into that region only", () => {
    const [, primary] = keyPolicies[2]!;
    const replicating = primary.filter((st) => actionsOf(st).some((a) => covers(a, 'kms:ReplicateKey')));
    expect(replicating).toHaveLength(1);
    expect(replicating[0]!.Condition).toMatchObject({ StringEquals: { 'kms:ReplicaRegion': 'eu-west-2' } });
    expect(JSON.stringify(replicating[0]!.Condition!.ArnEquals)).toMatch(/cfn-exec-role-\$\{AWS::AccountId\}-eu-west-2/);
    for (const [name, statements] of keyPolicies.filter(([n]) => n !== 'two-region primary')) {
      expect(
        statements.some((st) => actionsOf(st).some((a) => covers(a, 'kms:ReplicateKey'))),
        name,
      ).toBe(false);
    }
  });
});

describe('table reads by partition key (dynamodb:LeadingKeys), per function', () => {
  type PolicyStatement = Statement & { Resource: unknown };
  const solo = Template.fromStack(new GatewayStack(app(), 'Solo', { settings: readSettings(() => undefined) }));
  const statementsOf = (t: Template, fn: string) =>
    Object.entries(t.findResources('AWS::IAM::Policy'))
      .filter(([id]) => id.startsWith(`Node${fn}Role`))
      .flatMap(([, p]) => (p as { Properties: { PolicyDocument: { Statement: PolicyStatement[] } } }).Properties.PolicyDocument.Statement);
  const readKeys = (t: Template, fn: string) => {
    const reads = statementsOf(t, fn).filter((st) => actionsOf(st).includes('dynamodb:GetItem'));
    expect(reads, fn).toHaveLength(1);
    expect(actionsOf(reads[0]!).sort()).toEqual(['dynamodb:BatchGetItem', 'dynamodb:GetItem', 'dynamodb:Query']);
    return (reads[0]!.Condition!['ForAllValues:StringLike']!['dynamodb:LeadingKeys'] as string[]).slice().sort();
  };

  it.each([
    ['ApiSessions', ['AIRLOCK#CONFIG', 'CONFIG', 'MONITOR', 'PERMISSION#SETTINGS', 'SESSION#*', 'THROTTLE#*']],
    ['ApiWorkflows', ['AIRLOCK#CONFIG', 'CONFIG', 'GROUP', 'MEMBER#*', 'MONITOR', 'PERMISSION#*', 'SESSION#*']],
    ['ApiOperations', ['AIRLOCK#CONFIG', 'CONFIG', 'GROUP', 'MEMBER#*', 'MONITOR', 'PERMISSION#*', 'SESSION#*']],
    ['ApiUi', ['AIRLOCK#CONFIG', 'CONFIG', 'EVENTS', 'GROUP', 'MEMBER#*', 'MONITOR', 'PERMISSION#*', 'SESSION#*']],
    ['ApiMaintenance', ['AIRLOCK#CONFIG', 'AIRLOCK#SESSION#*', 'GROUP', 'MEMBER#*', 'MONITOR', 'PERMISSION#*', 'SESSION#*', 'TENANT_TOKENS']],
    ['Monitor', ['AIRLOCK#CONFIG', 'CONFIG', 'GROUP', 'MONITOR']],
  ])('%s reads only the items it uses', (fn, keys) => {
    expect(readKeys(solo, fn)).toEqual(keys);
  });

  it('the group agent reads its group state only', () => {
    expect(readKeys(groupStacks().nodes[0]!, 'GroupAgent')).toEqual(['GROUP']);
  });

  it('no function reads the table itself without a key condition (only the session indexes are read by Query alone)', () => {
    const all = Object.values(solo.findResources('AWS::IAM::Policy')).flatMap((p) => (p as { Properties: { PolicyDocument: { Statement: PolicyStatement[] } } }).Properties.PolicyDocument.Statement);
    const reads = all.filter((st) => actionsOf(st).some((a) => /^dynamodb:(GetItem|Query|BatchGetItem|Scan)$/.test(a)));
    expect(reads.length).toBeGreaterThan(5);
    for (const st of reads) {
      if (st.Condition) continue;
      expect(JSON.stringify(st.Resource), JSON.stringify(st)).toMatch(/\/index\/sessionsBy(User|Server)/);
      expect(actionsOf(st)).toEqual(['dynamodb:Query']);
    }
  });
});
