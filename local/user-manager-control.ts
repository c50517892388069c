import { GatewayError } from '../functions/kernel/errors.js';
import { parseUserManagerCommand, runUserManagerCommand } from '../functions/maintenance/user-manager-commands.js';
import { tenantTokens } from '../functions/wiring/tenant-tokens.js';

/**
 * `POST /_local/user-manager`: `npm run user-manager` in another terminal reaches the running
 * `npm start` here, whose table and signing key live in this process. Local only (never deployed).
 */
export async function userManagerControl(body: string): Promise<{ status: number; body: unknown }> {
  try {
    let json: unknown;
    try {
      json = JSON.parse(body || 'null');
    } catch {
      throw new GatewayError(400, 'BadRequest', 'The body must be a JSON user-manager command.');
    }
    return { status: 200, body: await runUserManagerCommand(tenantTokens(), parseUserManagerCommand(json)) };
  } catch (err) {
    if (err instanceof GatewayError) return { status: err.status, body: { code: err.code, message: err.message, status: err.status } };
    throw err;
  }
}
