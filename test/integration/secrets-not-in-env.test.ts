import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { randomBytes } from 'node:crypto';
import { mockClient } from 'aws-sdk-client-mock';
import { GenerateDataKeyCommand, KMSClient } from '@aws-sdk/client-kms';
import { GetSecretValueCommand, SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { freshTable } from '../support/dynamo.js';
import { fakeKms } from '../support/fake-kms.js';
import type { RunnerRequest, RunnerResponse } from '../../functions/workflows/ports.js';

/**
 * A cold start as in AWS (docs/security.md): Secrets Manager and KMS are mocked (there are none locally),
 * the data-key item lives in dynalite. The secrets must end in module memory, never in
 * process.env, where workflow code dumping the environment would find them.
 */
const PASSWORD = `svc-pass-${randomBytes(6).toString('hex')}`;
const kms = mockClient(KMSClient);
const sm = mockClient(SecretsManagerClient);
let t: Awaited<ReturnType<typeof freshTable>>;
let plainKey: Buffer;

beforeAll(async () => {
  t = await freshTable();
  Object.assign(process.env, {
    AWS_ENDPOINT_URL_DYNAMODB: t.endpoint,
    TABLE_NAME: t.tableName,
    BAM_SERVERS: 'bam1=http://127.0.0.1:9',
    GATEWAY_SECRET_ARN: 'arn:aws:secretsmanager:eu-west-1:111122223333:secret:gw',
    CREDENTIAL_KMS_KEY_ID: 'arn:aws:kms:eu-west-1:111122223333:key/k',
  });
  vi.resetModules(); // the gateway modules read AWS_ENDPOINT_URL_DYNAMODB when first imported
  for (const name of ['GATEWAY_SERVICE_USERNAME', 'GATEWAY_SERVICE_PASSWORD', 'CREDENTIAL_KEY', 'CREDENTIAL_KEY_CREATOR']) delete process.env[name];
  sm.on(GetSecretValueCommand).resolves({ SecretString: JSON.stringify({ serviceUsername: 'gateway-svc', servicePassword: PASSWORD }) });
  fakeKms(kms, (k) => (plainKey = k));
});
afterAll(async () => t?.close());

const envDump = () => JSON.stringify(process.env);

describe('secrets at a cold start in AWS', () => {
  it('a function other than sessions does not create the data key, and runs on without it', async () => {
    const { loadSecrets, heldCredentialKey } = await import('../../functions/wiring/secrets.js');
    await loadSecrets();
    expect(heldCredentialKey()).toBeUndefined();
    expect(kms).toHaveReceivedCommandTimes(GenerateDataKeyCommand, 0);
  });

  it('the sessions function creates it; the service password and the key stay out of process.env, and the configuration has them', async () => {
    process.env.CREDENTIAL_KEY_CREATOR = 'true';
    const { loadSecrets, heldCredentialKey } = await import('../../functions/wiring/secrets.js');
    await loadSecrets();
    expect(kms).toHaveReceivedCommandTimes(GenerateDataKeyCommand, 1);
    const key = plainKey.toString('base64');
    expect(process.env).not.toHaveProperty('GATEWAY_SERVICE_PASSWORD');
    expect(process.env).not.toHaveProperty('CREDENTIAL_KEY');
    expect(envDump()).not.toContain(PASSWORD);
    expect(envDump()).not.toContain(key);
    const { config } = await import('../../functions/wiring/config.js');
    expect(config().service).toEqual({ username: 'gateway-svc', password: PASSWORD });
    expect(heldCredentialKey()!.equals(plainKey)).toBe(true);
  });

  it('workflow code that dumps the environment finds no secret', async () => {
    const { runnerOf, withRouteHandler } = await import('../support/runners.js');
    const handler = await runnerOf('failover_rest_endpoints');
    const answer = (await withRouteHandler(
      'failover_rest_endpoints',
      0,
      async () => ({ env: { ...process.env } }),
      () => handler(runnerRequest()),
    )) as RunnerResponse;
    expect(answer.ok).toBe(true);
    const body = answer.ok ? answer.result.body! : '';
    expect(body).toContain('TABLE_NAME'); // the dump did happen
    expect(body).not.toContain(PASSWORD);
    expect(body).not.toContain(plainKey.toString('base64'));
  });
});

function runnerRequest(): RunnerRequest {
  return {
    correlationId: 'test',
    workflow: 'failover_rest_endpoints',
    route: { method: 'GET', path: '/get_configurations' },
    input: { query: {}, body: undefined, params: {} },
    username: 'alice',
    bam: { url: 'http://127.0.0.1:9', apiVersion: 2, timeoutMs: 500, credential: { version: 2, authorization: 'Basic x' } },
    platform: {
      primaryUrl: null,
      monitoringState: 'STOPPED',
      nodeState: { node_id: null, node_role: 'not_in_group', primary_node: null, epoch: null, last_heartbeat_time: null, heartbeat_method: null, last_updated: null },
    },
    request: { method: 'GET', path: '/failover_rest_endpoints/get_configurations', headers: {} },
  };
}
