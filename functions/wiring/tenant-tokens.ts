import { documentClient } from '../adapters/dynamo.js';
import { DynamoTenantTokenStore } from '../adapters/tenant-token-store.js';
import { SecretTenantTokenKey } from '../adapters/tenant-token-key.js';
import { TenantTokens, keyOf } from '../maintenance/tenant-token-service.js';
import type { MaintenancePrincipal } from '../maintenance/domain/contract.js';
import { environment, tableName } from './environment.js';

/**
 * This process's tenant-token service, on the gateway table (TABLE_NAME) and the gateway's key:
 * TENANT_TOKEN_KEY, a variable the local runtime makes per `npm start`, or in AWS the generated
 * secret TENANT_TOKEN_SECRET_ARN. The maintenance API verifies Bearer tokens with it; the local
 * runtime's `/_local/user-manager` control issues and revokes through `tenantTokens()`. Needs only
 * the table and the key, not the gateway's whole configuration.
 */
let service: TenantTokens | undefined;

export function tenantTokens(): TenantTokens {
  if (service) return service;
  const e = environment();
  const key = new SecretTenantTokenKey({ ...(e.TENANT_TOKEN_KEY ? { key: e.TENANT_TOKEN_KEY } : {}), ...(e.TENANT_TOKEN_SECRET_ARN ? { secretArn: e.TENANT_TOKEN_SECRET_ARN } : {}) });
  service = new TenantTokens(new DynamoTenantTokenStore(documentClient, tableName()), keyOf(key));
  return service;
}

/** A tenant user's Bearer token → who calls and their path rights; GatewayError 401 `InvalidToken` otherwise. */
export function verifyTenantToken(token: string): Promise<MaintenancePrincipal> {
  return tenantTokens().verify(token);
}
