import { createHash } from 'node:crypto';
import { GetSecretValueCommand, SecretsManagerClient } from '@aws-sdk/client-secrets-manager';

const client = new SecretsManagerClient({});
let loaded: Promise<void> | undefined;

/**
 * In AWS the service credentials and the credential-encryption key live in one Secrets Manager
 * secret (JSON: serviceUsername, servicePassword, and credentialKey or the generated credentialSeed), read once per cold start into
 * the process environment before configuration is parsed. Without GATEWAY_SECRET_ARN (local mode)
 * the environment already holds them and this does nothing.
 */
export function loadSecrets(): Promise<void> {
  const arn = process.env.GATEWAY_SECRET_ARN;
  if (!arn) return Promise.resolve();
  loaded ??= (async () => {
    const res = await client.send(new GetSecretValueCommand({ SecretId: arn }));
    const secret = JSON.parse(res.SecretString ?? '{}') as Record<string, string>;
    if (secret.serviceUsername) process.env.GATEWAY_SERVICE_USERNAME = secret.serviceUsername;
    if (secret.servicePassword) process.env.GATEWAY_SERVICE_PASSWORD = secret.servicePassword;
    if (secret.credentialKey) process.env.CREDENTIAL_KEY = secret.credentialKey;
    else if (secret.credentialSeed) process.env.CREDENTIAL_KEY = createHash('sha256').update(secret.credentialSeed).digest('base64');
  })().catch((err: unknown) => {
    loaded = undefined; // try again on the next invocation
    throw err;
  });
  return loaded;
}
