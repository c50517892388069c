import { documentClient } from '../adapters/dynamo.js';
import { DynamoAirlockSessionStore } from '../adapters/airlock-session-store.js';
import { DynamoConfigurationStore } from '../adapters/configuration-store.js';
import { config } from '../commons/config.js';

export interface MaintenanceDeps {
  configurations: DynamoConfigurationStore;
  restSessions: DynamoAirlockSessionStore;
}

let deps: MaintenanceDeps | undefined;

/** The maintenance API's stores, built on first use (after configuration is read). */
export function maintenanceDeps(): MaintenanceDeps {
  const { tableName } = config();
  deps ??= { configurations: new DynamoConfigurationStore(documentClient, tableName), restSessions: new DynamoAirlockSessionStore(documentClient, tableName) };
  return deps;
}
