import { describe, expect, it } from 'vitest';
import { Validations } from 'aws-cdk-lib';
import { AwsSolutionsChecks } from 'cdk-nag';
import { buildForm, EXISTING_VPC, type FormName, SECOND_REGION_VPC, type Synthesized, synthForm } from './deployment-forms.js';

type Resource = { Type: string; Properties?: Record<string, any>; DependsOn?: string[] };
type Resources = Record<string, Resource>;
const json = (v: unknown) => JSON.stringify(v);
const ofType = (r: Resources, type: string) => Object.entries(r).filter(([, v]) => v.Type === type);
const resourcesOf = (s: Synthesized, stack: string): Resources => s.json.get(stack)!.Resources;
/** An endpoint's service: the last part of com.amazonaws.<region>.<service>. */
const serviceOf = (e: Record<string, unknown>) => /\.([a-z]+)"(\]\]\})?$/.exec(json(e.ServiceName))![1]!;

/** The gateway's own functions, by construct id (Node<Id>Function...), without CDK's providers. */
function functions(r: Resources): Map<string, Resource> {
  return new Map(ofType(r, 'AWS::Lambda::Function').flatMap(([id, f]) => (/^(Node|Data)/.test(id) ? [[id.replace(/Function[0-9A-F]{8}$/, ''), f] as const] : [])));
}

/** Every egress rule of a security group: inline, and the separate rules that name it. */
function egressOf(r: Resources, sgId: string): Record<string, unknown>[] {
  const inline = (r[sgId]!.Properties!.SecurityGroupEgress ?? []) as Record<string, unknown>[];
  const separate = ofType(r, 'AWS::EC2::SecurityGroupEgress')
    .filter(([, e]) => json(e.Properties!.GroupId) === json({ 'Fn::GetAtt': [sgId, 'GroupId'] }))
    .map(([, e]) => e.Properties!);
  return [...inline, ...separate].filter((e) => e.Description !== 'Disallow all traffic');
}

const sgOf = (f: Resource) => {
  const ids = f.Properties!.VpcConfig.SecurityGroupIds as { 'Fn::GetAtt': [string, string] }[];
  expect(ids).toHaveLength(1);
  return ids[0]!['Fn::GetAtt'][0];
};

const BAM_FACING = ['NodeApiSessions', 'NodeApiWorkflows', 'NodeApiOperations', 'NodeApiUi', 'NodeMonitor'];
/** The workflow runners (today one WorkflowRunner; one per workflow module later): every function whose id names a runner. */
const runners = (fns: Map<string, Resource>) => {
  const ids = [...fns.keys()].filter((id) => /^Node\w*Runner/.test(id));
  expect(ids.length).toBeGreaterThan(0);
  return ids;
};
const BAM_RULES = ['10.0.0.0/24', 'fd00:10::/64'].flatMap((cidr) => [443, 8444].map((port) => `${cidr}:${port}`));
const ruleKey = (e: Record<string, unknown>) =>
  e.CidrIp
    ? `${e.CidrIp}:${e.FromPort}`
    : e.CidrIpv6
      ? `${e.CidrIpv6}:${e.FromPort}`
      : e.DestinationPrefixListId
        ? `prefix-list:${e.FromPort}`
        : `sg:${json(e.DestinationSecurityGroupId)}:${e.FromPort}`;

describe('a single gateway in an existing VPC (-c vpcId=... -c bamCidrs=...)', () => {
  const s = synthForm('a single gateway in an existing VPC');
  const r = resourcesOf(s, 'GW');
  const fns = functions(r);
  const BAM_ONLY = runners(fns);
  const endpointSg = ofType(r, 'AWS::EC2::SecurityGroup').find(([id]) => id.startsWith('NetworkEndpointSecurityGroup'))![0];

  it('runs every function that talks to BAM in the named subnets, each with a security group of its own', () => {
    const groups = new Set<string>();
    for (const id of [...BAM_FACING, ...BAM_ONLY]) {
      const vpc = fns.get(id)!.Properties!.VpcConfig;
      expect(vpc, id).toBeDefined();
      expect(vpc.SubnetIds).toEqual(EXISTING_VPC.privateSubnetIds.split(','));
      groups.add(sgOf(fns.get(id)!));
      expect(json(r[sgOf(fns.get(id)!)]!.Properties!.VpcId)).toBe(json(EXISTING_VPC.vpcId));
    }
    expect(groups.size).toBe(BAM_FACING.length + BAM_ONLY.length);
  });

  it('keeps the functions that never call BAM out of the VPC: maintenance API, subscribers, and every CDK provider', () => {
    const inVpc = ofType(r, 'AWS::Lambda::Function')
      .filter(([, f]) => f.Properties!.VpcConfig)
      .map(([id]) => id.replace(/Function[0-9A-F]{8}$/, ''));
    expect(inVpc.sort()).toEqual([...BAM_FACING, ...BAM_ONLY].sort());
    expect(fns.has('NodeApiMaintenance')).toBe(true);
  });

  it('lets the API functions and the monitor reach BAM (its networks, on 443 and the Failover API port) and the endpoints, nothing else', () => {
    for (const id of BAM_FACING) {
      const rules = egressOf(r, sgOf(fns.get(id)!))
        .map(ruleKey)
        .sort();
      expect(rules, id).toEqual([...BAM_RULES, 'prefix-list:443', `sg:${json({ 'Fn::GetAtt': [endpointSg, 'GroupId'] })}:443`].sort());
      for (const e of egressOf(r, sgOf(fns.get(id)!))) expect([e.IpProtocol, e.FromPort === e.ToPort]).toEqual(['tcp', true]);
    }
    // The DynamoDB rule names the region's prefix list, read at deploy time (no per-region constant).
    const prefix = ofType(r, 'AWS::EC2::SecurityGroupEgress').find(([, e]) => e.Properties!.DestinationPrefixListId)![1];
    expect(json(prefix.Properties!.DestinationPrefixListId)).toMatch(/DynamoDbPrefixList.*PrefixLists\.0\.PrefixListId/);
  });

  it('lets each workflow runner reach BAM and nothing else: no endpoint, so no AWS service either', () => {
    for (const id of BAM_ONLY)
      expect(
        egressOf(r, sgOf(fns.get(id)!))
          .map(ruleKey)
          .sort(),
        id,
      ).toEqual([...BAM_RULES].sort());
  });

  it('has no rule to everywhere, no NAT gateway, no internet gateway and no route', () => {
    const text = json(r);
    expect(text).not.toContain('0.0.0.0/0');
    expect(text).not.toContain('::/0');
    for (const type of ['AWS::EC2::NatGateway', 'AWS::EC2::InternetGateway', 'AWS::EC2::Route', 'AWS::EC2::EgressOnlyInternetGateway']) expect(ofType(r, type), type).toEqual([]);
  });

  it('the endpoints admit HTTPS from the functions that use AWS services only', () => {
    const ingress = ofType(r, 'AWS::EC2::SecurityGroupIngress').filter(([, i]) => json(i.Properties!.GroupId).includes(endpointSg));
    const sources = ingress.map(([, i]) => i.Properties!.SourceSecurityGroupId['Fn::GetAtt'][0]).sort();
    expect(sources).toEqual(BAM_FACING.map((id) => sgOf(fns.get(id)!)).sort());
    for (const [, i] of ingress) expect([i.Properties!.FromPort, i.Properties!.ToPort]).toEqual([443, 443]);
    expect(r[endpointSg]!.Properties!.SecurityGroupIngress).toBeUndefined();
  });

  it('has the five endpoints: DynamoDB as a gateway on the named route tables, four interface endpoints with private DNS', () => {
    const endpoints = ofType(r, 'AWS::EC2::VPCEndpoint').map(([, e]) => e.Properties!);
    expect(endpoints.map(serviceOf).sort()).toEqual(['dynamodb', 'events', 'kms', 'lambda', 'secretsmanager']);
    const dynamo = endpoints.find((e) => serviceOf(e) === 'dynamodb')!;
    expect(dynamo).toMatchObject({ VpcEndpointType: 'Gateway', VpcId: EXISTING_VPC.vpcId, RouteTableIds: EXISTING_VPC.privateRouteTableIds.split(',') });
    for (const e of endpoints.filter((x) => x !== dynamo)) {
      expect(e).toMatchObject({ VpcEndpointType: 'Interface', PrivateDnsEnabled: true, SubnetIds: EXISTING_VPC.privateSubnetIds.split(',') });
      expect(e.SecurityGroupIds).toEqual([{ 'Fn::GetAtt': [endpointSg, 'GroupId'] }]);
    }
  });

  it("scopes each endpoint's policy to this gateway's resources and this account", () => {
    const endpoints = ofType(r, 'AWS::EC2::VPCEndpoint').map(([, e]) => e.Properties!);
    const logical = (prefix: string, type: string) => ofType(r, type).find(([id]) => id.startsWith(prefix))![0];
    const expected: Record<string, unknown[]> = {
      dynamodb: [{ 'Fn::GetAtt': [logical('DataTable', 'AWS::DynamoDB::Table'), 'Arn'] }],
      secretsmanager: [{ Ref: logical('DataServiceSecret', 'AWS::SecretsManager::Secret') }, { Ref: logical('DataOriginVerifySecret', 'AWS::SecretsManager::Secret') }],
      kms: [{ 'Fn::GetAtt': [logical('DataCredentialKey', 'AWS::KMS::Key'), 'Arn'] }],
      events: [{ 'Fn::GetAtt': [logical('DataBus', 'AWS::Events::EventBus'), 'Arn'] }],
    };
    for (const e of endpoints) {
      const name = serviceOf(e);
      const [st, ...more] = e.PolicyDocument.Statement;
      expect(more).toEqual([]);
      expect(st).toMatchObject({ Effect: 'Allow', Principal: { AWS: '*' }, Condition: { StringEquals: { 'aws:PrincipalAccount': { Ref: 'AWS::AccountId' } } } });
      expect(json(st.Action)).not.toMatch(/\*/);
      const resources = [st.Resource].flat();
      if (name === 'lambda') expect(json(resources)).toMatch(/:lambda:.*AWS::Region.*AWS::AccountId.*:function:\*/);
      else for (const want of expected[name]!) expect(resources, name).toContainEqual(want);
      expect(json(resources)).not.toBe('"*"');
    }
  });

  it('gives the roles of the functions in the VPC what Lambda needs to attach them, and no other role', () => {
    const policies = ofType(r, 'AWS::IAM::Policy');
    const withEni = policies.filter(([, p]) => json(p.Properties!.PolicyDocument).includes('ec2:CreateNetworkInterface')).map(([id]) => id.replace(/RoleDefaultPolicy[0-9A-F]{8}$/, ''));
    expect(withEni.sort()).toEqual([...BAM_FACING, ...BAM_ONLY].sort());
    // Only Lambda may use them (it calls from outside the function): the function's own code may not.
    for (const [id, p] of policies.filter(([, p]) => json(p.Properties!.PolicyDocument).includes('ec2:CreateNetworkInterface'))) {
      const statements = p.Properties!.PolicyDocument.Statement as { Effect: string; Action: string[]; Condition?: unknown }[];
      const allowed = statements.filter((st) => st.Effect === 'Allow' && [st.Action].flat().some((a) => a.startsWith('ec2:'))).flatMap((st) => [st.Action].flat());
      const denied = statements.find((st) => st.Effect === 'Deny');
      expect(denied, id).toMatchObject({ Condition: { Null: { 'lambda:SourceFunctionArn': 'false' } } });
      expect([denied!.Action].flat().sort(), id).toEqual(allowed.sort());
    }
  });

  it('creates the credential data key only after the endpoints exist (the trigger runs in the VPC)', () => {
    const trigger = ofType(r, 'Custom::Trigger')[0]![1];
    for (const [id] of ofType(r, 'AWS::EC2::VPCEndpoint')) expect(trigger.DependsOn).toContain(id);
  });
});

describe('a created VPC (-c createVpc=true)', () => {
  const r = resourcesOf(synthForm('a single gateway in a created VPC'), 'GW');

  it('is isolated: private subnets in two zones, no NAT, no internet gateway, no route out', () => {
    expect(ofType(r, 'AWS::EC2::VPC')[0]![1].Properties).toMatchObject({ CidrBlock: '10.213.0.0/16', EnableDnsHostnames: true, EnableDnsSupport: true });
    const subnets = ofType(r, 'AWS::EC2::Subnet').map(([, s]) => s.Properties!);
    expect(subnets).toHaveLength(2);
    expect(new Set(subnets.map((s) => json(s.AvailabilityZone))).size).toBe(2);
    for (const s of subnets) expect(s.MapPublicIpOnLaunch).toBe(false);
    for (const type of ['AWS::EC2::NatGateway', 'AWS::EC2::InternetGateway', 'AWS::EC2::Route', 'AWS::EC2::EIP']) expect(ofType(r, type), type).toEqual([]);
    expect(json(r)).not.toContain('0.0.0.0/0');
  });

  it("puts the functions in its subnets, the DynamoDB endpoint on its subnets' route tables, and logs rejected traffic", () => {
    const subnetIds = ofType(r, 'AWS::EC2::Subnet').map(([id]) => ({ Ref: id }));
    for (const id of BAM_FACING) expect(functions(r).get(id)!.Properties!.VpcConfig.SubnetIds).toEqual(subnetIds);
    const tables = ofType(r, 'AWS::EC2::RouteTable').map(([id]) => ({ Ref: id }));
    const dynamo = ofType(r, 'AWS::EC2::VPCEndpoint').find(([, e]) => e.Properties!.VpcEndpointType === 'Gateway')![1];
    expect(dynamo.Properties!.RouteTableIds).toEqual(tables);
    expect(ofType(r, 'AWS::EC2::FlowLog')[0]![1].Properties).toMatchObject({ TrafficType: 'REJECT', LogDestinationType: 'cloud-watch-logs' });
  });
});

describe('a one-region group in an existing VPC (-c nodes=a,b)', () => {
  const s = synthForm('a one-region group in an existing VPC');

  it('has one set of endpoints, in the shared stack; both nodes run their BAM-facing functions in the VPC through it', () => {
    expect(ofType(resourcesOf(s, 'GW-shared'), 'AWS::EC2::VPCEndpoint')).toHaveLength(5);
    for (const node of ['GW-node-a', 'GW-node-b']) {
      const r = resourcesOf(s, node);
      expect(ofType(r, 'AWS::EC2::VPCEndpoint'), node).toEqual([]);
      const fns = functions(r);
      for (const id of [...BAM_FACING, ...runners(fns)]) expect(fns.get(id)!.Properties!.VpcConfig.SubnetIds, `${node} ${id}`).toEqual(EXISTING_VPC.privateSubnetIds.split(','));
      expect(fns.get('NodeGroupAgent')!.Properties!.VpcConfig).toBeUndefined(); // no BAM: stays out
      // Each node admits its own functions to the shared endpoints' group.
      const ingress = ofType(r, 'AWS::EC2::SecurityGroupIngress');
      expect(ingress).toHaveLength(BAM_FACING.length);
      for (const [, i] of ingress) expect(json(i.Properties!.GroupId)).toMatch(/Fn::ImportValue.*NetworkEndpointSecurityGroup/);
    }
  });
});

describe('a two-region group (-c regions=... with the .<region> VPC keys)', () => {
  const s = synthForm('a two-region group, an existing VPC per region');

  it('has a VPC and endpoints per region: node a uses the first region’s (in the shared stack), node b its own', () => {
    expect(ofType(resourcesOf(s, 'GW-shared'), 'AWS::EC2::VPCEndpoint')).toHaveLength(5);
    expect(ofType(resourcesOf(s, 'GW-node-a'), 'AWS::EC2::VPCEndpoint')).toEqual([]);
    const b = resourcesOf(s, 'GW-node-b');
    const endpoints = ofType(b, 'AWS::EC2::VPCEndpoint').map(([, e]) => e.Properties!);
    expect(endpoints).toHaveLength(5);
    for (const e of endpoints) expect(e.VpcId).toBe(SECOND_REGION_VPC['vpcId.eu-west-2']);
    expect(endpoints.find((e) => e.VpcEndpointType === 'Gateway')!.RouteTableIds).toEqual([SECOND_REGION_VPC['privateRouteTableIds.eu-west-2']]);
    for (const id of BAM_FACING) expect(functions(b).get(id)!.Properties!.VpcConfig.SubnetIds).toEqual(SECOND_REGION_VPC['privateSubnetIds.eu-west-2'].split(','));
    for (const id of BAM_FACING) expect(functions(resourcesOf(s, 'GW-node-a')).get(id)!.Properties!.VpcConfig.SubnetIds).toEqual(EXISTING_VPC.privateSubnetIds.split(','));
  });

  it("node b's endpoint policies name its region's replicas (table, secrets, key), not the first region's", () => {
    const b = resourcesOf(s, 'GW-node-b');
    const policy = (svc: string) => json(ofType(b, 'AWS::EC2::VPCEndpoint').find(([, e]) => json(e.Properties!.ServiceName).includes(`.${svc}"`))![1].Properties!.PolicyDocument);
    expect(policy('dynamodb')).toContain(':dynamodb:eu-west-2:');
    expect(policy('secretsmanager')).toContain(':eu-west-2:');
    expect(policy('kms')).toContain('CredentialKeyReplica');
    expect(policy('events')).toContain('DataBus');
  });
});

describe('cdk-nag AwsSolutions with a VPC', () => {
  it.each(['a single gateway in an existing VPC', 'a two-region group, a created VPC per region'] as FormName[])(
    'finds nothing unacknowledged in %s, and every acknowledgement has a reason',
    (form) => {
      const { app, stacks } = buildForm(form);
      Validations.of(app).addPlugins(new AwsSolutionsChecks(app));
      expect(() => app.synth()).not.toThrow();
      const acks = JSON.stringify(stacks.flatMap((st) => st.node.findAll().flatMap((c) => c.node.metadata.filter((m) => /acknowledg/i.test(m.type)))));
      for (const reason of acks.match(/"reason":"[^"]*"/g) ?? []) expect(reason.length).toBeGreaterThan(40);
    },
    120_000,
  );
});
