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
    'Who is signed in, until when, what they may do, and the CSRF token for their changes (the UI heartbeat; the failover 503 during a failover)',
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
  'GET /ui/api/events': ui('Recent events kept in the table, newest first', z.object({ events: z.array(z.record(z.string(), z.unknown())), limit: z.int(), type: z.optional(z.string()) }), {
    query: z.object({ type: z.optional(z.string().check(z.regex(/^[A-Z_]{1,64}$/))), limit: z.optional(z.string().check(z.regex(/^\d{1,4}$/))) }),
    errors: [400],
  }),
  'GET /ui/api/workflows': ui(
    'The workflows the user may use, with the routes they may call',
    z.object({ workflows: z.array(z.object({ name: z.string(), routes: z.array(z.object({ method: z.string(), path: z.string(), permission: z.string(), has_body: z.boolean() })) })) }),
  ),
  'GET /ui/api/session-counts': ui(
    'Live sessions each BAM server would still serve, with its mode',
    z.object({ servers: z.array(z.object({ name: z.string(), mode: z.enum(['ENABLED', 'NO_NEW_SESSIONS', 'DISABLED']), sessions: z.int() })) }),
  ),
};
