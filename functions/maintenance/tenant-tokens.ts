import { GatewayError } from '../commons/errors.js';
import type { AirlockPrincipal } from './contract.js';

/**
 * Placeholder until the tenant-token work lands (npm run user-manager): no tenant token is valid
 * yet. The real module verifies the JWT, its expiry and its revocation, and keeps this signature.
 */
export async function verifyTenantToken(_token: string): Promise<AirlockPrincipal> {
  throw new GatewayError(401, 'Unauthorized', 'The token is not valid: tenant tokens are not issued by this gateway yet.');
}
