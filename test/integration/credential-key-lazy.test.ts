import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { mockClient } from 'aws-sdk-client-mock';
import { GenerateDataKeyCommand, KMSClient } from '@aws-sdk/client-kms';
import { GetSecretValueCommand, SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { SimCluster } from '../../local/bam-sim/cluster.js';
import { LocalEventBus } from '../../local/event-bus.js';
import { lambdaContext } from '../../local/lambda-context.js';
import { freshTable } from '../support/dynamo.js';
import { fakeKms } from '../support/fake-kms.js';

/**
 * First deploy in AWS: the monitor starts before the sessions function has created the credential
 * data key. Its rounds must run (no failed invocation, no MonitorErrorsAlarm); only what needs the
 * key fails, and the key is picked up once it exists, without a restart. Real dynalite, simulated
 * BAM and local bus; KMS and Secrets Manager are mocked (there are none locally).
 */
const KEY_ID = 'arn:aws:kms:eu-west-1:111122223333:key/k';
const kms = mockClient(KMSClient);
const sm = mockClient(SecretsManagerClient);
let t: Awaited<ReturnType<typeof freshTable>>;
let cluster: SimCluster;
let bus: LocalEventBus;

beforeAll(async () => {
  t = await freshTable();
  cluster = await new SimCluster().start();
  bus = await new LocalEventBus({ retries: 0, backoffMs: 10 }).start();
  Object.assign(process.env, {
    AWS_ENDPOINT_URL_DYNAMODB: t.endpoint,
    TABLE_NAME: t.tableName,
    AWS_ENDPOINT_URL_EVENTBRIDGE: bus.endpoint,
    EVENT_BUS_NAME: 'gateway-test',
    BAM_SERVERS: cluster.serverList(),
    GATEWAY_SECRET_ARN: 'arn:aws:secretsmanager:eu-west-1:111122223333:secret:gw',
    CREDENTIAL_KMS_KEY_ID: KEY_ID,
  });
  for (const name of ['GATEWAY_SERVICE_USERNAME', 'GATEWAY_SERVICE_PASSWORD', 'CREDENTIAL_KEY', 'CREDENTIAL_KEY_CREATOR', 'NODE_ID']) delete process.env[name];
  vi.resetModules(); // the gateway modules read the environment when first imported
  sm.on(GetSecretValueCommand).resolves({ SecretString: JSON.stringify({ serviceUsername: 'gateway-svc', servicePassword: 'gateway-svc-pass' }) });
  fakeKms(kms);
});
afterAll(async () => {
  await cluster?.close();
  await bus?.close();
  await t?.close();
});

describe('a function that is not the data-key creator, started before the key exists', () => {
  it('the monitor runs its probe round and writes its state', async () => {
    const { handler } = await import('../../functions/lambdas/monitor.js');
    await expect(handler({ mode: 'once' }, lambdaContext('gateway-monitor', 60_000))).resolves.toEqual({ rounds: 1 });
    const { gatewayDeps } = await import('../../functions/wiring/gateway.js');
    const stored = await gatewayDeps().monitorStore.get();
    expect(stored?.state.primary).toBe('bam1');
    expect(kms).toHaveReceivedCommandTimes(GenerateDataKeyCommand, 0);
  });

  it('fails only the service session for a new Primary, with a logged reason, and uses the key once it exists', async () => {
    const { gatewayDeps } = await import('../../functions/wiring/gateway.js');
    const { logger } = await import('../../functions/kernel/logger.js');
    const { CredentialKeyMissingError, loadCredentialKey } = await import('../../functions/wiring/secrets.js');
    const errors = vi.spyOn(logger, 'error');
    const { monitor, monitorStore } = gatewayDeps();
    const state = (await monitorStore.get())!.state;

    const refused = await monitor.onNewPrimary!(state).catch((err: unknown) => err);
    expect(refused).toBeInstanceOf(CredentialKeyMissingError);
    expect(JSON.stringify(errors.mock.calls)).toMatch(/CREDENTIAL_DATA_KEY\) does not exist yet/);
    expect(await monitorStore.getServiceSession(state.epoch)).toBeUndefined();

    // The sessions function creates the key (its deployment trigger or a first login) ...
    await loadCredentialKey(t.db, t.tableName, KEY_ID, { create: true });
    // ... and the same, still running, function picks it up on its next credential operation.
    const session = await monitor.onNewPrimary!(state);
    expect(session).toMatchObject({ epoch: state.epoch, server: 'bam1', credential: expect.stringMatching(/^v1\./) });
    expect((await monitorStore.getServiceSession(state.epoch))?.credential).toBeTruthy();
  });
});
