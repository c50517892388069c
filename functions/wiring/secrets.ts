import { GetCommand, PutCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { documentClient, isConditionFailure } from '../adapters/dynamo.js';
import { heldSecrets, holdSecret } from './held-secrets.js';
import { CredentialKeyMissingError } from '../sessions/domain/lazy-credential-cipher.js';
import { environment, tableName } from './environment.js';

export { CredentialKeyMissingError };

/**
 * Secrets from AWS, read into module memory (never into the process environment); local mode sets them as
 * variables itself, and none of this runs:
 * - GATEWAY_SECRET_ARN: the Secrets Manager secret with the service credentials
 *   (JSON: serviceUsername, servicePassword, and failoverClientKey when the Failover API is used),
 *   read once per Lambda environment.
 * - CREDENTIAL_KMS_KEY_ID: the KMS key wrapping the data key that encrypts BAM credentials at rest
 *   (see loadCredentialKey). Only encrypting or decrypting a BAM credential needs that key.
 * The SDK clients for both are loaded here, on first use, since only AWS needs them.
 */
let serviceLoaded: Promise<void> | undefined;
let originVerifyLoaded: Promise<string> | undefined;

/**
 * The value CloudFront sends in `x-origin-verify` (ORIGIN_VERIFY_SECRET_ARN, set only when the
 * edge exists), once per Lambda environment, held in memory (retried on the next call if it failed).
 */
export function loadOriginVerifySecret(arn: string): Promise<string> {
  originVerifyLoaded ??= readSecretString(arn)
    .then((value) => {
      holdSecret('ORIGIN_VERIFY_SECRET', value);
      return value;
    })
    .catch((err: unknown) => {
      originVerifyLoaded = undefined;
      throw err;
    });
  return originVerifyLoaded;
}

async function readSecretString(arn: string): Promise<string> {
  const { GetSecretValueCommand, SecretsManagerClient } = await import('@aws-sdk/client-secrets-manager');
  const res = await new SecretsManagerClient({}).send(new GetSecretValueCommand({ SecretId: arn }));
  if (!res.SecretString) throw new Error('the origin-verify secret has no string value');
  return res.SecretString;
}
let keyLoading: Promise<void> | undefined;

/** The service credentials, once per Lambda environment (retried on the next call if it failed). */
export function loadServiceSecret(): Promise<void> {
  const arn = environment().GATEWAY_SECRET_ARN;
  if (!arn) return Promise.resolve();
  serviceLoaded ??= readServiceSecret(arn).catch((err: unknown) => {
    serviceLoaded = undefined;
    throw err;
  });
  return serviceLoaded;
}

/**
 * Before each HTTP invocation: the service credentials, and the credential key. The data-key creator
 * (the sessions function, CREDENTIAL_KEY_CREATOR=true) makes the key exist or fails; any other
 * function picks it up if it exists and otherwise runs on: only what needs the key fails.
 */
export async function loadSecrets(): Promise<void> {
  await loadServiceSecret();
  if (environment().CREDENTIAL_KEY_CREATOR === 'true') return ensureCredentialKey();
  await ensureCredentialKey().catch((err: unknown) => {
    if (!(err instanceof CredentialKeyMissingError)) throw err;
  });
}

/**
 * Reads the data key (creating it only in the creator) unless this process already holds one: a
 * function started before the key existed picks it up later, without a restart. Once found it is
 * kept. Throws CredentialKeyMissingError while it does not exist.
 */
export function ensureCredentialKey(): Promise<void> {
  const keyId = environment().CREDENTIAL_KMS_KEY_ID;
  if (heldSecrets().CREDENTIAL_KEY || environment().CREDENTIAL_KEY || !keyId) return Promise.resolve();
  keyLoading ??= loadCredentialKey(documentClient, tableName(), keyId, { create: environment().CREDENTIAL_KEY_CREATOR === 'true' })
    .then((key) => holdSecret('CREDENTIAL_KEY', key))
    .finally(() => {
      keyLoading = undefined;
    });
  return keyLoading;
}

let decoded: { base64: string; key: Buffer } | undefined;

/** The data key this process holds, if any (the same Buffer each time, for the cipher's cache). */
export function heldCredentialKey(): Buffer | undefined {
  const base64 = heldSecrets().CREDENTIAL_KEY;
  if (!base64) return undefined;
  if (decoded?.base64 !== base64) decoded = { base64, key: Buffer.from(base64, 'base64') };
  return decoded.key;
}

/** Why there is no key, for the operator (logged), naming what to do. */
export function missingKeyError(): CredentialKeyMissingError {
  return new CredentialKeyMissingError(
    environment().CREDENTIAL_KMS_KEY_ID ? MISSING_DATA_KEY : 'No credential key is configured: set CREDENTIAL_KEY (32 bytes, base64) in local mode, or CREDENTIAL_KMS_KEY_ID in AWS.',
  );
}

const MISSING_DATA_KEY =
  'The credential data key (CONFIG/CREDENTIAL_DATA_KEY) does not exist yet: the sessions function creates it (its deployment trigger, or any /rest_login). Operations on BAM credentials fail until then; the item is read again on the next one.';

async function readServiceSecret(arn: string): Promise<void> {
  const { GetSecretValueCommand, SecretsManagerClient } = await import('@aws-sdk/client-secrets-manager');
  const res = await new SecretsManagerClient({}).send(new GetSecretValueCommand({ SecretId: arn }));
  const secret = JSON.parse(res.SecretString ?? '{}') as Record<string, string>;
  if (secret.serviceUsername) holdSecret('GATEWAY_SERVICE_USERNAME', secret.serviceUsername);
  if (secret.servicePassword) holdSecret('GATEWAY_SERVICE_PASSWORD', secret.servicePassword);
  // The Failover API client key (PEM); its certificate, CA and URLs are not secret (CDK context).
  if (secret.failoverClientKey) holdSecret('BAM_FAILOVER_CLIENT_KEY', secret.failoverClientKey);
}

const DATA_KEY = { pk: 'CONFIG', sk: 'CREDENTIAL_DATA_KEY' };
const CONTEXT = { purpose: 'failover-gateway-bam-credentials' };

/**
 * Envelope encryption: the AES key for BAM credentials is a KMS data key, stored only wrapped
 * (in the table) and unwrapped with KMS once per cold start. Only the sessions function
 * (CREDENTIAL_KEY_CREATOR=true, `create`) may create it, with a conditional write so every node
 * uses the same one; for the others a missing key is a CredentialKeyMissingError.
 * Answers it base64-encoded.
 */
export async function loadCredentialKey(db: DynamoDBDocumentClient, tableName: string, keyId: string, opts: { create: boolean }): Promise<string> {
  const { DecryptCommand, GenerateDataKeyCommand, KMSClient } = await import('@aws-sdk/client-kms');
  const kms = new KMSClient({});
  const stored = await db.send(new GetCommand({ TableName: tableName, Key: DATA_KEY, ConsistentRead: true }));
  let wrapped = stored.Item?.wrappedKey as string | undefined;
  if (!wrapped && !opts.create) {
    throw new CredentialKeyMissingError(MISSING_DATA_KEY);
  }
  if (!wrapped) {
    const fresh = await kms.send(new GenerateDataKeyCommand({ KeyId: keyId, KeySpec: 'AES_256', EncryptionContext: CONTEXT }));
    try {
      await db.send(
        new PutCommand({
          TableName: tableName,
          Item: { ...DATA_KEY, type: 'config', wrappedKey: Buffer.from(fresh.CiphertextBlob!).toString('base64'), createdAt: Date.now() },
          ConditionExpression: 'attribute_not_exists(pk)',
        }),
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
