/**
 * The key material tenant tokens are signed with (docs/maintenance.md), held in module memory:
 * - local mode: TENANT_TOKEN_KEY, a random string the local runtime makes per `npm start`
 *   (shared by both nodes; tokens die with the process, as its table does);
 * - AWS: the generated Secrets Manager secret named by TENANT_TOKEN_SECRET_ARN, read once per
 *   Lambda environment (retried on the next call if it failed).
 */
let loading: Promise<string> | undefined;

export function tenantTokenKeyMaterial(env: Readonly<Record<string, string | undefined>>): Promise<string> {
  if (env.TENANT_TOKEN_KEY) return Promise.resolve(env.TENANT_TOKEN_KEY);
  const arn = env.TENANT_TOKEN_SECRET_ARN;
  if (!arn) return Promise.reject(new Error('No tenant-token key: set TENANT_TOKEN_KEY (local) or TENANT_TOKEN_SECRET_ARN (AWS).'));
  loading ??= readTenantTokenSecret(arn).catch((err: unknown) => {
    loading = undefined;
    throw err;
  });
  return loading;
}

/** The secret's value; the SDK client is loaded on first use, since only AWS needs it. */
export async function readTenantTokenSecret(arn: string, region?: string): Promise<string> {
  const { GetSecretValueCommand, SecretsManagerClient } = await import('@aws-sdk/client-secrets-manager');
  const client = new SecretsManagerClient(region ? { region } : {});
  try {
    const res = await client.send(new GetSecretValueCommand({ SecretId: arn }));
    if (!res.SecretString) throw new Error('the tenant-token secret has no string value');
    return res.SecretString;
  } finally {
    client.destroy();
  }
}
