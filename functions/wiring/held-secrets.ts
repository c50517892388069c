/**
 * Secrets read at a cold start in AWS (functions/adapters/secrets.ts), kept in this module's
 * memory instead of the process environment, where any code that dumps the environment would find them.
 * The configuration reads them on top of the environment (local mode sets them as variables).
 */
export type SecretName = 'GATEWAY_SERVICE_USERNAME' | 'GATEWAY_SERVICE_PASSWORD' | 'CREDENTIAL_KEY' | 'ORIGIN_VERIFY_SECRET' | 'BAM_FAILOVER_CLIENT_KEY';

const held: Partial<Record<SecretName, string>> = {};

export function holdSecret(name: SecretName, value: string): void {
  held[name] = value;
}

export function heldSecrets(): Readonly<Partial<Record<SecretName, string>>> {
  return held;
}
