import { documentClient } from '../adapters/dynamo.js';
import { DynamoAirlockSessionStore } from '../adapters/airlock-session-store.js';
import { DynamoConfigurationStore } from '../adapters/configuration-store.js';
import { DynamoSessionStore } from '../adapters/session-store.js';
import { DynamoPermissionStore } from '../adapters/permission-store.js';
import { DynamoMonitorStore } from '../adapters/monitor-store.js';
import { DynamoGroupStore } from '../adapters/group-store.js';
import { EventBridgePublisher } from '../adapters/eventbridge-publisher.js';
import { config, type GatewayConfig } from './config.js';

export interface MaintenanceDeps {
  config: GatewayConfig;
  configurations: DynamoConfigurationStore;
  restSessions: DynamoAirlockSessionStore;
  /** Read only here: who holds a gateway session, and may they maintain. */
  sessions: DynamoSessionStore;
  permissions: DynamoPermissionStore;
  monitorStore: DynamoMonitorStore;
  groupStore: DynamoGroupStore;
  publisher: EventBridgePublisher;
}

let deps: MaintenanceDeps | undefined;

/**
 * The maintenance API's stores, built on first use (after configuration is read). Only what it
 * uses: not the session service or the monitor, so its bundle stays small.
 */
export function maintenanceDeps(): MaintenanceDeps {
  if (deps) return deps;
  const cfg = config();
  const t = cfg.tableName;
  deps = {
    config: cfg,
    configurations: new DynamoConfigurationStore(documentClient, t),
    restSessions: new DynamoAirlockSessionStore(documentClient, t),
    sessions: new DynamoSessionStore(documentClient, t),
    permissions: new DynamoPermissionStore(documentClient, t),
    monitorStore: new DynamoMonitorStore(documentClient, t),
    groupStore: new DynamoGroupStore(documentClient, t),
    publisher: new EventBridgePublisher(cfg.eventBusName ?? 'default'),
  };
  return deps;
}
