import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { spawn, spawnSync } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { startLocalStack, type LocalStack } from '../../local/runtime.js';
import { login } from '../support/client.js';

/**
 * The trust boundary around workflow code, proven on the Lambda bundles exactly as `cdk synth`
 * builds them. A malicious module is dropped into a copy of the project: top-level code, a schema
 * refinement and a monkey-patched `http.request`, each leaving a mark (a file named after what ran
 * and in which process); an answer with script and `Set-Cookie`; a route that dumps everything it
 * can see. Then: the manifest is generated (the module runs sandboxed and can write nothing), the
 * stack is synthesized with bundling (the module never runs), esbuild's metafiles show which bundle
 * holds which module, and the trusted `workflows` bundle and the module's runner bundle run in
 * processes of their own, the trusted one invoking the runner through a Lambda API endpoint.
 */
const root = path.resolve(import.meta.dirname, '../..');
const scratch = path.join(root, 'test', '.scratch-boundary');
const tsx = path.join(root, 'node_modules', '.bin', 'tsx');
const marks = mkdtempSync(path.join(tmpdir(), 'boundary-marks-'));

const EVIL = `import * as z from 'zod/mini';
import { writeFileSync } from 'node:fs';
import http from 'node:http';
import { defineWorkflow, route } from '../define.js';

const mark = (what: string) => {
  try {
    writeFileSync(${JSON.stringify(marks)} + '/' + what + '-' + process.pid, JSON.stringify(Object.keys(process.env)));
  } catch {}
};
mark('top-level');
const realRequest = http.request;
(http as unknown as Record<string, unknown>).request = (...args: unknown[]) => {
  mark('http-request');
  return (realRequest as (...a: unknown[]) => unknown)(...args);
};

export default defineWorkflow({
  name: 'evil_flow',
  defaultMessage: 'The evil workflow failed',
  routes: [
    route({
      method: 'GET',
      path: '/page',
      summary: 'script and a cookie',
      response: z.object({}),
      query: z.object({ q: z.optional(z.string().check(z.refine(() => (mark('refine'), true)))) }),
      handler: async () => {
        mark('handler');
        return { statusCode: 200, headers: { 'content-type': 'text/html', 'set-cookie': 'gateway_session=stolen; Path=/' }, body: '<script>fetch("/admin/users")</script>' };
      },
    }),
    route({
      method: 'GET',
      path: '/loot',
      summary: 'everything it can see',
      response: z.object({}),
      handler: async (ctx) => ({ env: { ...process.env }, request: ctx.request, user: ctx.user.username, platform: ctx.platform.failoverMonitoringManager }),
    }),
  ],
});
`;

/** Runs a bundle's handler once in a process of its own: its pid, its answer, whether its http.request was patched. */
const HARNESS = `import http from 'node:http';
import { readFileSync } from 'node:fs';
const before = http.request;
const [bundle, eventFile] = process.argv.slice(2);
const { handler } = await import(bundle);
const event = JSON.parse(readFileSync(eventFile ?? 0, 'utf8'));
const result = await handler(event, { awsRequestId: 'boundary-' + process.pid, functionName: 'x', getRemainingTimeInMillis: () => 20000 });
process.stdout.write(JSON.stringify({ pid: process.pid, result, httpPatched: http.request !== before }));
`;

let stack: LocalStack;
let out: string;
let template: { Resources: Record<string, { Type: string; Properties: Record<string, unknown> }> };
const payloads: string[] = [];
let lambdaApi: http.Server;
let token: string;

function bundleDir(logicalId: string): string {
  const key = (template.Resources[logicalId]!.Properties.Code as { S3Key: string }).S3Key;
  return path.join(out, `asset.${key.replace(/\.zip$/, '')}`);
}

const functionIds = () => Object.entries(template.Resources).filter(([id, r]) => r.Type === 'AWS::Lambda::Function' && !id.includes('TriggerCustomResourceProvider'));
const idOf = (part: string) => functionIds().find(([id]) => id.includes(part))![0];
const marksOf = (pid: number) => readdirSync(marks).filter((f) => f.endsWith(`-${pid}`));

/** A fake Lambda service: each invocation runs the runner bundle in a new process with an empty environment (its role grants nothing). */
function startLambdaApi(runnerBundle: string): Promise<number> {
  lambdaApi = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const event = Buffer.concat(chunks).toString('utf8');
      payloads.push(event);
      const child = spawn(process.execPath, [path.join(out, 'harness.mjs'), runnerBundle], { env: {}, stdio: ['pipe', 'pipe', 'pipe'] });
      let stdout = '';
      child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
      child.stdin.end(event);
      child.on('close', (code) => {
        if (code !== 0) {
          res.writeHead(200, { 'x-amz-function-error': 'Unhandled', 'content-type': 'application/json' }).end('{"errorMessage":"failed"}');
          return;
        }
        const run = JSON.parse(stdout) as { pid: number; result: unknown };
        payloads.push(`runner-pid:${run.pid}`);
        res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify(run.result));
      });
    });
  });
  return new Promise((r) => lambdaApi.listen(0, '127.0.0.1', () => r((lambdaApi.address() as AddressInfo).port)));
}

/** The trusted workflows bundle, run once for `path` in a process of its own, configured as the local stack is. */
async function callTrusted(workflowsBundle: string, lambdaPort: number, pathAndQuery: string) {
  const [rawPath, rawQueryString = ''] = pathAndQuery.split('?');
  const event = {
    version: '2.0',
    routeKey: 'ANY /evil_flow/{proxy+}',
    rawPath,
    rawQueryString,
    queryStringParameters: Object.fromEntries(new URLSearchParams(rawQueryString)),
    headers: { authorization: `Bearer ${token}`, host: '127.0.0.1' },
    requestContext: { http: { method: 'GET', path: rawPath, sourceIp: '127.0.0.1', protocol: 'HTTP/1.1', userAgent: 'test' }, requestId: 'r1', routeKey: 'ANY /evil_flow/{proxy+}', stage: '$default' },
    isBase64Encoded: false,
  };
  const eventFile = path.join(out, `event-${Date.now()}.json`);
  writeFileSync(eventFile, JSON.stringify(event));
  // Not spawnSync: the simulated BAM, dynalite and the fake Lambda service live in this process.
  const child = spawn(process.execPath, [path.join(out, 'harness.mjs'), workflowsBundle, eventFile], {
    env: {
      ...process.env,
      ...stack.env,
      WORKFLOW_RUNNERS: JSON.stringify({ evil_flow: 'evil-runner' }),
      AWS_ENDPOINT_URL_LAMBDA: `http://127.0.0.1:${lambdaPort}`,
      AWS_REGION: 'local',
    },
  });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
  child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
  const code = await new Promise<number | null>((r) => child.on('close', r));
  if (code !== 0) throw new Error(`trusted bundle failed: ${stderr}`);
  return JSON.parse(stdout) as { pid: number; result: { statusCode: number; headers: Record<string, string>; body: string; cookies?: string[] }; httpPatched: boolean };
}

beforeAll(async () => {
  rmSync(scratch, { recursive: true, force: true });
  mkdirSync(scratch, { recursive: true });
  for (const part of ['functions', 'lib', 'bin', 'ui/src']) cpSync(path.join(root, part), path.join(scratch, part), { recursive: true });
  for (const file of ['tsconfig.json', 'package.json']) cpSync(path.join(root, file), path.join(scratch, file));
  writeFileSync(path.join(scratch, 'functions', 'workflows', 'modules', 'evil_flow.ts'), EVIL);
  const gen = spawnSync(tsx, ['bin/gen-workflows.ts'], { cwd: scratch, encoding: 'utf8', timeout: 120_000 });
  if (gen.status !== 0) throw new Error(`gen-workflows failed: ${gen.stderr}`);
  out = path.join(scratch, 'cdk.out');
  writeFileSync(
    path.join(scratch, 'bin', 'boundary-synth.ts'),
    `import { App } from 'aws-cdk-lib';
import { GatewayStack } from '../lib/gateway-stack.js';
import { readSettings } from '../lib/settings.js';
import { assertManifestFresh } from './gen-workflows.js';
import { workflowManifest } from '../functions/workflows/manifest.js';
await assertManifestFresh(workflowManifest);
const app = new App({ outdir: process.argv[2], context: { 'gateway:bundleMetafile': true, bamServers: 'bam1=https://10.0.0.1,bam2=https://10.0.0.2' } });
new GatewayStack(app, 'Boundary', { settings: readSettings((k) => app.node.tryGetContext(k)) });
app.synth();
`,
  );
  // As `cdk synth` runs the app: with the deployer's credentials in its environment.
  const synth = spawnSync(tsx, ['bin/boundary-synth.ts', out], {
    cwd: scratch,
    encoding: 'utf8',
    timeout: 240_000,
    env: { ...process.env, AWS_ACCESS_KEY_ID: 'AKIADEPLOYER', AWS_SECRET_ACCESS_KEY: 'deployer-secret' },
  });
  if (synth.status !== 0) throw new Error(`synth failed: ${synth.stderr}`);
  template = JSON.parse(readFileSync(path.join(out, 'Boundary.template.json'), 'utf8'));
  writeFileSync(path.join(out, 'harness.mjs'), HARNESS);
  stack = await startLocalStack();
  // Imported once the stack has set the environment: the adapters build their clients at import.
  const { makeDocumentClient } = await import('../../functions/adapters/dynamo.js');
  const { DynamoPermissionStore } = await import('../../functions/adapters/permission-store.js');
  await new DynamoPermissionStore(makeDocumentClient(stack.env.AWS_ENDPOINT_URL_DYNAMODB), stack.env.TABLE_NAME!).grant({ kind: 'user', name: 'alice' }, 'evil_flow');
  token = await login(stack.url, 'alice', 'alice-pass');
}, 300_000);

afterAll(async () => {
  await stack?.close();
  lambdaApi?.close();
  rmSync(scratch, { recursive: true, force: true });
  rmSync(marks, { recursive: true, force: true });
});

describe('a malicious workflow module, on the bundles CDK builds', () => {
  it('runs nowhere while the manifest is generated and the stack synthesized: no mark, the manifest lists only its own routes', () => {
    expect(readdirSync(marks)).toEqual([]);
    const manifest = readFileSync(path.join(scratch, 'functions', 'workflows', 'manifest.ts'), 'utf8');
    expect(manifest).toContain('"name": "evil_flow"');
    expect(manifest).toContain('"permission": "evil_flow"');
  });

  it("is held by its own runner's bundle and by no other; each runner holds only its own module", () => {
    const modulesIn = (id: string) =>
      Object.keys((JSON.parse(readFileSync(path.join(bundleDir(id), 'index.meta.json'), 'utf8')) as { inputs: Record<string, unknown> }).inputs)
        .map((p) => /functions\/workflows\/modules\/([^/.]+)/.exec(p)?.[1])
        .filter((m): m is string => m !== undefined)
        .filter((m, i, all) => all.indexOf(m) === i); // a module and its own helpers (modules/<name>/)
    const seen: Record<string, string[]> = {};
    for (const [id] of functionIds()) seen[id] = modulesIn(id);
    const runners = Object.keys(seen).filter((id) => id.includes('WorkflowRunner'));
    expect(runners.length).toBeGreaterThanOrEqual(2);
    for (const [id, modules] of Object.entries(seen)) {
      const own = /WorkflowRunner([a-z0-9]+)/.exec(id)?.[1];
      if (own)
        expect(
          modules.map((m) => m.replace(/_/g, '')),
          id,
        ).toEqual([own]);
      else expect(modules, id).toEqual([]);
    }
    expect(seen[idOf('WorkflowRunnerevilflow')]).toEqual(['evil_flow']);
  });

  it("its runner's role may write its logs and nothing else; its environment names nothing", () => {
    const runner = idOf('WorkflowRunnerevilflow');
    const env = (template.Resources[runner]!.Properties.Environment as { Variables: Record<string, string> }).Variables;
    expect(Object.keys(env).filter((k) => k !== 'AWS_NODEJS_CONNECTION_REUSE_ENABLED')).toEqual(['POWERTOOLS_SERVICE_NAME']);
    const role = (template.Resources[runner]!.Properties.Role as { 'Fn::GetAtt': string[] })['Fn::GetAtt'][0]!;
    const policies = Object.values(template.Resources).filter((r) => r.Type === 'AWS::IAM::Policy' && JSON.stringify(r.Properties.Roles).includes(role));
    const actions = policies.flatMap((p) => (p.Properties.PolicyDocument as { Statement: { Action: string | string[] }[] }).Statement.flatMap((s) => [s.Action].flat()));
    expect(actions.sort()).toEqual(['logs:CreateLogStream', 'logs:PutLogEvents']);
  });

  it('its script and cookie never reach the client; its code and refinements run only in the runner process', async () => {
    const lambdaPort = await startLambdaApi(path.join(bundleDir(idOf('WorkflowRunnerevilflow')), 'index.mjs'));
    const trusted = await callTrusted(path.join(bundleDir(idOf('ApiWorkflows')), 'index.mjs'), lambdaPort, '/evil_flow/page?q=x');
    expect(trusted.result.statusCode).toBe(502);
    expect(JSON.parse(trusted.result.body)).toMatchObject({ code: 'WorkflowAnswerRefused', message: 'The evil workflow failed', status: 502 });
    expect(trusted.result.body).not.toContain('script');
    expect(trusted.result.cookies).toBeUndefined();
    expect(Object.keys(trusted.result.headers).map((h) => h.toLowerCase())).not.toContain('set-cookie');
    expect(trusted.result.headers).toMatchObject({ 'x-content-type-options': 'nosniff', 'content-security-policy': "sandbox; default-src 'none'" });
    // The trusted process loaded nothing of the module: no mark of its pid, http.request untouched.
    expect(trusted.httpPatched).toBe(false);
    expect(marksOf(trusted.pid)).toEqual([]);
    const runnerPid = Number(payloads.find((p) => p.startsWith('runner-pid:'))!.split(':')[1]);
    expect(
      marksOf(runnerPid)
        .map((m) => m.split('-')[0])
        .sort(),
    ).toEqual(['handler', 'refine', 'top']);
  });

  it('sees no token, secret, key or table: its environment is empty, its payload holds the caller and the BAM credential only', async () => {
    const lambdaPort = (lambdaApi.address() as AddressInfo).port;
    payloads.length = 0;
    const trusted = await callTrusted(path.join(bundleDir(idOf('ApiWorkflows')), 'index.mjs'), lambdaPort, '/evil_flow/loot');
    expect(trusted.result.statusCode).toBe(200);
    const loot = JSON.parse(trusted.result.body) as { env: Record<string, string>; request: { headers: Record<string, string> }; user: string };
    expect(loot.user).toBe('alice');
    // Only what Node and the bundle's own libraries set (Powertools names its user agent).
    expect(Object.keys(loot.env).filter((k) => !['PWD', 'SHLVL', '_', 'AWS_SDK_UA_APP_ID'].includes(k))).toEqual([]);
    expect(loot.request.headers).not.toHaveProperty('authorization');
    const seen = payloads.join('\n') + trusted.result.body;
    for (const secret of [token, stack.env.GATEWAY_SERVICE_PASSWORD!, stack.env.CREDENTIAL_KEY!, stack.env.TABLE_NAME!]) expect(seen).not.toContain(secret);
    expect(existsSync(path.join(scratch, 'functions', 'lambdas', 'runners', 'evil_flow.ts'))).toBe(true);
  });
});
