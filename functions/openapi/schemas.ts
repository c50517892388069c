import * as z from 'zod/mini';

/**
 * zod/mini schemas of what the API answers, for the OpenAPI document only: the handlers build
 * these shapes in code, and test/integration/openapi.test.ts checks real answers against them.
 */
const nullable = <T extends z.ZodMiniType>(t: T) => z.nullable(t);
const isoTime = z.string().check(z.describe('ISO 8601 time'));

/** The error envelope (docs/api.md): every gateway error but the failover 503 and /airlock/rest's. */
export const ErrorEnvelope = z.object({
  code: z.string().check(z.describe('a word, e.g. Unauthorized, SessionEndedByFailover')),
  message: z.string(),
  status: z.int(),
  details: z.optional(z.unknown()),
  correlation_id: z.optional(z.string().check(z.describe('on a 500: look it up in the function logs'))),
});

/** BlueCat's answer while a failover is in progress (with Retry-After). */
export const FailoverInProgress = z.object({
  code: z.literal(503),
  description: z.string(),
  status: z.literal('FailoverProcessing'),
  time: z.string().check(z.describe('UTC time of day, HH:MM:SS.ffffff')),
});

/** /airlock/rest errors, JSON:API style. */
export const JsonApiErrors = z.object({
  errors: z.array(z.object({ status: z.string(), code: z.string(), title: z.string(), detail: z.string() })),
});

export const Message = z.object({ message: z.string() });

export const LoginAnswer = z.object({ access_token: z.string().check(z.describe('"BAMAuthToken: <token>"; send the part after the space')) });

const MonitoringState = z.enum(['STOPPED', 'MONITORING', 'FAILOVER_IN_PROGRESS', 'SWITCHOVER_IN_PROGRESS']);

export const Switchover = nullable(
  z.object({
    state: z.enum(['IN_PROGRESS', 'COMPLETED', 'TIMED_OUT']),
    from: z.string(),
    target: z.string(),
    startedAt: nullable(isoTime),
    deadline: z.optional(nullable(isoTime)),
    endedAt: z.optional(nullable(isoTime)),
  }),
);

export const MonitorStatus = z.object({
  primary_url: nullable(z.string()),
  monitoring_state: MonitoringState,
  epoch: z.int(),
  split_brain: z.boolean(),
  failover_started_at: nullable(isoTime),
  switchover: Switchover,
  updated_at: nullable(isoTime),
  servers: z.array(
    z.object({
      name: z.string(),
      url: z.string(),
      role: z.enum(['PRIMARY', 'STANDBY', 'UNKNOWN']),
      reported_role: nullable(z.string()),
      probe_source: nullable(z.string()),
      last_failure: nullable(z.string()),
      last_failure_at: nullable(isoTime),
      outages: z.int(),
      health: z.enum(['UP', 'DOWN', 'MAINTENANCE']),
      mode: z.enum(['ENABLED', 'NO_NEW_SESSIONS', 'DISABLED']),
      last_probe_time: nullable(isoTime),
      latency_ms: nullable(z.number()),
      consecutive_failures: z.int(),
    }),
  ),
});

export const NodeStateAnswer = z.object({
  node_id: nullable(z.string()),
  node_role: z.enum(['primary', 'secondary', 'not_in_group']),
  primary_node: nullable(z.string()),
  epoch: nullable(z.int()),
  last_heartbeat_time: nullable(isoTime),
  heartbeat_method: nullable(z.literal('shared-table')),
  last_updated: nullable(isoTime),
});

export const GroupAnswer = z.object({
  epoch: nullable(z.int()),
  primary_node: nullable(z.string()),
  health_report_interval: z.number(),
  health_check_interval: z.number(),
  allowed_absence_interval: z.number(),
  nodes: z.array(z.object({ node_id: z.string(), node_role: z.string(), url: nullable(z.optional(z.string())), joined: nullable(isoTime), last_seen: nullable(isoTime), available: z.boolean() })),
});

export const GroupFailoverBody = z.optional(nullable(z.object({ expected_epoch: z.optional(z.int().check(z.minimum(0))) })));
export const GroupFailoverAnswer = z.object({ message: z.string(), previous_primary: nullable(z.string()), primary_node: z.string(), epoch: z.int() });

export const Permissions = z.object({ permissions: z.array(z.string()) });
export const Groups = z.object({ groups: z.array(z.string()) });
export const Sessions = z.object({
  sessions: z.array(
    z.object({ id: z.string(), created_at: isoTime, last_seen_at: isoTime, expires_at: isoTime, target: z.string(), bound_server: nullable(z.optional(z.string())), restorable: z.boolean() }),
  ),
});
export const Revoked = z.object({ revoked: z.array(z.string()) });
/** A user's session lifetime (admin-session-lifetime.ts): seconds, or null for no absolute lifetime. */
export const UserSessionLifetime = z.object({ username: z.string(), session_max_lifetime_seconds: z.nullable(z.int()), source: z.enum(['user', 'default']), default_seconds: z.int() });
export const SessionLifetimes = z.object({
  default_seconds: z.int(),
  users: z.array(z.object({ username: z.string(), session_max_lifetime_seconds: z.nullable(z.int()), updated_by: z.string(), updated_at: isoTime })),
});

// /airlock/rest: JSON:API documents. Attributes are listed; clients should ignore ones they do not know.
const HostMode = z.enum(['ENABLED', 'NO_NEW_SESSIONS', 'DISABLED']);
const BackendHost = z.object({
  name: z.string(),
  protocol: z.string(),
  hostName: z.string(),
  port: z.union([z.string(), z.int()]),
  mode: HostMode,
  spare: z.optional(z.boolean()),
  weight: z.optional(z.int()),
});
const GroupDocument = z.object({ type: z.literal('back-end-group'), id: z.string(), attributes: z.object({ name: z.string(), backendHosts: z.array(BackendHost) }) });

export const AirlockSessionCreated = z.object({ meta: z.object({ user: z.string(), expiresAt: isoTime }) });
export const AirlockMeta = z.object({ meta: z.object({ message: z.string() }) });
export const AirlockNodeStatus = z.object({
  data: z.object({ type: z.literal('node-status'), id: z.string(), attributes: z.object({ version: z.string(), hostName: z.string(), failoverState: z.enum(['active', 'passive', 'standalone']) }) }),
});
export const AirlockConfigurations = z.object({
  data: z.array(z.object({ type: z.literal('configuration'), id: z.string(), attributes: z.looseObject({ configType: z.string(), comment: z.optional(z.string()) }) })),
});
export const AirlockGroups = z.object({ data: z.array(GroupDocument) });
export const AirlockGroup = z.object({ data: GroupDocument });
export const AirlockHostModeChange = z.object({
  data: z.object({
    type: z.optional(z.literal('back-end-host-mode-change')),
    attributes: z.object({ protocol: z.optional(z.string()), hostName: z.string(), port: z.optional(z.union([z.string(), z.int()])), mode: HostMode }),
  }),
});
export const AirlockValidatorMessages = z.object({
  data: z.array(z.object({ type: z.literal('validator-message'), id: z.string(), attributes: z.object({ detail: z.string() }), meta: z.object({ severity: z.enum(['ERROR', 'WARNING', 'INFO']) }) })),
});
export const AirlockActivate = z.optional(
  nullable(
    z.object({ comment: z.optional(z.string().check(z.maxLength(1000))), options: z.optional(z.object({ autoMerge: z.optional(z.boolean()), ignoreOutdatedConfiguration: z.optional(z.boolean()) })) }),
  ),
);
export const AirlockActivated = z.object({
  data: z.object({
    type: z.literal('configuration'),
    id: z.string(),
    attributes: z.object({
      configType: z.literal('CURRENTLY_ACTIVE'),
      comment: z.string(),
      version: z.int(),
      merged: z.boolean(),
      changes: z.array(z.object({ host: z.string(), previous: HostMode, new: HostMode })),
    }),
  }),
});
export const AirlockGroupStatus = z.object({
  data: z.object({
    type: z.literal('back-end-group-status'),
    id: z.string(),
    attributes: z.object({
      name: z.string(),
      backendHosts: z.array(
        z.object({
          name: z.string(),
          protocol: z.string(),
          hostName: z.string(),
          port: z.union([z.string(), z.int()]),
          mode: HostMode,
          health: z.string(),
          role: z.string(),
          SessionCount: z.object({ Count: z.int() }),
        }),
      ),
      switchover: Switchover,
    }),
  }),
});
