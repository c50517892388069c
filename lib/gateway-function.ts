import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { subscriptions } from '../functions/lambdas/subscriptions.js';
import { workflowManifest } from '../functions/workflows/manifest.js';
import { createHash } from 'node:crypto';
import * as path from 'node:path';
import { fileURLToPath } from 'node:url';
import { CfnResource, type Duration, Lazy, RemovalPolicy, Stack, Validations } from 'aws-cdk-lib';
import type * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import * as logs from 'aws-cdk-lib/aws-logs';
import { NodejsFunction, OutputFormat } from 'aws-cdk-lib/aws-lambda-nodejs';
import { Construct } from 'constructs';
import { currentOpenApi } from '../functions/wiring/openapi-document.js';
import type { FunctionNetwork } from './network.js';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');

/** How every function is bundled (bench/bundle.ts measures exactly this). */
export const BUNDLING = {
  minify: true,
  target: 'node22',
  // The Lambda runtime ships the AWS SDK v3: leave it out of the bundles.
  external: ['@aws-sdk/*'],
  // Some bundled CommonJS dependencies call require(); ESM output needs it defined.
  banner: "import { createRequire as __cr } from 'module'; const require = __cr(import.meta.url);",
};

/** Every function's entry below functions/ (the stacks create one Lambda each). */
export const FUNCTION_ENTRIES = [
  'lambdas/sessions',
  'lambdas/workflows',
  'lambdas/operations',
  'lambdas/ui',
  'lambdas/maintenance',
  // Each workflow's own runner: the only bundle that holds its module.
  ...workflowManifest.workflows.map((w) => `lambdas/runners/${w.name}`),
  'lambdas/monitor',
  'lambdas/group-agent',
  ...subscriptions.map((s) => `lambdas/subscribers/${s.handler}`),
  'lambdas/subscribers/dns-follows-primary',
  'lambdas/expired-sweeper',
];

/** The IAM role name of function `id` in stack `stackName` (at most 64 characters, IAM's limit). */
export function functionRoleName(stackName: string, id: string): string {
  // A long id (a workflow runner's) keeps its start and a hash of the whole, so names stay unique.
  const suffix = id.length > 40 ? `-${id.slice(0, 31)}-${createHash('sha256').update(id).digest('hex').slice(0, 8)}` : `-${id}`;
  return `${stackName.slice(0, 64 - suffix.length)}${suffix}`;
}

export interface GatewayFunctionProps {
  /** Module below functions/, without .ts, exporting `handler`. */
  entry: string;
  timeout: Duration;
  memorySize?: number;
  environment: Record<string, string>;
  /** Files copied beside the bundle (paths from the project root → names in the bundle folder). */
  files?: Record<string, string>;
  /**
   * For a function that talks to BAM: `network.bam` (BAM and the AWS endpoints) or `network.bamOnly`
   * (BAM alone) of the region's GatewayNetwork: it then runs in the VPC with its own security group
   * (lib/network.ts). Absent (or undefined, when no VPC is configured): outside any VPC.
   */
  network?: FunctionNetwork | undefined;
}

/**
 * The files functions/openapi/http/docs.ts serves in Lambda: the OpenAPI document, generated here from
 * the code (so the bundle carries no JSON Schema generator), and the reference page's files.
 */
export function docsFiles(): Record<string, string> {
  const dir = mkdtempSync(path.join(tmpdir(), 'openapi-'));
  writeFileSync(path.join(dir, 'openapi.json'), currentOpenApi(false));
  return {
    [path.join(dir, 'openapi.json')]: 'openapi.json',
    'node_modules/swagger-ui-dist/swagger-ui-bundle.js': 'swagger-ui/swagger-ui-bundle.js',
    'node_modules/swagger-ui-dist/swagger-ui.css': 'swagger-ui/swagger-ui.css',
  };
}

/**
 * One Lambda of the gateway: Node.js 22 on arm64, a minified ESM bundle with the AWS SDK left to
 * the runtime, its own log group (kept a month) and its own role that may write only to that log
 * group. Callers add exactly the permissions it uses with `allow(...)`.
 */
export class GatewayFunction extends Construct {
  readonly fn: NodejsFunction;
  readonly role: iam.Role;
  readonly logGroup: logs.LogGroup;
  /** Its own security group, when it runs in the VPC. */
  readonly securityGroup?: ec2.ISecurityGroup;

  constructor(scope: Construct, id: string, props: GatewayFunctionProps) {
    super(scope, id);
    // Retained: the audit log lives here, and must outlive a stack deletion.
    this.logGroup = new logs.LogGroup(this, 'Logs', { retention: logs.RetentionDays.ONE_MONTH, removalPolicy: RemovalPolicy.RETAIN });
    // A known name, so the shared KMS key's policy can name this role without a cross-stack reference.
    this.role = new iam.Role(this, 'Role', {
      roleName: functionRoleName(Stack.of(this).stackName, id),
      assumedBy: new iam.ServicePrincipal('lambda.amazonaws.com'),
      description: `Failover Gateway ${id}`,
    });
    this.role.addToPolicy(new iam.PolicyStatement({ actions: ['logs:CreateLogStream', 'logs:PutLogEvents'], resources: [this.logGroup.logGroupArn] }));
    const vpc = props.network ? props.network.network.place(this, this.role, props.network.awsServices) : {};
    this.securityGroup = vpc.securityGroups?.[0];
    this.fn = new NodejsFunction(this, 'Function', {
      ...vpc,
      entry: path.join(root, 'functions', `${props.entry}.ts`),
      handler: 'handler',
      runtime: lambda.Runtime.NODEJS_22_X,
      architecture: lambda.Architecture.ARM_64,
      memorySize: props.memorySize ?? 256,
      timeout: props.timeout,
      role: this.role,
      logGroup: this.logGroup,
      loggingFormat: lambda.LoggingFormat.JSON,
      environment: { POWERTOOLS_SERVICE_NAME: 'failover-gateway', ...props.environment },
      bundling: {
        minify: BUNDLING.minify,
        sourceMap: false,
        format: OutputFormat.ESM,
        target: BUNDLING.target,
        externalModules: BUNDLING.external,
        banner: BUNDLING.banner,
        // Tests prove on the bundles what each one holds (test/infra/workflow-boundary.test.ts): esbuild's metafile, on request only.
        ...(this.node.tryGetContext('gateway:bundleMetafile') === true ? { metafile: true } : {}),
        ...(props.files ? { commandHooks: copyFiles(props.files) } : {}),
      },
    });
    Validations.of(this.fn).acknowledge({ id: 'AwsSolutions-L1', reason: 'Pinned to nodejs22.x, the runtime the project builds and tests for; move with the project to the next LTS runtime.' });
    dropRedundantDependencies(this.fn.node.defaultChild as CfnResource, [this.role.node.defaultChild as CfnResource]);
  }

  /** Adds one least-privilege statement: these actions on these resources (under these conditions), nothing else. */
  allow(actions: string[], resources: string[], conditions?: Record<string, Record<string, unknown>>): this {
    this.role.addToPolicy(new iam.PolicyStatement({ actions, resources, ...(conditions ? { conditions } : {}) }));
    return this;
  }
}

/** Bundling hooks that copy files into the asset after esbuild, offline (no npm install in the bundle). */
function copyFiles(files: Record<string, string>) {
  const q = (p: string) => `"${p}"`;
  return {
    beforeBundling: () => [],
    beforeInstall: () => [],
    afterBundling: (inputDir: string, outputDir: string) =>
      Object.entries(files).flatMap(([from, to]) => [
        `mkdir -p ${q(path.posix.dirname(path.posix.join(outputDir, to)))}`,
        `cp ${q(path.posix.isAbsolute(from) ? from : path.posix.join(inputDir, from))} ${q(path.posix.join(outputDir, to))}`,
      ]),
  };
}

/**
 * CDK makes a function depend on its whole role (and a trigger on its whole function); on the
 * resources it also names by Ref or GetAtt that repeats a dependency CloudFormation already sees
 * (the CloudFormation validator's W3005). Drops those, keeps the others (a function's role policy:
 * it must not start before it may write logs or attach to the VPC).
 */
export function dropRedundantDependencies(resource: CfnResource, referenced: CfnResource[]): void {
  const stack = Stack.of(resource);
  resource.addOverride(
    'DependsOn',
    Lazy.any(
      {
        produce: () =>
          resource
            .obtainDependencies()
            .filter((d): d is CfnResource => CfnResource.isCfnResource(d) && !referenced.includes(d) && Stack.of(d) === stack)
            .map((d) => d.logicalId),
      },
      { omitEmptyArray: true },
    ),
  );
}
