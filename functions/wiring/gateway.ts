import { config, groupConfig, type GatewayConfig, type GroupConfig } from './config.js';
import { documentClient } from '../adapters/dynamo.js';
import { DynamoSessionStore } from '../adapters/session-store.js';
import { DynamoMonitorStore } from '../adapters/monitor-store.js';
import { DynamoPermissionStore } from '../adapters/permission-store.js';
import { DynamoGroupStore } from '../adapters/group-store.js';
import { GroupAgent } from '../group/group-agent.js';
import { roleOf } from '../group/domain/group.js';
import { EventBridgePublisher } from '../adapters/eventbridge-publisher.js';
import { LazyCredentialCipher } from '../sessions/domain/lazy-credential-cipher.js';
import { ensureCredentialKey, heldCredentialKey, missingKeyError } from './secrets.js';
import { FailoverMonitor } from '../monitor/failover-monitor.js';
import { probeServer } from '../bam/probe.js';
import { SystemInfoSessions } from '../bam/system-info-sessions.js';
import { SessionService } from '../sessions/session-service.js';
import { DynamoConfigurationStore } from '../adapters/configuration-store.js';
import { logger } from '../kernel/logger.js';
import { prepareHandover } from '../bam/handover.js';
import { MonitorStateCache } from '../monitor/monitor-state-cache.js';
import { GrantCache } from '../permissions/grant-cache.js';
import { GroupView } from '../group/group-view.js';
import { DynamoUserSettingsStore } from '../adapters/user-settings-store.js';

const serverOf = (cfg: GatewayConfig, name: string) => cfg.servers.find((s) => s.name === name)!;

export interface GatewayDeps {
  config: GatewayConfig;
  sessions: DynamoSessionStore;
  monitorStore: DynamoMonitorStore;
  permissions: DynamoPermissionStore;
  /** Per-user settings an admin gives (the session lifetime of automation accounts). */
  userSettings: DynamoUserSettingsStore;
  /** Workflow permission checks, cached for at most GRANT_CACHE_MS (cleared by this process's admin changes). */
  grants: GrantCache;
  /** The monitor state as requests use it (see monitor-state-cache.ts). */
  stateCache: MonitorStateCache;
  groupStore: DynamoGroupStore;
  /** Present when this gateway is a node of an availability group (NODE_ID set). */
  groupAgent?: GroupAgent;
  /** The group state without a read per use (the agent's view, or a short-lived read). */
  groupView: GroupView;
  monitor: FailoverMonitor;
  sessionService: SessionService;
  publisher: EventBridgePublisher;
}

let deps: GatewayDeps | undefined;

/** The wired-up domain services of this process, built on first use (after configuration is read). */
export function gatewayDeps(): GatewayDeps {
  if (deps) return deps;
  const cfg = config();
  const monitorStore = new DynamoMonitorStore(documentClient, cfg.tableName);
  // Every state this process reads or commits (monitor rounds, probes, logins) refreshes the requests' cache.
  const stateCache = new MonitorStateCache(monitorStore, cfg.stateCacheMs);
  const { publisher, groupStore, groupAgent } = groupParts(cfg);
  const node = cfg.node;
  const groupView = new GroupView(() => groupStore.get(), groupAgent);
  // The monitor's role check: the agent's view while it ticks in this process, else one read per
  // agent interval pair (a role change reaches the monitor at most that late; a deposed Primary's
  // extra rounds are harmless, every monitor write being conditional).
  const roleFreshMs = 2 * Math.max(cfg.group.healthReportMs, cfg.group.healthCheckMs);
  const systemInfo = new SystemInfoSessions(cfg.service);
  const configuration = new DynamoConfigurationStore(documentClient, cfg.tableName);
  const monitor = new FailoverMonitor({
    servers: cfg.servers,
    probe: (name, url, timeoutMs) => {
      const failoverUrl = cfg.failoverApi?.urls[name];
      return probeServer(name, url, timeoutMs, {
        systemInfo: () => systemInfo.systemInfo(name, url, timeoutMs),
        ...(failoverUrl ? { failoverApi: { url: failoverUrl, tls: cfg.failoverApi! } } : {}),
      });
    },
    settings: { failuresBeforeFailover: cfg.probe.failuresBeforeFailover, probeIntervalMs: cfg.probe.intervalMs, switchoverBoundMs: cfg.switchoverBoundMs },
    probeTimeoutMs: cfg.probe.timeoutMs,
    modes: async () => (await configuration.get()).modes,
    store: stateCache.through,
    publisher,
    publishes: cfg.monitorPublishesEvents,
    // In an availability group only the Primary node's monitor probes (requests on any node still
    // trigger immediate probes; every write is conditional, so a stale Primary cannot corrupt state).
    ...(node
      ? {
          gate: async () => {
            // The agent's own role also holds its lease: a node cut off from the table stops probing at once.
            if (groupAgent && groupAgent.observedAt > 0 && Date.now() - groupAgent.observedAt < roleFreshMs) return groupAgent.role === 'PRIMARY';
            return roleOf(await groupView.current(roleFreshMs), node.id) === 'PRIMARY';
          },
        }
      : {}),
    handover: (sw) => prepareHandover(serverOf(cfg, sw.from), serverOf(cfg, sw.target), cfg.service, cfg.bamTimeoutMs),
    onHandoverError: (err, sw) => logger.error('planned switchover refused by the Primary: handled as a failover', { from: sw.from, target: sw.target, error: (err as Error).message }),
    onTransition: (s, events) => logger.info('failover monitor transition', { monitoringState: s.monitoringState, primary: s.primary, epoch: s.epoch, events }),
  });
  const sessionStore = new DynamoSessionStore(documentClient, cfg.tableName);
  const userSettings = new DynamoUserSettingsStore(documentClient, cfg.tableName);
  const sessionService = new SessionService({
    config: cfg,
    sessions: sessionStore,
    monitor: stateCache.through,
    stateCache,
    // The key may not exist yet when this function starts (AWS): only credential operations wait for it.
    cipher: new LazyCredentialCipher(
      () => cfg.credentialKey ?? heldCredentialKey(),
      () => {
        const err = missingKeyError();
        logger.error('BAM credential operation refused: no credential key', { reason: err.detail });
        return err;
      },
    ),
    probeNow: (minGapMs) => monitor.probeNow(minGapMs),
    hostModes: async () => (await configuration.get()).modes,
    userSettings,
  });
  // Log the service user in to a newly confirmed Primary at once, so restored sessions find it ready
  // (reading the data key first if this function started before it existed).
  monitor.onNewPrimary = async (state) => {
    await ensureCredentialKey().catch((err: unknown) => {
      logger.error('service session for the new Primary not prepared: no credential key', { reason: (err as { detail?: string }).detail ?? String(err) });
      throw err;
    });
    return sessionService.serviceSession(state, { justConfirmed: true });
  };
  const permissions = new DynamoPermissionStore(documentClient, cfg.tableName);
  deps = {
    config: cfg,
    sessions: sessionStore,
    monitorStore,
    permissions,
    userSettings,
    grants: new GrantCache((user, permission) => permissions.has(user, permission), cfg.grantCacheMs),
    stateCache,
    groupStore,
    ...(groupAgent ? { groupAgent } : {}),
    groupView,
    monitor,
    sessionService,
    publisher,
  };
  return deps;
}

export interface GroupAgentDeps {
  config: GroupConfig;
  groupStore: DynamoGroupStore;
  publisher: EventBridgePublisher;
  groupAgent?: GroupAgent;
}

let agentDeps: GroupAgentDeps | undefined;

/** What the group agent function needs, and nothing more: no BAM server, secret or key. */
export function groupAgentDeps(): GroupAgentDeps {
  agentDeps ??= { config: groupConfig(), ...groupParts(groupConfig()) };
  return agentDeps;
}

let parts: Omit<GroupAgentDeps, 'config'> | undefined;

/** One group agent per process, shared by the agent's loop and the monitor's role check (one read, not two). */
function groupParts(cfg: GroupConfig): Omit<GroupAgentDeps, 'config'> {
  parts ??= makeGroupParts(cfg);
  return parts;
}

function makeGroupParts(cfg: GroupConfig): Omit<GroupAgentDeps, 'config'> {
  const publisher = new EventBridgePublisher(cfg.eventBusName);
  const groupStore = new DynamoGroupStore(documentClient, cfg.tableName);
  const node = cfg.node;
  const groupAgent = node
    ? new GroupAgent({
        nodeId: node.id,
        nodeUrl: node.url,
        intervals: cfg.group,
        store: groupStore,
        publisher,
        onRoleChange: (from, to, s) => logger.info('gateway node role changed', { node: node.id, from, to, epoch: s.epoch }),
      })
    : undefined;
  return { publisher, groupStore, ...(groupAgent ? { groupAgent } : {}) };
}
