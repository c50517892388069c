import { Aws, DefaultStackSynthesizer, Fn, Stack } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import type { Construct } from 'constructs';

/**
 * Administering the key, not using it, and not re-writing its policy (docs/deploying.md): no kms:CreateGrant
 * (a grant hands out use of the key), no kms:Put* (whoever may put the policy may write themselves
 * in as a user), no Encrypt/Decrypt/GenerateDataKey. Listed one by one: a wildcard such as
 * kms:Create* would bring CreateGrant back.
 */
export const KEY_ADMIN_ACTIONS = [
  'kms:DescribeKey',
  'kms:GetKeyPolicy',
  'kms:GetKeyRotationStatus',
  'kms:ListKeyPolicies',
  'kms:ListKeyRotations',
  'kms:ListGrants',
  'kms:ListResourceTags',
  'kms:EnableKey',
  'kms:DisableKey',
  'kms:EnableKeyRotation',
  'kms:DisableKeyRotation',
  'kms:RotateKeyOnDemand',
  'kms:UpdateKeyDescription',
  'kms:UpdatePrimaryRegion',
  'kms:CreateAlias',
  'kms:UpdateAlias',
  'kms:DeleteAlias',
  'kms:TagResource',
  'kms:UntagResource',
  'kms:RevokeGrant',
  'kms:ScheduleKeyDeletion',
  'kms:CancelKeyDeletion',
];

/**
 * The credential key's policy. No account-wide kms:* : the account administers the key; only the
 * named function roles use it (by ARN pattern in a condition: the roles may live in node stacks
 * deployed after this one). Only the deployment (CDK's CloudFormation execution role of the stack
 * that owns the key) may change the policy: KMS refuses a policy that its creator could not change
 * again, and the stack must be able to name new nodes' roles later. With `replicaRegion` (the
 * primary of a multi-Region key) that region's deployment may also create the one replica there.
 * A two-region group gives its replica key the same policy, built in the replica's stack.
 */
export function credentialKeyPolicy(scope: Construct, keyUserRoleNames: string[], replicaRegion?: string): iam.PolicyDocument {
  const stack = Stack.of(scope);
  const synthesizer = stack.synthesizer;
  if (!(synthesizer instanceof DefaultStackSynthesizer)) {
    throw new Error('The credential key policy names the CDK deployment role (DefaultStackSynthesizer): deploy with a bootstrapped environment and the default synthesizer.');
  }
  const account = new iam.AccountRootPrincipal();
  const statements = [
    new iam.PolicyStatement({ sid: 'AccountAdministersTheKey', principals: [account], actions: KEY_ADMIN_ACTIONS, resources: ['*'] }),
    new iam.PolicyStatement({
      sid: 'DeploymentUpdatesThePolicy',
      principals: [account],
      actions: ['kms:PutKeyPolicy'],
      resources: ['*'],
      conditions: { ArnEquals: { 'aws:PrincipalArn': withPlaceholders(synthesizer.cloudFormationExecutionRoleArn) } },
    }),
    new iam.PolicyStatement({
      sid: 'GatewayFunctionsUseTheKey',
      principals: [account],
      actions: ['kms:Decrypt', 'kms:GenerateDataKey'],
      resources: ['*'],
      conditions: { ArnEquals: { 'aws:PrincipalArn': keyUserRoleNames.map((n) => `arn:${Aws.PARTITION}:iam::${Aws.ACCOUNT_ID}:role/${n}`) } },
    }),
  ];
  if (replicaRegion) {
    // The replica's stack deploys in the other region, with that region's execution role.
    const qualifier = synthesizer.bootstrapQualifier ?? DefaultStackSynthesizer.DEFAULT_QUALIFIER;
    const replicaDeployer = withPlaceholders(`arn:\${AWS::Partition}:iam::\${AWS::AccountId}:role/cdk-${qualifier}-cfn-exec-role-\${AWS::AccountId}-${replicaRegion}`);
    statements.push(
      new iam.PolicyStatement({
        sid: 'ReplicaDeploymentReplicatesTheKey',
        principals: [account],
        actions: ['kms:ReplicateKey'],
        resources: ['*'],
        conditions: { ArnEquals: { 'aws:PrincipalArn': replicaDeployer }, StringEquals: { 'kms:ReplicaRegion': replicaRegion } },
      }),
    );
  }
  return new iam.PolicyDocument({ statements });
}

/** CDK's role ARNs keep `${AWS::AccountId}`-style placeholders in an environment-agnostic stack: CloudFormation fills them. */
const withPlaceholders = (arn: string) => (arn.includes('${') ? Fn.sub(arn) : arn);
