import { GetCommand, PutCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { documentClient, isConditionFailure } from './dynamo.js';
import { heldSecrets, holdSecret } from '../commons/held-secrets.js';

/**
 * Cold-start secrets from AWS, read once per Lambda environment into module memory (never into
 * process.env) before the configuration is parsed (local mode sets these as variables itself, and
 * none of this runs):
 * - GATEWAY_SECRET_ARN: the Secrets Manager secret with the service credentials
 *   (JSON: serviceUsername, servicePassword).
 * - CREDENTIAL_KMS_KEY_ID: the KMS key wrapping the data key that encrypts BAM credentials at rest.
 * The SDK clients for both are loaded here, on first use, since only cold starts in AWS need them.
 */
let loaded: Promise<void> | undefined;

export function loadSecrets(): Promise<void> {
  if (!process.env.GATEWAY_SECRET_ARN && !process.env.CREDENTIAL_KMS_KEY_ID) return Promise.resolve();
  loaded ??= (async () => {
    if (process.env.GATEWAY_SECRET_ARN) await loadServiceSecret(process.env.GATEWAY_SECRET_ARN);
    if (process.env.CREDENTIAL_KMS_KEY_ID && !heldSecrets().CREDENTIAL_KEY) {
      const create = process.env.CREDENTIAL_KEY_CREATOR === 'true';
      holdSecret('CREDENTIAL_KEY', await loadCredentialKey(documentClient, process.env.TABLE_NAME ?? '', process.env.CREDENTIAL_KMS_KEY_ID, { create }));
    }
  })().catch((err: unknown) => {
    loaded = undefined; // try again on the next invocation
    throw err;
  });
  return loaded;
}

async function loadServiceSecret(arn: string): Promise<void> {
  const { GetSecretValueCommand, SecretsManagerClient } = await import('@aws-sdk/client-secrets-manager');
  const res = await new SecretsManagerClient({}).send(new GetSecretValueCommand({ SecretId: arn }));
  const secret = JSON.parse(res.SecretString ?? '{}') as Record<string, string>;
  if (secret.serviceUsername) holdSecret('GATEWAY_SERVICE_USERNAME', secret.serviceUsername);
  if (secret.servicePassword) holdSecret('GATEWAY_SERVICE_PASSWORD', secret.servicePassword);
}

const DATA_KEY = { pk: 'CONFIG', sk: 'CREDENTIAL_DATA_KEY' };
const CONTEXT = { purpose: 'failover-gateway-bam-credentials' };

export class CredentialKeyMissingError extends Error {}

/**
 * Envelope encryption: the AES key for BAM credentials is a KMS data key, stored only wrapped
 * (in the table) and unwrapped with KMS once per cold start. Only the sessions function
 * (CREDENTIAL_KEY_CREATOR=true, `create`) may create it, with a conditional write so every node
 * uses the same one; the others fail this invocation until it exists, and retry on the next.
 * Answers it base64-encoded.
 */
export async function loadCredentialKey(db: DynamoDBDocumentClient, tableName: string, keyId: string, opts: { create: boolean }): Promise<string> {
  const { DecryptCommand, GenerateDataKeyCommand, KMSClient } = await import('@aws-sdk/client-kms');
  const kms = new KMSClient({});
  const stored = await db.send(new GetCommand({ TableName: tableName, Key: DATA_KEY, ConsistentRead: true }));
  let wrapped = stored.Item?.wrappedKey as string | undefined;
  if (!wrapped && !opts.create) {
    throw new CredentialKeyMissingError('The credential data key (CONFIG/CREDENTIAL_DATA_KEY) does not exist yet: the sessions function creates it on its first start (any /rest_login call). This invocation fails; the next one reads it again.');
  }
  if (!wrapped) {
    const fresh = await kms.send(new GenerateDataKeyCommand({ KeyId: keyId, KeySpec: 'AES_256', EncryptionContext: CONTEXT }));
    try {
      await db.send(
        new PutCommand({ TableName: tableName, Item: { ...DATA_KEY, type: 'config', wrappedKey: Buffer.from(fresh.CiphertextBlob!).toString('base64'), createdAt: Date.now() }, ConditionExpression: 'attribute_not_exists(pk)' }),
      );
      return Buffer.from(fresh.Plaintext!).toString('base64');
    } catch (err) {
      if (!isConditionFailure(err)) throw err;
      // Another function created it first: use theirs.
      wrapped = (await db.send(new GetCommand({ TableName: tableName, Key: DATA_KEY, ConsistentRead: true }))).Item?.wrappedKey as string;
    }
  }
  const plain = await kms.send(new DecryptCommand({ CiphertextBlob: Buffer.from(wrapped, 'base64'), KeyId: keyId, EncryptionContext: CONTEXT }));
  return Buffer.from(plain.Plaintext!).toString('base64');
}
