import { CfnOutput, Stack, Validations, type StackProps } from 'aws-cdk-lib';
import * as cloudfront from 'aws-cdk-lib/aws-cloudfront';
import * as origins from 'aws-cdk-lib/aws-cloudfront-origins';
import type { HttpApi } from 'aws-cdk-lib/aws-apigatewayv2';
import type { ISecret } from 'aws-cdk-lib/aws-secretsmanager';
import * as wafv2 from 'aws-cdk-lib/aws-wafv2';
import { ORIGIN_VERIFY_HEADER } from '../functions/middleware/origin-verify.js';
import { VIEWER_ADDRESS_HEADER } from '../functions/commons/client-address.js';
import { Construct } from 'constructs';
import type { GatewaySettings } from './settings.js';

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
              scopeDownStatement: {
                byteMatchStatement: { fieldToMatch: { uriPath: {} }, positionalConstraint: 'STARTS_WITH', searchString: '/rest_login', textTransformations: [{ priority: 0, type: 'LOWERCASE' }] },
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
 * The secret reaches the template only as a dynamic reference. A later web UI adds its own
 * behaviour to this distribution.
 */
export class GatewayEdge extends Construct {
  readonly distribution: cloudfront.Distribution;

  constructor(scope: Construct, id: string, props: { api: HttpApi; webAclArn: string; originVerifySecret: ISecret }) {
    super(scope, id);
    const region = Stack.of(this).region;
    const viewerAddress = new cloudfront.Function(this, 'ViewerAddress', {
      comment: 'Failover Gateway: the viewer address for the API',
      runtime: cloudfront.FunctionRuntime.JS_2_0,
      code: cloudfront.FunctionCode.fromInline(VIEWER_ADDRESS_CODE),
    });
    this.distribution = new cloudfront.Distribution(this, 'Distribution', {
      comment: 'Failover Gateway API',
      webAclId: props.webAclArn,
      priceClass: cloudfront.PriceClass.PRICE_CLASS_100,
      defaultBehavior: {
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
      },
    });
    Validations.of(this.distribution).acknowledge(
      { id: 'AwsSolutions-CFR1', reason: 'The gateway serves its users wherever they are; access is controlled by sessions and the WAF rate rules, not by geography.' },
      { id: 'AwsSolutions-CFR3', reason: 'Every request is already logged by the HTTP API access log (and WAF samples blocked ones); a second access log in S3 would duplicate it.' },
      { id: 'AwsSolutions-CFR4', reason: 'The default *.cloudfront.net certificate allows no minimum TLS version setting; a custom domain with its own certificate sets TLSv1.2_2021.' },
    );
  }
}
