import { describe, expect, it } from 'vitest';
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { App, Validations } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import { AwsSolutionsChecks } from 'cdk-nag';
import { GatewayEdgeStack } from '../../lib/edge.js';
import { GatewayNodeStack, GatewaySharedStack, GatewayStack } from '../../lib/gateway-stack.js';
import { readSettings } from '../../lib/settings.js';
import { DOCS_CSP, UI_CSP } from '../../ui/src/security-headers.js';

/** A stand-in for ui/dist (the real build is not needed to check the template). */
function fakeUiBuild(): string {
  const dir = mkdtempSync(path.join(tmpdir(), 'ui-dist-'));
  mkdirSync(path.join(dir, 'assets'));
  writeFileSync(path.join(dir, 'index.html'), '<!doctype html><script type="module" src="/assets/app.js"></script>');
  writeFileSync(path.join(dir, 'assets', 'app.js'), '');
  return dir;
}

/** The app as bin/app.ts builds it when the region is known: the web ACL in us-east-1, the gateway elsewhere. */
function deployment(context: Record<string, unknown> = {}) {
  const app = new App({ outdir: mkdtempSync(path.join(tmpdir(), 'cdk-')), context: { 'aws:cdk:bundling-stacks': [], ...context } });
  const settings = readSettings((k) => app.node.tryGetContext(k));
  const account = '111122223333';
  const edge = new GatewayEdgeStack(app, 'GW-edge', { env: { account, region: 'us-east-1' }, settings, crossRegionReferences: true });
  const gateway = new GatewayStack(app, 'GW', { env: { account, region: 'eu-west-1' }, settings, crossRegionReferences: true, webAclArn: edge.webAclArn, uiAssetsDir: fakeUiBuild() });
  return { app, edge, gateway };
}

describe('CloudFront + WAF in front of the API (docs/security.md)', () => {
  it('a CLOUDFRONT web ACL in us-east-1 limits /rest_login per source IP, and all requests per source IP', () => {
    const { edge } = deployment({ loginRateLimit: 50 });
    const t = Template.fromStack(edge);
    expect(edge.region).toBe('us-east-1');
    t.hasResourceProperties('AWS::WAFv2::WebACL', {
      Scope: 'CLOUDFRONT',
      DefaultAction: { Allow: {} },
      Rules: [
        Match.objectLike({
          Name: 'LoginRateLimit',
          Action: { Block: Match.anyValue() },
          Statement: {
            RateBasedStatement: {
              AggregateKeyType: 'IP',
              Limit: 50,
              EvaluationWindowSec: 300,
              ScopeDownStatement: { ByteMatchStatement: Match.objectLike({ FieldToMatch: { UriPath: {} }, PositionalConstraint: 'STARTS_WITH', SearchString: '/rest_login' }) },
            },
          },
        }),
        Match.objectLike({ Name: 'GeneralRateLimit', Action: { Block: Match.anyValue() }, Statement: { RateBasedStatement: { AggregateKeyType: 'IP', Limit: 3000, EvaluationWindowSec: 300 } } }),
      ],
    });
  });

  it('the login rule matches the path as the API routes it: URL-decoded first (/rest%5Flogin counts), then normalized and lower-cased', () => {
    const rules = (Object.values(Template.fromStack(deployment().edge).findResources('AWS::WAFv2::WebACL'))[0] as { Properties: { Rules: any[] } }).Properties.Rules;
    const login = rules.find((r) => r.Name === 'LoginRateLimit').Statement.RateBasedStatement.ScopeDownStatement.ByteMatchStatement;
    const order = [...login.TextTransformations].sort((a: { Priority: number }, b: { Priority: number }) => a.Priority - b.Priority).map((t: { Type: string }) => t.Type);
    expect(order).toEqual(['URL_DECODE', 'NORMALIZE_PATH', 'LOWERCASE']);
    expect(new Set(login.TextTransformations.map((t: { Priority: number }) => t.Priority)).size).toBe(3); // WAF needs distinct priorities
  });

  it("the gateway's distribution uses that web ACL, forwards everything but Host to the HTTP API, caches nothing", () => {
    const t = Template.fromStack(deployment().gateway);
    t.resourceCountIs('AWS::CloudFront::Distribution', 1);
    const dist = (Object.values(t.findResources('AWS::CloudFront::Distribution'))[0] as { Properties: { DistributionConfig: any } }).Properties.DistributionConfig;
    // Carried across regions by CDK (a reader in this stack), not a same-region import that cannot work.
    expect(JSON.stringify(dist.WebACLId)).not.toContain('Fn::ImportValue');
    expect(JSON.stringify(dist.WebACLId)).toMatch(/WebAcl/);
    expect(JSON.stringify(dist.Origins[0].DomainName)).toContain('execute-api');
    expect(dist.Origins[0].CustomOriginConfig).toMatchObject({ OriginProtocolPolicy: 'https-only' });
    expect(dist.DefaultCacheBehavior).toMatchObject({
      ViewerProtocolPolicy: 'https-only',
      CachePolicyId: '4135ea2d-6df8-44a3-9df3-4b5a84be39ad', // Managed-CachingDisabled
      OriginRequestPolicyId: 'b689b0a8-53d0-40ab-baf2-68738e2966ac', // Managed-AllViewerExceptHostHeader
      AllowedMethods: expect.arrayContaining(['POST', 'PUT', 'DELETE', 'PATCH']),
    });
  });

  it('each node of a group gets its own distribution behind the one web ACL', () => {
    const app = new App({ outdir: mkdtempSync(path.join(tmpdir(), 'cdk-')), context: { 'aws:cdk:bundling-stacks': [], nodes: 'a,b' } });
    const settings = readSettings((k) => app.node.tryGetContext(k));
    const env = { account: '111122223333', region: 'eu-west-1' };
    const edge = new GatewayEdgeStack(app, 'G-edge', { env: { ...env, region: 'us-east-1' }, settings, crossRegionReferences: true });
    const shared = new GatewaySharedStack(app, 'G-shared', { env, settings, edge: true });
    const nodes = ['a', 'b'].map(
      (nodeId) => new GatewayNodeStack(app, `G-node-${nodeId}`, { env, settings: { ...settings, nodeId }, data: shared.data, crossRegionReferences: true, webAclArn: edge.webAclArn }),
    );
    for (const node of nodes) Template.fromStack(node).resourceCountIs('AWS::CloudFront::Distribution', 1);
    Template.fromStack(shared).resourceCountIs('AWS::SecretsManager::Secret', 3); // service credentials, tenant-token key, origin verify
    for (const node of nodes) expect(JSON.stringify(Template.fromStack(node).toJSON())).toContain('{{resolve:secretsmanager:');
    Template.fromStack(edge).resourceCountIs('AWS::WAFv2::WebACL', 1);
  });

  it('CloudFront sends a generated secret as x-origin-verify, by dynamic reference (never its value in the template)', () => {
    const t = Template.fromStack(deployment().gateway);
    const secrets = t.findResources('AWS::SecretsManager::Secret', { Properties: { GenerateSecretString: Match.objectLike({ PasswordLength: 48, ExcludePunctuation: true }) } });
    const [secretId] = Object.keys(secrets);
    expect(secretId).toMatch(/OriginVerifySecret/);
    const dist = (Object.values(t.findResources('AWS::CloudFront::Distribution'))[0] as { Properties: { DistributionConfig: any } }).Properties.DistributionConfig;
    const headers = dist.Origins[0].OriginCustomHeaders as { HeaderName: string; HeaderValue: unknown }[];
    expect(headers.map((h) => h.HeaderName)).toEqual(['x-origin-verify']);
    expect(headers[0]!.HeaderValue).toEqual({ 'Fn::Join': ['', ['{{resolve:secretsmanager:', { Ref: secretId }, ':SecretString:::}}']] });
  });

  it('a viewer-request function sets the viewer address (true-client-ip) on every request; the policy still forwards all but Host', () => {
    const t = Template.fromStack(deployment().gateway);
    const fns = Object.entries(t.findResources('AWS::CloudFront::Function')).filter(([id]) => /ViewerAddress/.test(id)) as [
      string,
      { Properties: { FunctionCode: string; FunctionConfig: { Runtime: string } } },
    ][];
    expect(fns).toHaveLength(1);
    const [fnId, fn] = fns[0]!;
    expect(fn.Properties.FunctionConfig.Runtime).toBe('cloudfront-js-2.0');
    expect(fn.Properties.FunctionCode).toContain("headers['true-client-ip'] = { value: event.viewer.ip }");
    const dist = (Object.values(t.findResources('AWS::CloudFront::Distribution'))[0] as { Properties: { DistributionConfig: any } }).Properties.DistributionConfig;
    expect(dist.DefaultCacheBehavior.FunctionAssociations).toEqual([{ EventType: 'viewer-request', FunctionARN: { 'Fn::GetAtt': [fnId, 'FunctionARN'] } }]);
  });

  it("only the API functions may read the origin secret; they get its ARN and trust the distribution's origin; no other function does", () => {
    const t = Template.fromStack(deployment().gateway);
    const secretId = Object.keys(t.findResources('AWS::SecretsManager::Secret')).find((k) => /OriginVerifySecret/.test(k))!;
    const readers = Object.values(
      t.findResources('AWS::IAM::Policy') as Record<string, { Properties: { PolicyDocument: { Statement: { Action: unknown; Resource: unknown }[] }; Roles: { Ref: string }[] } }>,
    )
      .filter((p) => p.Properties.PolicyDocument.Statement.some((st) => JSON.stringify(st.Resource).includes(`"${secretId}"`)))
      .flatMap((p) => p.Properties.Roles.map((r) => r.Ref));
    expect(readers.map((r) => r.replace(/^NodeApi(\w+?)Role.*$/, '$1')).sort()).toEqual(['Maintenance', 'Operations', 'Sessions', 'Ui', 'Workflows']);
    const distId = Object.keys(t.findResources('AWS::CloudFront::Distribution'))[0]!;
    const fns = Object.entries(t.findResources('AWS::Lambda::Function') as Record<string, { Properties: { Environment?: { Variables?: Record<string, unknown> } } }>);
    const withArn = fns.filter(([, f]) => f.Properties.Environment?.Variables?.ORIGIN_VERIFY_SECRET_ARN).map(([id]) => id.replace(/^NodeApi(\w+?)Function.*$/, '$1'));
    expect(withArn.sort()).toEqual(['Maintenance', 'Operations', 'Sessions', 'Ui', 'Workflows']);
    for (const [id, f] of fns) {
      const vars = f.Properties.Environment?.Variables ?? {};
      if (!vars.ORIGIN_VERIFY_SECRET_ARN) continue;
      expect(vars.ORIGIN_VERIFY_SECRET_ARN, id).toEqual({ Ref: secretId });
      expect(vars.TRUSTED_ORIGINS, id).toEqual({ 'Fn::Join': ['', ['https://', { 'Fn::GetAtt': [distId, 'DomainName'] }]] });
    }
  });

  it('without an edge, no origin secret exists and no function expects one', () => {
    const app = new App({ outdir: mkdtempSync(path.join(tmpdir(), 'cdk-')), context: { 'aws:cdk:bundling-stacks': [] } });
    const t = Template.fromStack(new GatewayStack(app, 'Plain', { settings: readSettings((k) => app.node.tryGetContext(k)) }));
    t.resourceCountIs('AWS::SecretsManager::Secret', 2); // service credentials, tenant-token key
    expect(JSON.stringify(t.toJSON())).not.toContain('ORIGIN_VERIFY_SECRET_ARN');
  });

  it('serves the web UI from a private bucket on the same distribution: its pages and /assets/* go to S3, all else to the API', () => {
    const t = Template.fromStack(deployment().gateway);
    t.hasResourceProperties(
      'AWS::S3::BucketPolicy',
      Match.objectLike({ PolicyDocument: Match.objectLike({ Statement: Match.arrayWith([Match.objectLike({ Principal: { Service: 'cloudfront.amazonaws.com' }, Action: 's3:GetObject' })]) }) }),
    );
    t.hasResourceProperties('AWS::S3::Bucket', { PublicAccessBlockConfiguration: { BlockPublicAcls: true, BlockPublicPolicy: true, IgnorePublicAcls: true, RestrictPublicBuckets: true } });
    t.resourceCountIs('AWS::CloudFront::OriginAccessControl', 1);
    const dist = (Object.values(t.findResources('AWS::CloudFront::Distribution'))[0] as { Properties: { DistributionConfig: any } }).Properties.DistributionConfig;
    expect(dist.Origins).toHaveLength(2);
    const s3Origin = dist.Origins.find((o: { S3OriginConfig?: unknown }) => o.S3OriginConfig);
    const apiOrigin = dist.Origins.find((o: { CustomOriginConfig?: unknown }) => o.CustomOriginConfig);
    expect(dist.DefaultCacheBehavior.TargetOriginId).toBe(apiOrigin.Id);
    const byPath = Object.fromEntries(dist.CacheBehaviors.map((b: { PathPattern: string; TargetOriginId: string }) => [b.PathPattern, b.TargetOriginId]));
    for (const p of ['/', '/login', '/dashboard', '/events', '/maintenance', '/workflows', '/permissions', '/account', '/assets/*']) expect(byPath[p], p).toBe(s3Origin.Id);
    expect(Object.keys(byPath)).not.toContain('/ui/api/*'); // the UI's API is the API's
    t.hasResourceProperties('Custom::CDKBucketDeployment', { DistributionPaths: ['/*'] });
  });

  it('every answer carries the strict CSP and the security headers', () => {
    const t = Template.fromStack(deployment().gateway);
    t.hasResourceProperties('AWS::CloudFront::ResponseHeadersPolicy', {
      ResponseHeadersPolicyConfig: Match.objectLike({
        SecurityHeadersConfig: {
          ContentSecurityPolicy: { ContentSecurityPolicy: Match.stringLikeRegexp("^default-src 'self'; script-src 'self'; style-src 'self';.*frame-ancestors 'none'"), Override: true },
          StrictTransportSecurity: Match.objectLike({ AccessControlMaxAgeSec: 31536000, Override: true }),
          ContentTypeOptions: { Override: true },
          FrameOptions: { FrameOption: 'DENY', Override: true },
          ReferrerPolicy: { ReferrerPolicy: 'no-referrer', Override: true },
        },
      }),
    });
    const policies = t.findResources('AWS::CloudFront::ResponseHeadersPolicy');
    const config = (id: string) => policies[id]!.Properties.ResponseHeadersPolicyConfig;
    const idOf = (csp: string, override: boolean) =>
      Object.keys(policies).find(
        (id) => config(id).SecurityHeadersConfig.ContentSecurityPolicy.ContentSecurityPolicy === csp && config(id).SecurityHeadersConfig.ContentSecurityPolicy.Override === override,
      )!;
    const [strict, api, docs] = [idOf(UI_CSP, true), idOf(UI_CSP, false), idOf(DOCS_CSP, true)];
    expect(strict && api && docs && Object.keys(policies)).toHaveLength(3);
    // No service worker may be allowed a wider scope by any answer.
    for (const id of Object.keys(policies)) expect(config(id).RemoveHeadersConfig).toEqual({ Items: [{ Header: 'Service-Worker-Allowed' }] });
    expect(UI_CSP).toContain("worker-src 'none'");
    const dist = (Object.values(t.findResources('AWS::CloudFront::Distribution'))[0] as { Properties: { DistributionConfig: any } }).Properties.DistributionConfig;
    // UI files get the strict CSP always; API answers keep their own (a workflow's sandbox CSP), else the strict one; the API reference alone allows data: images.
    const uiPaths = ['/', '/login', '/dashboard', '/events', '/maintenance', '/workflows', '/permissions', '/account', '/assets/*'];
    for (const b of [dist.DefaultCacheBehavior, ...dist.CacheBehaviors]) {
      const want = ['/docs', '/docs/*'].includes(b.PathPattern) ? docs : uiPaths.includes(b.PathPattern) ? strict : api;
      expect(b.ResponseHeadersPolicyId, b.PathPattern ?? 'default').toEqual({ Ref: want });
    }
    expect(dist.CacheBehaviors.filter((b: { PathPattern: string }) => b.PathPattern.startsWith('/docs'))).toHaveLength(2);
    expect(DOCS_CSP).toBe(UI_CSP.replace("img-src 'self'", "img-src 'self' data:"));
  });

  it('cdk-nag finds nothing unacknowledged in the edge and the gateway behind it', () => {
    const { app } = deployment();
    Validations.of(app).addPlugins(new AwsSolutionsChecks(app));
    expect(() => app.synth()).not.toThrow();
  });
});
