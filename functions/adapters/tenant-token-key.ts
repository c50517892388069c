import type { TenantTokenKeySource } from '../maintenance/ports.js';

/**
 * The key material tenant tokens are signed with (docs/maintenance.md), held in module memory:
 * - local mode: `key`, a random string the local runtime makes per `npm start` (shared by both
 *   nodes; tokens die with the process, as its table does);
 * - AWS: the generated Secrets Manager secret `secretArn`, read once per Lambda environment
 *   (retried on the next call if it failed).
 */
export class SecretTenantTokenKey implements TenantTokenKeySource {
  private loading: Promise<string> | undefined;

  constructor(private readonly from: { key?: string; secretArn?: string }) {}

  material(): Promise<string> {
    if (this.from.key) return Promise.resolve(this.from.key);
    const arn = this.from.secretArn;
    if (!arn) return Promise.reject(new Error('No tenant-token key: set TENANT_TOKEN_KEY (local) or TENANT_TOKEN_SECRET_ARN (AWS).'));
    this.loading ??= readTenantTokenSecret(arn).catch((err: unknown) => {
      this.loading = undefined;
      throw err;
    });
    return this.loading;
  }
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
