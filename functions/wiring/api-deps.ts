import { documentClient } from '../adapters/dynamo.js';
import { DynamoConfigurationStore } from '../adapters/configuration-store.js';
import { readEventRange } from '../adapters/event-log-range.js';
import { readHistory } from '../adapters/history-read.js';
import { invokeRunner } from '../adapters/runner-invoker.js';
import { DynamoThrottleStore } from '../adapters/throttle-store.js';
import { nodeState } from '../group/node-state.js';
import type { AvailabilityDeps } from '../group/http/availability.js';
import type { AdminDeps } from '../permissions/admin-deps.js';
import { knownPermissions } from '../permissions/known-permissions.js';
import type { LoginDeps } from '../sessions/http/login.js';
import type { LogoutDeps } from '../sessions/http/logout.js';
import { LoginThrottle, loginLimits } from '../sessions/login-throttle.js';
import type { UiDeps } from '../ui-api/ports.js';
import type { WorkflowCallDeps } from '../workflows/run-workflow.js';
import { workflowManifest } from '../workflows/manifest.js';
import { environment } from './environment.js';
import { heldCredentialKey } from './secrets.js';
import { gatewayDeps } from './gateway.js';

/**
 * What each HTTP API's routes need, built once per process from the gateway's parts
 * (wiring/gateway.ts), on first use: after the secrets are loaded, as the routes ask for them.
 */
const once = <T>(build: () => T): (() => T) => {
  let built: T | undefined;
  return () => (built ??= build());
};

export const loginDeps = /* @__PURE__ */ once((): LoginDeps => {
  const { config, sessionService } = gatewayDeps();
  const limits = loginLimits(environment());
  return { config, heldCredentialKey, sessionService, limits, throttle: new LoginThrottle(new DynamoThrottleStore(documentClient, config.tableName), limits) };
});

export const logoutDeps = /* @__PURE__ */ once((): LogoutDeps => {
  const { config, sessionService, sessions } = gatewayDeps();
  return { localMode: config.localMode, sessionService, sessions };
});

export const adminDeps = /* @__PURE__ */ once((): AdminDeps => {
  const { config, permissions, grants, sessionService, userSettings } = gatewayDeps();
  return { admins: config.admins, defaultLifetimeSeconds: config.sessionMaxLifetimeSeconds, permissions, grants, sessions: sessionService, userSettings };
});

export const availabilityDeps = /* @__PURE__ */ once((): AvailabilityDeps => {
  const { config, grants, permissions, groupStore, groupAgent, publisher } = gatewayDeps();
  return { admins: config.admins, ...(config.node ? { node: config.node } : {}), intervals: config.group, grants, permissions, groupStore, ...(groupAgent ? { groupAgent } : {}), publisher };
});

export const uiDeps = /* @__PURE__ */ once((): UiDeps => {
  const { config, monitorStore, permissions, sessions, groupView } = gatewayDeps();
  const table = config.tableName;
  return {
    config,
    knownPermissions,
    monitor: monitorStore,
    configuration: new DynamoConfigurationStore(documentClient, table),
    permissions,
    sessionCounter: sessions,
    groupView,
    events: { range: (r) => readEventRange(documentClient, table, r) },
    history: { samples: (now, after) => readHistory(documentClient, table, now, after) },
  };
});

export const workflowCallDeps = /* @__PURE__ */ once((): WorkflowCallDeps => {
  const { config, grants, sessionService, groupView } = gatewayDeps();
  return {
    manifest: workflowManifest,
    canRun: async (username, permission) => config.admins.includes(username) || grants.has(username, permission),
    nodeState: async () => (config.node ? nodeState(await groupView.current(config.stateCacheMs), config.node.id) : nodeState(undefined, undefined)),
    invoke: (workflow, req) => invokeRunner(workflow, req, { ...(config.workflowRunners ? { functions: config.workflowRunners } : {}), timeoutMs: config.workflowTimeoutMs }),
    sessions: sessionService,
    bam: { apiVersion: config.apiVersion, timeoutMs: config.bamTimeoutMs },
  };
});
