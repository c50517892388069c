import type { Context } from 'aws-lambda';
import type { HttpLambda } from '../wiring/http-api.js';
import { loadSecrets } from '../wiring/secrets.js';
import { audit } from '../kernel/audit.js';
import { logger } from '../kernel/logger.js';

/**
 * The one non-HTTP event the sessions function answers: a deployment asks it to make the
 * credential data key exist, so no other function waits for a first /rest_login. The CDK trigger
 * invokes with no payload (Lambda passes `{}`); `{"gatewayInit": "credential-key"}` says the same
 * explicitly. API Gateway events always carry `routeKey` and `requestContext`, and nothing a client
 * sends becomes a top-level field, so only a direct Lambda invoke can produce these.
 */
export interface GatewayInitEvent {
  gatewayInit?: 'credential-key';
}

export interface GatewayInitAnswer {
  ok: true;
}

export function isInitEvent(event: unknown): event is GatewayInitEvent {
  if (!event || typeof event !== 'object' || Array.isArray(event)) return false;
  const e = event as Record<string, unknown>;
  if ('routeKey' in e || 'requestContext' in e) return false;
  return Object.keys(e).length === 0 || (Object.keys(e).length === 1 && e.gatewayInit === 'credential-key');
}

/** An HTTP Lambda that also answers the init event. */
export type InitAwareLambda = HttpLambda & ((event: GatewayInitEvent, context: Context) => Promise<GatewayInitAnswer>);

export function withInit(http: HttpLambda): InitAwareLambda {
  return (async (event: unknown, context: Context) => {
    if (!isInitEvent(event)) return http(event as Parameters<HttpLambda>[0], context);
    try {
      await loadSecrets(); // in the sessions function (the creator) this creates the key if missing
    } catch (err) {
      audit({ action: 'maintenance', outcome: 'failure', actor: 'deployment', target: 'credential-data-key', reason: (err as Error).name });
      logger.error('gateway init failed: the credential data key could not be made to exist', { error: err as Error });
      throw err; // the deployment trigger fails, and with it the deployment
    }
    audit({ action: 'maintenance', outcome: 'success', actor: 'deployment', target: 'credential-data-key' });
    return { ok: true };
  }) as InitAwareLambda;
}
