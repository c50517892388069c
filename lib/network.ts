import { Aws, type CfnResource, RemovalPolicy, Stack, Validations } from 'aws-cdk-lib';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as iam from 'aws-cdk-lib/aws-iam';
import type * as lambda from 'aws-cdk-lib/aws-lambda';
import * as logs from 'aws-cdk-lib/aws-logs';
import * as cr from 'aws-cdk-lib/custom-resources';
import { Construct } from 'constructs';
import type { VpcSettings } from './network-settings.js';
import { dropRedundantDependencies } from './gateway-function.js';

/** The stack's resources the functions in the VPC use: the endpoint policies name exactly these. */
export interface NetworkResources {
  table: { readonly tableArn: string };
  secretArns: string[];
  credentialKeyArn: string;
  busArn: string;
}

/**
 * How a function reaches the network: `network.bam` (BAM and the AWS services through the VPC
 * endpoints) or `network.bamOnly` (BAM alone: a workflow runner calls no AWS service). Pass it as
 * GatewayFunction's `network` prop.
 */
export interface FunctionNetwork {
  readonly network: GatewayNetwork;
  readonly awsServices: boolean;
}

/** What the functions in the VPC call DynamoDB for (lib/gateway-node.ts grants the same, per function). */
const DYNAMODB_ACTIONS = ['dynamodb:GetItem', 'dynamodb:Query', 'dynamodb:BatchGetItem', 'dynamodb:PutItem', 'dynamodb:UpdateItem', 'dynamodb:DeleteItem'];

/**
 * The private network path to BAM in one region (docs/deploying.md): the VPC (imported as named, or an
 * isolated one created here), the endpoints through which the functions reach AWS (DynamoDB as a
 * gateway endpoint; Secrets Manager, KMS, EventBridge and Lambda as interface endpoints with private
 * DNS, so the SDK's default addresses resolve to them), each with a policy naming only this
 * gateway's resources, and no NAT or internet gateway. CloudWatch Logs needs no endpoint: Lambda
 * ships the functions' logs itself, and metrics travel inside them (embedded metric format).
 */
export class GatewayNetwork extends Construct {
  readonly vpc: ec2.IVpc;
  /** Where the functions run: every named (or created) private subnet. */
  readonly subnets: ec2.ISubnet[];
  readonly endpointSecurityGroup: ec2.SecurityGroup;
  readonly endpoints: { dynamoDb: ec2.GatewayVpcEndpoint } & Record<'secretsManager' | 'kms' | 'eventBridge' | 'lambda', ec2.InterfaceVpcEndpoint>;
  /** The region's DynamoDB prefix list (the gateway endpoint's addresses), read at deploy time. */
  readonly dynamoDbPrefixListId: string;
  readonly bamCidrs: string[];
  readonly bamPorts: number[];
  readonly bam: FunctionNetwork = { network: this, awsServices: true };
  readonly bamOnly: FunctionNetwork = { network: this, awsServices: false };

  constructor(scope: Construct, id: string, props: { settings: VpcSettings; resources: NetworkResources }) {
    super(scope, id);
    const s = props.settings;
    this.bamCidrs = s.bamCidrs;
    this.bamPorts = s.bamPorts;
    if (s.existing) {
      const e = s.existing;
      this.vpc = ec2.Vpc.fromVpcAttributes(this, 'Vpc', { vpcId: e.vpcId, availabilityZones: [...new Set(e.availabilityZones)] });
      this.subnets = e.subnetIds.map((subnetId, i) =>
        ec2.Subnet.fromSubnetAttributes(this, `Subnet${i}`, { subnetId, availabilityZone: e.availabilityZones[i]!, routeTableId: e.routeTableIds[e.routeTableIds.length === 1 ? 0 : i]! }),
      );
    } else {
      const vpc = new ec2.Vpc(this, 'Vpc', {
        ipAddresses: ec2.IpAddresses.cidr(s.create!.cidr),
        maxAzs: 2,
        natGateways: 0,
        subnetConfiguration: [{ name: 'Private', subnetType: ec2.SubnetType.PRIVATE_ISOLATED, cidrMask: 24 }],
        restrictDefaultSecurityGroup: false,
      });
      // What the security groups refuse (a workflow trying to reach anything but BAM) is worth seeing.
      const flowLogs = new logs.LogGroup(this, 'RejectedTrafficLogs', { retention: logs.RetentionDays.ONE_MONTH, removalPolicy: RemovalPolicy.RETAIN });
      vpc.addFlowLog('RejectedTraffic', { trafficType: ec2.FlowLogTrafficType.REJECT, destination: ec2.FlowLogDestination.toCloudWatchLogs(flowLogs) });
      this.vpc = vpc;
      this.subnets = vpc.isolatedSubnets;
    }
    this.endpointSecurityGroup = new ec2.SecurityGroup(this, 'EndpointSecurityGroup', {
      vpc: this.vpc,
      description: 'Failover Gateway VPC endpoints: HTTPS from the gateway functions only',
      allowAllOutbound: false,
    });
    // Interface endpoints take one subnet per zone.
    const onePerZone = [...new Map(this.subnets.map((sn) => [sn.availabilityZone, sn])).values()];
    const iface = (eid: string, service: ec2.InterfaceVpcEndpointAwsService) =>
      new ec2.InterfaceVpcEndpoint(this, eid, { vpc: this.vpc, service, subnets: { subnets: onePerZone }, securityGroups: [this.endpointSecurityGroup], open: false, privateDnsEnabled: true });
    this.endpoints = {
      dynamoDb: new ec2.GatewayVpcEndpoint(this, 'DynamoDb', { vpc: this.vpc, service: ec2.GatewayVpcEndpointAwsService.DYNAMODB, subnets: [{ subnets: this.subnets }] }),
      secretsManager: iface('SecretsManager', ec2.InterfaceVpcEndpointAwsService.SECRETS_MANAGER),
      kms: iface('Kms', ec2.InterfaceVpcEndpointAwsService.KMS),
      eventBridge: iface('EventBridge', ec2.InterfaceVpcEndpointAwsService.EVENTBRIDGE),
      lambda: iface('Lambda', ec2.InterfaceVpcEndpointAwsService.LAMBDA),
    };
    this.scopeEndpointPolicies(props.resources);
    this.dynamoDbPrefixListId = this.lookUpDynamoDbPrefixList();
  }

  /**
   * Each endpoint lets this account's principals reach this gateway's resources, nothing else: code
   * in the VPC cannot carry data to another account's table, secret, key, bus or function through
   * them. (Lambda: this account's functions in this region; the runners may live in other stacks.)
   */
  private scopeEndpointPolicies(r: NetworkResources): void {
    const thisAccount = { StringEquals: { 'aws:PrincipalAccount': Aws.ACCOUNT_ID } };
    const allow = (endpoint: ec2.VpcEndpoint, actions: string[], resources: string[]) =>
      endpoint.addToPolicy(new iam.PolicyStatement({ principals: [new iam.AnyPrincipal()], actions, resources, conditions: thisAccount }));
    const e = this.endpoints;
    allow(e.dynamoDb, DYNAMODB_ACTIONS, [r.table.tableArn, `${r.table.tableArn}/index/*`]);
    allow(e.secretsManager, ['secretsmanager:GetSecretValue'], r.secretArns);
    allow(e.kms, ['kms:Decrypt', 'kms:GenerateDataKey'], [r.credentialKeyArn]);
    allow(e.eventBridge, ['events:PutEvents'], [r.busArn]);
    allow(e.lambda, ['lambda:InvokeFunction'], [`arn:${Aws.PARTITION}:lambda:${Aws.REGION}:${Aws.ACCOUNT_ID}:function:*`]);
  }

  /**
   * A security group may reach the DynamoDB gateway endpoint only through the region's managed
   * prefix list, whose id CloudFormation cannot name: a deploy-time DescribeManagedPrefixLists
   * (read-only) keeps `cdk synth` offline and the template free of a per-region constant.
   */
  private lookUpDynamoDbPrefixList(): string {
    const logGroup = new logs.LogGroup(this, 'PrefixListLookupLogs', { retention: logs.RetentionDays.ONE_MONTH, removalPolicy: RemovalPolicy.DESTROY });
    const role = new iam.Role(this, 'PrefixListLookupRole', { assumedBy: new iam.ServicePrincipal('lambda.amazonaws.com'), description: 'Failover Gateway: reads the DynamoDB prefix list id' });
    role.addToPolicy(new iam.PolicyStatement({ actions: ['logs:CreateLogStream', 'logs:PutLogEvents'], resources: [logGroup.logGroupArn] }));
    const lookup = new cr.AwsCustomResource(this, 'DynamoDbPrefixList', {
      onUpdate: {
        service: 'EC2',
        action: 'describeManagedPrefixLists',
        parameters: { Filters: [{ Name: 'prefix-list-name', Values: [`com.amazonaws.${Aws.REGION}.dynamodb`] }] },
        physicalResourceId: cr.PhysicalResourceId.of('dynamodb-prefix-list'),
        outputPaths: ['PrefixLists.0.PrefixListId'],
      },
      policy: cr.AwsCustomResourcePolicy.fromSdkCalls({ resources: cr.AwsCustomResourcePolicy.ANY_RESOURCE }),
      installLatestAwsSdk: false,
      role,
      logGroup,
    });
    Validations.of(lookup).acknowledge({
      id: 'AwsSolutions-IAM5[Resource::*]',
      reason: 'ec2:DescribeManagedPrefixLists takes no resource ARN (read-only, at deploy time): AWS allows it only on "*".',
    });
    const provider = Stack.of(this).node.tryFindChild(PROVIDER_ID);
    if (provider) {
      Validations.of(provider).acknowledge({ id: 'AwsSolutions-L1', reason: "CDK's AwsCustomResource provider runtime is chosen by CDK and upgraded with aws-cdk-lib." });
      dropRedundantDependencies(provider.node.defaultChild as CfnResource, [role.node.defaultChild as CfnResource]);
    }
    return lookup.getResponseField('PrefixLists.0.PrefixListId');
  }

  /**
   * The Lambda VPC settings of one function (GatewayFunction calls this): a security group of its
   * own, with egress to the BAM networks on the BAM ports and, with `awsServices`, to the
   * endpoints; no rule to 0.0.0.0/0 or ::/0. The role gets what Lambda needs to attach the function.
   */
  place(scope: Construct, role: iam.Role, awsServices: boolean): Pick<lambda.FunctionProps, 'vpc' | 'vpcSubnets' | 'securityGroups'> {
    const fid = scope.node.id;
    const sg = new ec2.SecurityGroup(scope, 'SecurityGroup', {
      vpc: this.vpc,
      description: `Failover Gateway ${fid}: HTTPS to BAM${awsServices ? ' and the VPC endpoints' : ''} only`,
      allowAllOutbound: false,
      allowAllIpv6Outbound: false,
    });
    for (const cidr of this.bamCidrs) {
      const peer = cidr.includes(':') ? ec2.Peer.ipv6(cidr) : ec2.Peer.ipv4(cidr);
      for (const port of this.bamPorts) sg.addEgressRule(peer, ec2.Port.tcp(port), `BAM ${cidr} port ${port}`);
    }
    if (awsServices) {
      sg.connections.allowTo(this.endpointSecurityGroup, ec2.Port.tcp(443), `${fid} to the AWS service endpoints`);
      sg.addEgressRule(ec2.Peer.prefixList(this.dynamoDbPrefixListId), ec2.Port.tcp(443), 'DynamoDB through the gateway endpoint');
    }
    // Lambda creates and removes the function's network interfaces with its role (AWS's documented
    // minimum: the two Describe calls work only on "*"; the others are kept to this account and region).
    const attach = ['ec2:CreateNetworkInterface', 'ec2:DeleteNetworkInterface', 'ec2:AssignPrivateIpAddresses', 'ec2:UnassignPrivateIpAddresses'];
    role.addToPolicy(new iam.PolicyStatement({ actions: ENI_DESCRIBE, resources: ['*'] }));
    role.addToPolicy(new iam.PolicyStatement({ actions: attach, resources: [`arn:${Aws.PARTITION}:ec2:${Aws.REGION}:${Aws.ACCOUNT_ID}:*/*`] }));
    // Lambda makes those calls outside the function's execution environment; the same calls from the
    // function's own code (workflow code included) carry lambda:SourceFunctionArn: refused.
    role.addToPolicy(new iam.PolicyStatement({ effect: iam.Effect.DENY, actions: [...ENI_DESCRIBE, ...attach], resources: ['*'], conditions: { Null: { 'lambda:SourceFunctionArn': 'false' } } }));
    const policy = role.node.tryFindChild('DefaultPolicy');
    if (policy) {
      Validations.of(policy).acknowledge(
        { id: 'AwsSolutions-IAM5[Resource::*]', reason: 'Lambda attaches a VPC function with ec2:DescribeNetworkInterfaces and ec2:DescribeSubnets, which AWS allows only on "*".' },
        {
          id: 'AwsSolutions-IAM5[Resource::arn:<AWS::Partition>:ec2:<AWS::Region>:<AWS::AccountId>:*/*]',
          reason: "Lambda creates and deletes the function's network interfaces (ids unknown before) in this account and region, as AWS documents for VPC functions.",
        },
      );
    }
    return { vpc: this.vpc, vpcSubnets: { subnets: this.subnets }, securityGroups: [sg] };
  }
}

const ENI_DESCRIBE = ['ec2:DescribeNetworkInterfaces', 'ec2:DescribeSubnets'];

/** CDK's singleton id for the AwsCustomResource provider function (one per stack). */
const PROVIDER_ID = 'AWS679f53fac002430cb0da5b7982bd2287';
