import { documentClient } from '../adapters/dynamo.js';
import { DynamoTenantTokenStore } from '../adapters/tenant-token-store.js';
import { tenantTokenKeyMaterial } from '../adapters/tenant-token-key.js';
import { TenantTokens, signingKey } from '../maintenance/tenant-token-service.js';
import type { AirlockPrincipal } from '../maintenance/domain/contract.js';
import { environment, tableName } from './environment.js';

/**
 * This process's tenant-token service, on the gateway table (TABLE_NAME) and the gateway's key
 * (adapters/tenant-token-key.ts). The maintenance API verifies Bearer tokens through
 * `verifyTenantToken`; the local runtime's `/_local/user-manager` control issues and revokes
 * through `tenantTokens()`.
 */
let service: TenantTokens | undefined;
let key: { material: string; bytes: Uint8Array } | undefined;

export function tenantTokens(): TenantTokens {
  service ??= new TenantTokens(new DynamoTenantTokenStore(documentClient, tableName()), async () => {
    const material = await tenantTokenKeyMaterial(environment());
    if (key?.material !== material) key = { material, bytes: signingKey(material) };
    return key.bytes;
  });
  return service;
}

/** A tenant user's Bearer token → who calls and their path rights; GatewayError 401 `InvalidToken` otherwise. */
export function verifyTenantToken(token: string): Promise<AirlockPrincipal> {
  return tenantTokens().verify(token);
}

/** A tenant REST session's principal while its token is live; GatewayError 401 `InvalidToken` once revoked or expired. */
export function recheckTenantToken(principal: AirlockPrincipal): Promise<AirlockPrincipal> {
  return tenantTokens().recheck(principal);
}
