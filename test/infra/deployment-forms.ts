import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { App, type Stack } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import { gatewayApp } from '../../lib/gateway-app.js';
import { readSettings } from '../../lib/settings.js';

/** A test certificate: the settings only check the PEM shape. */
const PEM = '-----BEGIN CERTIFICATE-----\\nMIIBtest\\n-----END CERTIFICATE-----';

/** An existing VPC in eu-west-1: two private subnets in two zones, one route table each; BAM in 10.0.0.0/24 with the Failover API on 8444. */
export const EXISTING_VPC = {
  vpcId: 'vpc-0a1b2c3d4e5f60718',
  privateSubnetIds: 'subnet-0aaaaaaaaaaaaaaa1,subnet-0bbbbbbbbbbbbbbb2',
  availabilityZones: 'eu-west-1a,eu-west-1b',
  privateRouteTableIds: 'rtb-0ccccccccccccccc1,rtb-0ccccccccccccccc2',
  bamCidrs: '10.0.0.0/24,fd00:10::/64',
  bamServers: 'bam1=https://10.0.0.1,bam2=https://10.0.0.2',
  failoverApi: 'bam1=https://10.0.0.1:8444,bam2=https://10.0.0.2:8444',
  failoverClientCert: PEM,
  failoverCa: PEM,
};

/** The second region's VPC of a two-region group, by the `.<region>` keys. */
export const SECOND_REGION_VPC = {
  'vpcId.eu-west-2': 'vpc-0f1e2d3c4b5a69788',
  'privateSubnetIds.eu-west-2': 'subnet-0ddddddddddddddd3,subnet-0eeeeeeeeeeeeeee4',
  'availabilityZones.eu-west-2': 'eu-west-2a,eu-west-2b',
  'privateRouteTableIds.eu-west-2': 'rtb-0fffffffffffffff3',
};

const TWO_REGIONS = { nodes: 'a,b', regions: 'eu-west-1,eu-west-2', witnessRegion: 'eu-west-3' };

/** Every form `cdk synth` can build, by its context (region eu-west-1 and an account known, as when deploying). */
export const FORMS = {
  'a single gateway without a VPC': {},
  'a single gateway in an existing VPC': EXISTING_VPC,
  'a single gateway in a created VPC': { createVpc: 'true', bamCidrs: '10.0.0.0/24' },
  'a one-region group in an existing VPC': { ...EXISTING_VPC, nodes: 'a,b' },
  'a one-region group in a created VPC': { createVpc: 'true', bamCidrs: '10.0.0.0/24', nodes: 'a,b' },
  'a two-region group, an existing VPC per region': { ...EXISTING_VPC, ...SECOND_REGION_VPC, ...TWO_REGIONS },
  'a two-region group, a created VPC per region': { createVpc: 'true', bamCidrs: '10.0.0.0/24', ...TWO_REGIONS },
} satisfies Record<string, Record<string, string>>;

export type FormName = keyof typeof FORMS;

export interface Synthesized {
  stacks: Stack[];
  /** Each stack's template as deployed, by stack name. */
  templates: Map<string, Template>;
  json: Map<string, { Resources: Record<string, { Type: string; Properties?: Record<string, unknown>; DependsOn?: string[] }> }>;
}

/** A stand-in for ui/dist: the edge's bucket deployment needs a folder, not the real build. */
function fakeUiBuild(): string {
  const dir = mkdtempSync(path.join(tmpdir(), 'ui-dist-'));
  mkdirSync(path.join(dir, 'assets'));
  writeFileSync(path.join(dir, 'index.html'), '<!doctype html>');
  return dir;
}

const cache = new Map<FormName, Synthesized>();

/** The form's app and stacks, not yet synthesized (to add cdk-nag first, say). */
export function buildForm(form: FormName): { app: App; stacks: Stack[] } {
  const app = new App({ outdir: mkdtempSync(path.join(tmpdir(), 'cdk-')), context: { 'aws:cdk:bundling-stacks': [], ...FORMS[form] } });
  const settings = readSettings((k) => app.node.tryGetContext(k));
  return { app, stacks: gatewayApp(app, { name: 'GW', settings, region: 'eu-west-1', account: '111122223333', uiAssetsDir: fakeUiBuild() }) };
}

/**
 * The form's stacks exactly as bin/app.ts builds them (lib/gateway-app.ts), synthesized once per
 * test file: no esbuild bundling (the bundles are not under test here, and bundling is what is slow).
 */
export function synthForm(form: FormName): Synthesized {
  const hit = cache.get(form);
  if (hit) return hit;
  const { app, stacks } = buildForm(form);
  const assembly = app.synth();
  const json = new Map(stacks.map((s) => [s.stackName, assembly.getStackArtifact(s.artifactId).template]));
  const templates = new Map([...json].map(([name, t]) => [name, Template.fromJSON(t)]));
  const out = { stacks, templates, json };
  cache.set(form, out);
  return out;
}
