import middy from '@middy/core';
import httpHeaderNormalizer from '@middy/http-header-normalizer';
import type { Context } from 'aws-lambda';
import { documentClient } from '../adapters/dynamo.js';
import { DynamoMaintenanceSessionStore } from '../adapters/maintenance-session-store.js';
import { DynamoConfigurationStore } from '../adapters/configuration-store.js';
import { DynamoSessionStore } from '../adapters/session-store.js';
import { DynamoPermissionStore } from '../adapters/permission-store.js';
import { DynamoMonitorStore } from '../adapters/monitor-store.js';
import { DynamoGroupStore } from '../adapters/group-store.js';
import { EventBridgePublisher } from '../adapters/eventbridge-publisher.js';
import type { HttpEvent, HttpResult } from '../kernel/http.js';
import { originVerify } from '../kernel/origin-verify.js';
import { jsonApiErrors } from '../maintenance/http/jsonapi-errors.js';
import type { MaintenanceApiDeps } from '../maintenance/http/maintenance-api.js';
import { config, edgeSettings } from './config.js';
import { environment } from './environment.js';
import { loadOriginVerifySecret, loadSecrets } from './secrets.js';
import { tenantTokens } from './tenant-tokens.js';

/**
 * The maintenance API's wiring: the only place that builds its adapters. Only what it uses (not
 * the session service or the monitor), so its bundle stays small.
 */
let deps: MaintenanceApiDeps | undefined;

/** The maintenance API's dependencies, built once per process on first use (after the secrets the configuration needs are loaded). */
export function maintenanceDeps(): MaintenanceApiDeps {
  if (deps) return deps;
  const cfg = config();
  const t = cfg.tableName;
  deps = {
    settings: {
      servers: cfg.servers,
      ...(cfg.node ? { nodeId: cfg.node.id } : {}),
      localMode: cfg.localMode,
      admins: cfg.admins,
      sessionMaxLifetimeSeconds: cfg.sessionMaxLifetimeSeconds,
      version: environment().GATEWAY_VERSION ?? '0.1.0',
      trustedOrigins: cfg.edge.trustedOrigins,
    },
    configurations: new DynamoConfigurationStore(documentClient, t),
    maintenanceSessions: new DynamoMaintenanceSessionStore(documentClient, t),
    gatewaySessions: new DynamoSessionStore(documentClient, t),
    permissions: new DynamoPermissionStore(documentClient, t),
    monitor: new DynamoMonitorStore(documentClient, t),
    group: new DynamoGroupStore(documentClient, t),
    publisher: new EventBridgePublisher(cfg.eventBusName),
    tenantTokens: tenantTokens(),
  };
  return deps;
}

/**
 * The maintenance API's middleware: lower-cased headers, JSON:API errors, requests that went
 * around the CloudFront edge refused (before anything else runs), secrets loaded. No csrfGuard:
 * the API refuses cross-site cookie calls itself, in JSON:API's shape (http/caller.ts).
 */
export function maintenanceChain() {
  const edge = edgeSettings(environment());
  return middy<HttpEvent, HttpResult, Error, Context>()
    .use(httpHeaderNormalizer())
    .use(jsonApiErrors())
    .use(originVerify({ secretArn: edge.originVerifySecretArn, localMode: edge.localMode, loadSecret: loadOriginVerifySecret }))
    .before(loadSecrets);
}
