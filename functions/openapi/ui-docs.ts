import * as z from 'zod/mini';
import type { OperationDoc } from './operation-docs.js';

/** The web UI's API (/ui/api, functions/handlers/ui.ts): what the OpenAPI document says of it. */
const isoTime = z.string().check(z.describe('ISO 8601 time'));
const MonitoringState = z.enum(['STOPPED', 'MONITORING', 'FAILOVER_IN_PROGRESS', 'SWITCHOVER_IN_PROGRESS']);
const ui = (summary: string, schema: z.ZodMiniType, extra: Partial<OperationDoc> = {}): OperationDoc => ({
  summary,
  tag: 'web UI',
  security: 'session',
  ok: { status: 200, description: summary, schema },
  errors: [],
  ...extra,
});

export const uiRouteDocs: Record<string, OperationDoc> = {
  'GET /ui/api/login-options': ui(
    'The BAM Selection of the login page (names only) and the monitoring state',
    z.object({ bam_selection: z.array(z.string()), default_alias: z.string(), monitoring_state: MonitoringState }),
    { security: 'public' },
  ),
  'GET /ui/api/session': ui(
    'Who is signed in, until when, what they may do, and the CSRF token for their changes; answers during a failover for every session the failover has not ended',
    z.object({
      username: z.string(),
      session_id: z.string(),
      target: z.string(),
      bound_server: z.optional(z.nullable(z.string())),
      restorable: z.boolean(),
      created_at: isoTime,
      expires_at: isoTime,
      admin: z.boolean(),
      permissions: z.array(z.string()),
      monitoring_state: MonitoringState,
      csrf_token: z.string(),
    }),
  ),
  'GET /ui/api/events': ui(
    'Events kept in the table, newest first, each with its cursor: of a type, from a time on (since), older than a cursor (before: load more), newer than one (after)',
    z.object({ events: z.array(z.record(z.string(), z.unknown())), limit: z.int(), more: z.boolean(), type: z.optional(z.string()), since: z.optional(isoTime) }),
    {
      query: z.object({
        type: z.optional(z.string().check(z.regex(/^[A-Z_]{1,64}$/))),
        limit: z.optional(z.string().check(z.regex(/^\d{1,4}$/))),
        since: z.optional(isoTime),
        before: z.optional(z.string().check(z.describe('an event cursor from an earlier answer'))),
        after: z.optional(z.string().check(z.describe('an event cursor from an earlier answer'))),
      }),
      errors: [400],
    },
  ),
  'GET /ui/api/dashboard': ui(
    "Everything an open page shows, in one read from the gateway's own table (it answers during a failover): the session, the monitor state with each server's mode, sessions and since when it fails, the gateway nodes, the events since the last read, and with history=1 the last hour's samples",
    z.object({
      now: isoTime,
      probe_interval_ms: z.int(),
      stale_after_ms: z.int(),
      session: z.record(z.string(), z.unknown()),
      status: z.record(z.string(), z.unknown()),
      group: z.record(z.string(), z.unknown()),
      events: z.object({ events: z.array(z.record(z.string(), z.unknown())), cursor: z.nullable(z.string()), truncated: z.boolean() }),
      failover_events: z.optional(z.array(z.record(z.string(), z.unknown()))),
      history: z.optional(z.object({ samples: z.array(z.array(z.unknown()).check(z.describe('[t, state, split brain, servers, nodes?], one-letter codes'))), cursor: z.number() })),
    }),
    {
      query: z.object({
        history: z.optional(z.enum(['0', '1'])),
        history_after: z.optional(z.string().check(z.describe('epoch ms: the last answer history.cursor'))),
        events_after: z.optional(z.string().check(z.describe("the last answer's events.cursor"))),
      }),
      errors: [400],
    },
  ),
  'GET /ui/api/workflows': ui(
    'The workflows the user may use, with the routes they may call',
    z.object({ workflows: z.array(z.object({ name: z.string(), routes: z.array(z.object({ method: z.string(), path: z.string(), permission: z.string(), has_body: z.boolean() })) })) }),
  ),
  'GET /ui/api/session-counts': ui(
    'Live sessions each BAM server would still serve, with its mode',
    z.object({ servers: z.array(z.object({ name: z.string(), mode: z.enum(['ENABLED', 'NO_NEW_SESSIONS', 'DISABLED']), sessions: z.int() })) }),
  ),
};
