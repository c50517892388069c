import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { mockClient } from 'aws-sdk-client-mock';
import { GenerateDataKeyCommand, KMSClient } from '@aws-sdk/client-kms';
import { GetSecretValueCommand, SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { GetCommand } from '@aws-sdk/lib-dynamodb';
import type { APIGatewayProxyEventV2 } from 'aws-lambda';
import { lambdaContext } from '../../local/lambda-context.js';
import { freshTable } from '../support/dynamo.js';
import { fakeKms } from '../support/fake-kms.js';

/**
 * At deployment a CDK trigger invokes the sessions function with no payload (Lambda passes `{}`), or
 * explicitly `{"gatewayInit": "credential-key"}`: it makes the credential data key exist, so no
 * other function waits for a first /rest_login. KMS and Secrets Manager are mocked (none locally);
 * the key item lives in dynalite.
 */
const kms = mockClient(KMSClient);
const sm = mockClient(SecretsManagerClient);
let t: Awaited<ReturnType<typeof freshTable>>;

beforeAll(async () => {
  t = await freshTable();
  Object.assign(process.env, {
    AWS_ENDPOINT_URL_DYNAMODB: t.endpoint,
    TABLE_NAME: t.tableName,
    BAM_SERVERS: 'bam1=http://127.0.0.1:9',
    GATEWAY_SECRET_ARN: 'arn:aws:secretsmanager:eu-west-1:111122223333:secret:gw',
    CREDENTIAL_KMS_KEY_ID: 'arn:aws:kms:eu-west-1:111122223333:key/k',
    CREDENTIAL_KEY_CREATOR: 'true', // as CDK sets it on the sessions function only
  });
  for (const name of ['GATEWAY_SERVICE_USERNAME', 'GATEWAY_SERVICE_PASSWORD', 'CREDENTIAL_KEY', 'NODE_ID']) delete process.env[name];
  vi.resetModules();
  sm.on(GetSecretValueCommand).resolves({ SecretString: JSON.stringify({ serviceUsername: 'gateway-svc', servicePassword: 'pw' }) });
  fakeKms(kms);
});
afterAll(async () => t?.close());

const keyItem = async () => (await t.db.send(new GetCommand({ TableName: t.tableName, Key: { pk: 'CONFIG', sk: 'CREDENTIAL_DATA_KEY' } }))).Item;

describe('the sessions function init event', () => {
  it('the trigger invocation (empty payload) creates the data key and answers ok', async () => {
    const { handler } = await import('../../functions/lambdas/sessions.js');
    expect(await keyItem()).toBeUndefined();
    await expect(handler({}, lambdaContext('gateway-sessions', 29_000))).resolves.toEqual({ ok: true });
    expect((await keyItem())?.wrappedKey).toEqual(expect.any(String));
  });

  it('the explicit init event answers ok and creates no second key', async () => {
    const { handler } = await import('../../functions/lambdas/sessions.js');
    await expect(handler({ gatewayInit: 'credential-key' }, lambdaContext('gateway-sessions', 29_000))).resolves.toEqual({ ok: true });
    expect(kms).toHaveReceivedCommandTimes(GenerateDataKeyCommand, 1);
  });

  it('an API request carrying the same fields in its body is routed as HTTP, never as init', async () => {
    const { handler } = await import('../../functions/lambdas/sessions.js');
    const event = {
      version: '2.0',
      routeKey: 'POST /rest_login',
      rawPath: '/rest_login',
      rawQueryString: '',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ gatewayInit: 'credential-key' }),
      isBase64Encoded: false,
      requestContext: { http: { method: 'POST', path: '/rest_login', sourceIp: '127.0.0.1' }, requestId: 'r' },
    } as unknown as APIGatewayProxyEventV2;
    const answer = await handler(event, lambdaContext('gateway-sessions', 29_000));
    expect(answer).not.toEqual({ ok: true });
    expect(answer).toMatchObject({ statusCode: 400 });
  });
});
