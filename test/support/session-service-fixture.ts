import { randomBytes } from 'node:crypto';
import { SimCluster } from '../../local/bam-sim/cluster.js';
import { parseConfig } from '../../functions/wiring/config.js';
import { DynamoSessionStore } from '../../functions/adapters/session-store.js';
import { DynamoMonitorStore } from '../../functions/adapters/monitor-store.js';
import { CredentialCipher } from '../../functions/sessions/domain/credential-cipher.js';
import { SessionService } from '../../functions/sessions/session-service.js';
import { freshTable } from './dynamo.js';

/**
 * A SessionService on its own simulated cluster and dynalite table, with a clock the test moves:
 * for session rules that depend on time (expiry, lifetime, epochs) without waiting for it.
 */
export async function sessionServiceFixture(env: Record<string, string>, now: () => number) {
  const cluster = await new SimCluster().start();
  const t = await freshTable();
  const config = parseConfig({
    TABLE_NAME: t.tableName,
    BAM_SERVERS: cluster.serverList(),
    GATEWAY_SERVICE_USERNAME: 'gateway-svc',
    GATEWAY_SERVICE_PASSWORD: 'gateway-svc-pass',
    CREDENTIAL_KEY: randomBytes(32).toString('base64'),
    ...env,
  });
  const sessions = new DynamoSessionStore(t.db, t.tableName);
  const service = new SessionService({ config, sessions, monitor: new DynamoMonitorStore(t.db, t.tableName), cipher: new CredentialCipher(config.credentialKey!), now });
  return { cluster, t, config, sessions, service, close: async () => (await cluster.close(), await t.close()) };
}
