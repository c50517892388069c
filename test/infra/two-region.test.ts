import { describe, expect, it } from 'vitest';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { App, Validations, type Stack } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import { AwsSolutionsChecks } from 'cdk-nag';
import { GatewayEdgeStack } from '../../lib/edge.js';
import { readSettings, TWO_REGION_TIMING } from '../../lib/settings.js';
import { twoRegionGroup } from '../../lib/two-region.js';
import { patterns } from '../../functions/events/domain/event-patterns.js';

/** The app as bin/app.ts builds it for `-c nodes=a,b -c regions=eu-west-1,eu-west-2 -c witnessRegion=eu-west-3`. */
function deployment(extra: Record<string, unknown> = {}) {
  const app = new App({
    outdir: mkdtempSync(path.join(tmpdir(), 'cdk-')),
    context: { 'aws:cdk:bundling-stacks': [], nodes: 'a,b', regions: 'eu-west-1,eu-west-2', witnessRegion: 'eu-west-3', ...extra },
  });
  const settings = readSettings((k) => app.node.tryGetContext(k));
  const edge = new GatewayEdgeStack(app, 'G-edge', { env: { region: 'us-east-1' }, settings, crossRegionReferences: true });
  const { shared, nodes } = twoRegionGroup(app, 'G', settings, { webAclArn: edge.webAclArn });
  return { app, edge, shared, nodes };
}

type Fn = { Properties: { Environment?: { Variables: Record<string, unknown> }; Role: unknown } };
const envs = (t: Template) => Object.values(t.findResources('AWS::Lambda::Function') as Record<string, Fn>).map((f) => f.Properties.Environment?.Variables ?? {});
const json = (v: unknown) => JSON.stringify(v);

describe('the two-region group (-c regions=... -c witnessRegion=...)', () => {
  const d = deployment();
  const shared = Template.fromStack(d.shared);
  const [nodeA, nodeB] = d.nodes.map((n) => Template.fromStack(n));

  it('puts the shared stack and node a in the first region, node b in the second', () => {
    expect([d.shared.region, d.nodes[0]!.region, d.nodes[1]!.region]).toEqual(['eu-west-1', 'eu-west-1', 'eu-west-2']);
  });

  it('the table is an MRSC global table: replicas in both node regions, a witness in the third, strong consistency', () => {
    shared.resourceCountIs('AWS::DynamoDB::Table', 0);
    const tables = Object.values(shared.findResources('AWS::DynamoDB::GlobalTable')) as { Properties: Record<string, any> }[];
    expect(tables).toHaveLength(1);
    const p = tables[0]!.Properties;
    expect(p.MultiRegionConsistency).toBe('STRONG');
    expect(p.GlobalTableWitnesses).toEqual([{ Region: 'eu-west-3' }]);
    expect(p.Replicas.map((r: { Region: string }) => r.Region).sort()).toEqual(['eu-west-1', 'eu-west-2']);
    expect(p.BillingMode).toBe('PAY_PER_REQUEST');
    expect(p.KeySchema).toEqual([
      { AttributeName: 'pk', KeyType: 'HASH' },
      { AttributeName: 'sk', KeyType: 'RANGE' },
    ]);
    for (const r of p.Replicas) {
      expect(r.PointInTimeRecoverySpecification).toEqual({ PointInTimeRecoveryEnabled: true });
      expect(r.DeletionProtectionEnabled).toBe(true);
    }
  });

  it('uses nothing MRSC lacks: no TTL, no local secondary index; the global indexes the gateway queries are there', () => {
    const p = (Object.values(shared.findResources('AWS::DynamoDB::GlobalTable'))[0] as { Properties: Record<string, any> }).Properties;
    expect(p.TimeToLiveSpecification).toBeUndefined();
    expect(p.LocalSecondaryIndexes).toBeUndefined();
    expect(p.GlobalSecondaryIndexes.map((g: { IndexName: string }) => g.IndexName).sort()).toEqual(['sessionsByServer', 'sessionsByUser']);
  });

  it('replaces TTL with an hourly sweeper that may scan and delete only expiring kinds of items', () => {
    const env = envs(shared).find((e) => e.TABLE_NAME && !e.NODE_ID && !e.EVENT_BUS_NAME);
    expect(env).toBeDefined();
    shared.hasResourceProperties('AWS::Events::Rule', { ScheduleExpression: 'rate(1 hour)' });
    const statements = Object.values(shared.findResources('AWS::IAM::Policy')).flatMap(
      (p) => (p as { Properties: { PolicyDocument: { Statement: { Action: string | string[]; Condition?: any }[] } } }).Properties.PolicyDocument.Statement,
    );
    const del = statements.find((s) => [s.Action].flat().includes('dynamodb:DeleteItem'))!;
    expect(del.Condition['ForAllValues:StringLike']['dynamodb:LeadingKeys']).not.toContain('GROUP');
    expect(del.Condition['ForAllValues:StringLike']['dynamodb:LeadingKeys']).toContain('SESSION#*');
  });

  it('replicates what the second region needs to run alone: the secrets, and the credential key (multi-Region)', () => {
    const secrets = Object.values(shared.findResources('AWS::SecretsManager::Secret')) as { Properties: { ReplicaRegions?: unknown } }[];
    expect(secrets).toHaveLength(3); // service credentials, tenant-token key, origin verify
    for (const s of secrets) expect(s.Properties.ReplicaRegions).toEqual([{ Region: 'eu-west-2' }]);
    shared.hasResourceProperties('AWS::KMS::Key', { MultiRegion: true, EnableKeyRotation: true });
    nodeB!.resourceCountIs('AWS::KMS::ReplicaKey', 1);
    const replica = Object.values(nodeB!.findResources('AWS::KMS::ReplicaKey'))[0] as { Properties: { KeyPolicy: unknown; PrimaryKeyArn: unknown } };
    expect(json(replica.Properties.KeyPolicy)).toMatch(/role\/G-node-b-ApiSessions/);
    expect(json(replica.Properties.KeyPolicy)).not.toContain('kms:*');
  });

  it("passes the first region's names and ARNs to the second through SSM (cross-region references), none typed in", () => {
    nodeB!.resourceCountIs('Custom::CrossRegionExportReader', 1);
    const env = envs(nodeB!).find((e) => e.NODE_ID === 'b' && e.GATEWAY_SECRET_ARN)!;
    for (const key of ['TABLE_NAME', 'GATEWAY_SECRET_ARN']) expect(json(env[key]), key).toContain('/cdk/exports/G-node-b/');
    expect(json(env.GATEWAY_SECRET_ARN)).toContain(':eu-west-2:'); // the replica in node b's region
    expect(json(env.CREDENTIAL_KMS_KEY_ID)).toContain('CredentialKeyReplica');
    for (const t of [nodeA!, nodeB!]) expect(json(t.toJSON())).not.toMatch(/arn:aws:(dynamodb|secretsmanager|kms):eu-west-1:\d{12}/);
  });

  it("node b reads and writes the table's replica in its own region", () => {
    const statements = Object.values(nodeB!.findResources('AWS::IAM::Policy')).flatMap(
      (p) => (p as { Properties: { PolicyDocument: { Statement: { Action: string | string[]; Resource: unknown }[] } } }).Properties.PolicyDocument.Statement,
    );
    const table = statements.filter((s) => [s.Action].flat().includes('dynamodb:GetItem'));
    expect(table.length).toBeGreaterThan(3);
    for (const s of table) expect(json(s.Resource)).toContain(':dynamodb:eu-west-2:');
  });

  it('each node has its own API, functions, bus and schedules, with the two-region timing, and tells the group its API URL', () => {
    for (const [i, t] of [nodeA!, nodeB!].entries()) {
      t.resourceCountIs('AWS::ApiGatewayV2::Api', 1);
      expect(Object.keys(t.findResources('AWS::Events::Rule', { Properties: { ScheduleExpression: 'rate(1 minute)' } }))).toHaveLength(2);
      const nodeEnvs = envs(t).filter((e) => e.TABLE_NAME && e.EVENT_BUS_NAME); // the node's functions, not a recording subscriber
      expect(nodeEnvs.every((e) => e.NODE_ID === ['a', 'b'][i])).toBe(true);
      expect(nodeEnvs.every((e) => e.HEALTH_REPORT_INTERVAL_MS === String(TWO_REGION_TIMING.report) && e.ALLOWED_ABSENCE_INTERVAL_MS === String(TWO_REGION_TIMING.absence))).toBe(true);
      expect(nodeEnvs.filter((e) => e.NODE_URL)).toHaveLength(1); // the group agent
    }
    shared.resourceCountIs('AWS::Events::EventBus', 1); // node a's region
    nodeB!.resourceCountIs('AWS::Events::EventBus', 1); // node b's own
    const busOf = (t: Template) => envs(t).find((e) => e.NODE_ID)!.EVENT_BUS_NAME;
    expect(json(busOf(nodeB!))).toContain('DataBus'); // its own bus, not a cross-region one
    nodeB!.hasResourceProperties('AWS::Events::Rule', { EventPattern: patterns.nodeRoleChanged }); // and the sample subscriber on it
  });

  it('cdk-nag finds nothing unacknowledged in any of the stacks', () => {
    const { app, shared: s, nodes } = deployment();
    Validations.of(app).addPlugins(new AwsSolutionsChecks(app));
    expect(() => app.synth()).not.toThrow();
    for (const stack of [s, ...nodes] as Stack[]) {
      const acks = JSON.stringify(stack.node.findAll().flatMap((c) => c.node.metadata.filter((m) => /acknowledg/i.test(m.type))));
      for (const reason of acks.match(/"reason":"[^"]*"/g) ?? []) expect(reason.length).toBeGreaterThan(40);
    }
  });

  it.each([
    [{ witnessRegion: undefined }, 'witnessRegion'],
    [{ regions: 'eu-west-1,eu-west-1' }, 'two different regions'],
    [{ witnessRegion: 'eu-west-2' }, 'differ from both'],
    [{ regions: 'eu-west-1' }, 'two different regions'],
    [{ regions: 'eu-west-1,not a region' }, '"regions" must list AWS regions'],
    [{ nodes: 'a,b,c' }, 'one region per node'],
  ])('refuses a bad two-region context at synth time, naming the key: %o', (ctx, message) => {
    expect(() => deployment(ctx)).toThrow(message);
  });
});

describe('the DNS subscriber (-c dnsHostedZoneId=... -c dnsRecordName=...)', () => {
  const d = deployment({ dnsHostedZoneId: 'Z0123456789ABC', dnsRecordName: 'Gateway.Example.com.' });

  it('runs in each region, on its bus, for gateway nodes becoming PRIMARY, and may change only its two records', () => {
    for (const stack of [d.shared, d.nodes[1]!]) {
      const t = Template.fromStack(stack);
      const fn = envs(t).find((e) => e.DNS_HOSTED_ZONE_ID);
      // It follows only the group's nodes, at the URLs their agents record in the group item it may read.
      expect(fn).toMatchObject({ DNS_HOSTED_ZONE_ID: 'Z0123456789ABC', DNS_RECORD_NAME: 'gateway.example.com', DNS_NODE_IDS: 'a,b' });
      t.hasResourceProperties('AWS::Events::Rule', { EventPattern: patterns.gatewayNodePromoted });
      const statements = Object.values(t.findResources('AWS::IAM::Policy')).flatMap(
        (p) => (p as { Properties: { PolicyDocument: { Statement: { Action: string | string[]; Condition?: unknown; Resource: unknown }[] } } }).Properties.PolicyDocument.Statement,
      );
      const change = statements.find((s) => [s.Action].flat().includes('route53:ChangeResourceRecordSets'))!;
      expect(json(change.Resource)).toContain(':route53:::hostedzone/Z0123456789ABC');
      expect(change.Condition).toEqual({
        'ForAllValues:StringEquals': {
          'route53:ChangeResourceRecordSetsNormalizedRecordNames': ['gateway.example.com', '_gateway-primary.gateway.example.com'],
          'route53:ChangeResourceRecordSetsRecordTypes': ['CNAME', 'TXT'],
        },
      });
      const read = statements.find((s) => [s.Action].flat().includes('dynamodb:GetItem') && JSON.stringify(s.Condition ?? {}).includes('"GROUP"'));
      expect(read?.Condition).toEqual({ 'ForAllValues:StringEquals': { 'dynamodb:LeadingKeys': ['GROUP'] } });
    }
  });

  it('is absent without that context', () => {
    const plain = deployment();
    for (const stack of [plain.shared, ...plain.nodes]) expect(envs(Template.fromStack(stack)).some((e) => e.DNS_HOSTED_ZONE_ID)).toBe(false);
  });

  it('needs both keys', () => {
    expect(() => deployment({ dnsHostedZoneId: 'Z0123456789ABC' })).toThrow('dnsRecordName');
  });
});
