import { Annotations, CfnOutput, Duration, RemovalPolicy, Stack, Token, Validations, type StackProps } from 'aws-cdk-lib';
import * as cloudfront from 'aws-cdk-lib/aws-cloudfront';
import * as origins from 'aws-cdk-lib/aws-cloudfront-origins';
import * as s3 from 'aws-cdk-lib/aws-s3';
import * as s3deploy from 'aws-cdk-lib/aws-s3-deployment';
import { UI_ASSETS_PREFIX, UI_PAGES } from '../ui/src/page-paths.js';
import { DOCS_CSP, UI_CSP } from '../ui/src/security-headers.js';
import type { HttpApi } from 'aws-cdk-lib/aws-apigatewayv2';
import type { ISecret } from 'aws-cdk-lib/aws-secretsmanager';
import * as wafv2 from 'aws-cdk-lib/aws-wafv2';
import { ORIGIN_VERIFY_HEADER } from '../functions/kernel/origin-verify.js';
import { VIEWER_ADDRESS_HEADER } from '../functions/kernel/client-address.js';
import { Construct } from 'constructs';
import type { GatewaySettings } from './settings.js';

/** How WAF turns the request path into the one it compares with /rest_login (in priority order). */
export const LOGIN_PATH_TRANSFORMATIONS = [
  { priority: 0, type: 'URL_DECODE' },
  { priority: 1, type: 'NORMALIZE_PATH' },
  { priority: 2, type: 'LOWERCASE' },
];

/** WAF evaluates rate-based rules over this window. */
export const RATE_WINDOW_SECONDS = 300;

/**
 * The web ACL in front of the gateway's CloudFront distributions. A CLOUDFRONT-scoped web ACL must
 * live in us-east-1, and a regional web ACL cannot attach to an HTTP API (WAF supports REST APIs
 * only), so it gets its own small stack there; the gateway stacks reference its ARN (CDK carries
 * it across regions). Rules: a per-IP rate limit on /rest_login, and a general per-IP one.
 */
export class GatewayEdgeStack extends Stack {
  readonly webAclArn: string;

  constructor(scope: Construct, id: string, props: StackProps & { settings: GatewaySettings }) {
    super(scope, id, props);
    const s = props.settings;
    const visibility = (metricName: string) => ({ cloudWatchMetricsEnabled: true, sampledRequestsEnabled: true, metricName });
    const acl = new wafv2.CfnWebACL(this, 'WebAcl', {
      scope: 'CLOUDFRONT',
      defaultAction: { allow: {} },
      description: 'Failover Gateway: rate limits per source IP',
      visibilityConfig: visibility('FailoverGatewayWebAcl'),
      rules: [
        {
          name: 'LoginRateLimit',
          priority: 0,
          action: { block: { customResponse: { responseCode: 429 } } },
          visibilityConfig: visibility('LoginRateLimit'),
          statement: {
            rateBasedStatement: {
              aggregateKeyType: 'IP',
              limit: s.loginRateLimit,
              evaluationWindowSec: RATE_WINDOW_SECONDS,
              // The path as the API will route it: decoded first (`/rest%5Flogin` is /rest_login to API
              // Gateway), slashes and dot segments resolved, case folded; else an encoding escapes the limit.
              scopeDownStatement: {
                byteMatchStatement: { fieldToMatch: { uriPath: {} }, positionalConstraint: 'STARTS_WITH', searchString: '/rest_login', textTransformations: LOGIN_PATH_TRANSFORMATIONS },
              },
            },
          },
        },
        {
          name: 'GeneralRateLimit',
          priority: 1,
          action: { block: { customResponse: { responseCode: 429 } } },
          visibilityConfig: visibility('GeneralRateLimit'),
          statement: { rateBasedStatement: { aggregateKeyType: 'IP', limit: s.requestRateLimit, evaluationWindowSec: RATE_WINDOW_SECONDS } },
        },
      ],
    });
    this.webAclArn = acl.attrArn;
    new CfnOutput(this, 'WebAclArn', { value: acl.attrArn });
  }
}

/**
 * Sets the viewer's address on every request, overwriting whatever the client sent (AWS's "true
 * client IP" example). CloudFront-Viewer-Address is not an option: the managed
 * AllViewerExceptHostHeader policy does not forward CloudFront-* headers, and a custom policy that
 * lists headers cannot forward Authorization (CloudFront refuses it in an origin request policy).
 */
const VIEWER_ADDRESS_CODE = `async function handler(event) {
  event.request.headers['${VIEWER_ADDRESS_HEADER}'] = { value: event.viewer.ip };
  return event.request;
}`;

/**
 * A CloudFront distribution in front of one HTTP API, protected by the edge web ACL. Nothing is
 * cached (every answer is per session); every viewer header but Host reaches the API (API Gateway
 * routes on its own Host), plus the viewer's address and the origin-verify secret header, which the
 * API requires (the execute-api address stays public: without it, calling that would skip the WAF).
 * The secret reaches the template only as a dynamic reference.
 *
 * The web UI (docs/web-ui.md) shares the distribution, so the browser sees one origin for UI and API (the
 * session cookie is `__Host-`, SameSite=Strict): its page paths and `/assets/*` come from a private
 * S3 bucket (origin access control), everything else from the API. Every answer carries the
 * security headers (strict CSP, HSTS, nosniff, no framing, no referrer).
 */
export class GatewayEdge extends Construct {
  readonly distribution: cloudfront.Distribution;
  readonly uiBucket: s3.Bucket;

  constructor(scope: Construct, id: string, props: { api: HttpApi; webAclArn: string; originVerifySecret: ISecret; uiAssetsDir?: string }) {
    super(scope, id);
    const region = Stack.of(this).region;
    const viewerAddress = new cloudfront.Function(this, 'ViewerAddress', {
      comment: 'Failover Gateway: the viewer address for the API',
      runtime: cloudfront.FunctionRuntime.JS_2_0,
      code: cloudfront.FunctionCode.fromInline(VIEWER_ADDRESS_CODE),
    });
    // `cspOverride: false` (the API): an answer's own CSP wins, so a workflow route keeps its
    // `sandbox; default-src 'none'`; answers without one get the UI's. No origin may allow a
    // service worker wider than its own path: CloudFront drops Service-Worker-Allowed everywhere.
    const headersWith = (id: string, comment: string, csp: string, cspOverride = true) =>
      new cloudfront.ResponseHeadersPolicy(this, id, {
        comment,
        removeHeaders: ['Service-Worker-Allowed'],
        securityHeadersBehavior: {
          contentSecurityPolicy: { contentSecurityPolicy: csp, override: cspOverride },
          strictTransportSecurity: { accessControlMaxAge: Duration.days(365), includeSubdomains: true, override: true },
          contentTypeOptions: { override: true },
          frameOptions: { frameOption: cloudfront.HeadersFrameOption.DENY, override: true },
          referrerPolicy: { referrerPolicy: cloudfront.HeadersReferrerPolicy.NO_REFERRER, override: true },
        },
      });
    const securityHeaders = headersWith('SecurityHeaders', 'Failover Gateway: strict CSP and security headers', UI_CSP);
    // Swagger UI (/docs) draws its icons as data: images; only its answers allow them.
    const docsHeaders = headersWith('DocsSecurityHeaders', 'Failover Gateway API reference: strict CSP but data: images', DOCS_CSP);
    const apiHeaders = headersWith('ApiSecurityHeaders', "Failover Gateway API: the answer's own CSP, else the UI's", UI_CSP, false);
    this.uiBucket = new s3.Bucket(this, 'UiAssets', {
      blockPublicAccess: s3.BlockPublicAccess.BLOCK_ALL,
      encryption: s3.BucketEncryption.S3_MANAGED,
      enforceSSL: true,
      removalPolicy: RemovalPolicy.DESTROY,
      autoDeleteObjects: false,
    });
    Validations.of(this.uiBucket).acknowledge({
      id: 'AwsSolutions-S1',
      reason: 'It holds only the public build of the web UI, replaced whole on each deploy; CloudFront serves it and every API request is logged by the HTTP API access log.',
    });
    const uiOrigin = origins.S3BucketOrigin.withOriginAccessControl(this.uiBucket);
    // The UI routes on the client: every page path is its index.html.
    const pageRewrite = new cloudfront.Function(this, 'UiPage', {
      comment: 'Failover Gateway: web UI pages are index.html',
      runtime: cloudfront.FunctionRuntime.JS_2_0,
      code: cloudfront.FunctionCode.fromInline(UI_PAGE_CODE),
    });
    const page: cloudfront.BehaviorOptions = {
      origin: uiOrigin,
      viewerProtocolPolicy: cloudfront.ViewerProtocolPolicy.HTTPS_ONLY,
      allowedMethods: cloudfront.AllowedMethods.ALLOW_GET_HEAD,
      cachePolicy: cloudfront.CachePolicy.CACHING_DISABLED, // index.html names the current hashed assets
      responseHeadersPolicy: securityHeaders,
      functionAssociations: [{ function: pageRewrite, eventType: cloudfront.FunctionEventType.VIEWER_REQUEST }],
    };
    const additionalBehaviors: Record<string, cloudfront.BehaviorOptions> = {
      [`${UI_ASSETS_PREFIX}*`]: {
        origin: uiOrigin,
        viewerProtocolPolicy: cloudfront.ViewerProtocolPolicy.HTTPS_ONLY,
        allowedMethods: cloudfront.AllowedMethods.ALLOW_GET_HEAD,
        cachePolicy: cloudfront.CachePolicy.CACHING_OPTIMIZED,
        responseHeadersPolicy: securityHeaders,
      },
    };
    for (const p of UI_PAGES) additionalBehaviors[p] = page;
    const api: cloudfront.BehaviorOptions = {
      responseHeadersPolicy: apiHeaders,
      origin: new origins.HttpOrigin(`${props.api.apiId}.execute-api.${region}.${Stack.of(this).urlSuffix}`, {
        protocolPolicy: cloudfront.OriginProtocolPolicy.HTTPS_ONLY,
        originSslProtocols: [cloudfront.OriginSslPolicy.TLS_V1_2],
        // A {{resolve:secretsmanager:...}} reference: CloudFormation reads the value at deploy time.
        customHeaders: { [ORIGIN_VERIFY_HEADER]: props.originVerifySecret.secretValue.unsafeUnwrap() },
      }),
      functionAssociations: [{ function: viewerAddress, eventType: cloudfront.FunctionEventType.VIEWER_REQUEST }],
      allowedMethods: cloudfront.AllowedMethods.ALLOW_ALL,
      viewerProtocolPolicy: cloudfront.ViewerProtocolPolicy.HTTPS_ONLY,
      cachePolicy: cloudfront.CachePolicy.CACHING_DISABLED,
      originRequestPolicy: cloudfront.OriginRequestPolicy.ALL_VIEWER_EXCEPT_HOST_HEADER,
    };
    for (const p of ['/docs', '/docs/*']) additionalBehaviors[p] = { ...api, responseHeadersPolicy: docsHeaders };
    this.distribution = new cloudfront.Distribution(this, 'Distribution', {
      comment: 'Failover Gateway API and web UI',
      webAclId: props.webAclArn,
      priceClass: cloudfront.PriceClass.PRICE_CLASS_100,
      additionalBehaviors,
      defaultBehavior: api,
    });
    Validations.of(this.distribution).acknowledge(
      { id: 'AwsSolutions-CFR1', reason: 'The gateway serves its users wherever they are; access is controlled by sessions and the WAF rate rules, not by geography.' },
      { id: 'AwsSolutions-CFR3', reason: 'Every request is already logged by the HTTP API access log (and WAF samples blocked ones); a second access log in S3 would duplicate it.' },
      { id: 'AwsSolutions-CFR4', reason: 'The default *.cloudfront.net certificate allows no minimum TLS version setting; a custom domain with its own certificate sets TLSv1.2_2021.' },
    );
    if (props.uiAssetsDir) {
      const deployment = new s3deploy.BucketDeployment(this, 'UiDeployment', {
        sources: [s3deploy.Source.asset(props.uiAssetsDir, { exclude: ['.source-hash'] })],
        destinationBucket: this.uiBucket,
        distribution: this.distribution,
        distributionPaths: ['/*'],
        memoryLimit: 256,
      });
      acknowledgeDeploymentHandler(deployment, this.uiBucket);
    } else {
      Annotations.of(this).addWarningV2('gateway:ui-not-built', 'The web UI is not built (ui/dist): its bucket stays empty. bin/app.ts builds it; run npm run build:ui.');
    }
  }
}

/** Every web UI page path answers the app's index.html (CloudFront Functions, viewer request). */
const UI_PAGE_CODE = `async function handler(event) {
  event.request.uri = '/index.html';
  return event.request;
}`;

/**
 * CDK's bucket-deployment handler (one per stack, made by BucketDeployment) is AWS's own code: its
 * managed policy, wildcard object actions on the UI bucket and runtime are CDK's choices.
 */
function acknowledgeDeploymentHandler(deployment: s3deploy.BucketDeployment, bucket: s3.Bucket): void {
  const stack = Stack.of(deployment);
  const role = deployment.handlerRole;
  Validations.of(role).acknowledge({
    id: 'AwsSolutions-IAM4[Policy::arn:<AWS::Partition>:iam::aws:policy/service-role/AWSLambdaBasicExecutionRole]',
    reason: "CDK's BucketDeployment handler writes its own logs with AWSLambdaBasicExecutionRole.",
  });
  const policy = role.node.tryFindChild('DefaultPolicy');
  if (policy) {
    // cdk-nag names each wildcard it finds; these are the object-level grants CDK gives the handler.
    const account = Token.isUnresolved(stack.account) ? '<AWS::AccountId>' : stack.account;
    const region = Token.isUnresolved(stack.region) ? '<AWS::Region>' : stack.region;
    const bucketId = stack.resolve(stack.getLogicalId(bucket.node.defaultChild as s3.CfnBucket)) as string;
    const wildcards = [
      'Action::s3:Abort*',
      'Action::s3:DeleteObject*',
      'Action::s3:GetBucket*',
      'Action::s3:GetObject*',
      'Action::s3:List*',
      'Resource::*',
      `Resource::<${bucketId}.Arn>/*`,
      `Resource::arn:<AWS::Partition>:s3:::cdk-hnb659fds-assets-${account}-${region}/*`,
    ];
    Validations.of(policy).acknowledge(
      ...wildcards.map((w) => ({
        id: `AwsSolutions-IAM5[${w}]`,
        reason: "CDK's BucketDeployment handler copies the UI build from its asset into the UI bucket and invalidates the distribution (CloudFront invalidation takes no resource).",
      })),
    );
  }
  const handler = stack.node.children.find((c) => c.node.id.startsWith('Custom::CDKBucketDeployment'));
  if (handler) Validations.of(handler).acknowledge({ id: 'AwsSolutions-L1', reason: "CDK's BucketDeployment handler runtime is chosen by CDK and upgraded with aws-cdk-lib." });
}
