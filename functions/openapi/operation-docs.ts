import * as z from 'zod/mini';
import { LoginBody } from '../sessions/login-body.js';
import * as s from './schemas.js';
import { uiRouteDocs } from './ui-docs.js';

/**
 * What the OpenAPI document says about each route that is not a workflow route: keyed by
 * "METHOD path" as the route table (functions/routes.ts), the admin handler's routes and the
 * /airlock/rest routes spell them. A route of the code with no entry here is reported as
 * undocumented (test/unit/openapi.test.ts fails), and so is an entry that matches no route.
 */
export type Security = 'public' | 'session' | 'tenant-or-session' | 'airlock-session';

/** A JSON Schema object, as the workflow manifest carries it. */
export type JsonSchemaDoc = Record<string, unknown>;

export interface OperationDoc {
  summary: string;
  description?: string;
  tag: string;
  security: Security;
  /** zod, or JSON Schema already (a workflow's, from the manifest). */
  query?: z.ZodMiniObject | JsonSchemaDoc;
  body?: z.ZodMiniType | JsonSchemaDoc;
  /** The body may be left out (the schema then describes it when sent). */
  bodyOptional?: boolean;
  ok: { status: number; description: string; schema?: z.ZodMiniType | JsonSchemaDoc; noContent?: true; setsCookie?: string };
  /** Error statuses this route may answer, besides the ones every route of its security has. */
  errors: number[];
  /** JSON:API errors (/airlock/rest) instead of the gateway's envelope. */
  jsonApi?: true;
}

const gatewayRoutes: Record<string, OperationDoc> = {
  'POST /rest_login': {
    summary: 'Log in (BlueCat Gateway)',
    description: 'Logs in to BAM as the user, through the Primary alias (default), a named server (bam_alias) or a server URL (bam_url). Answers the token and sets the session cookie.',
    tag: 'sessions',
    security: 'public',
    body: LoginBody,
    ok: { status: 200, description: 'Logged in', schema: s.LoginAnswer, setsCookie: 'the session cookie' },
    errors: [400, 401, 409, 413, 415, 429, 502, 503, 504],
  },
  'POST /rest_logout': {
    summary: 'Log out',
    tag: 'sessions',
    security: 'session',
    ok: { status: 200, description: 'Logged out; the token is refused from now on', schema: s.Message },
    errors: [],
  },
  'GET /failover_monitoring/status': {
    summary: 'Failover monitoring state',
    description:
      'The Primary, monitoring_state (STOPPED until the monitor has confirmed a Primary; MONITORING; FAILOVER_IN_PROGRESS; SWITCHOVER_IN_PROGRESS), the epoch and each BAM server as probed. Answers during a failover too.',
    tag: 'monitoring',
    security: 'session',
    ok: { status: 200, description: 'The monitor state', schema: s.MonitorStatus },
    errors: [],
  },
  'GET /ag/api/v1/state': {
    summary: "This node's availability-group state",
    tag: 'availability group',
    security: 'session',
    ok: { status: 200, description: 'Node state (BlueCat field names)', schema: s.NodeStateAnswer },
    errors: [403],
  },
  'GET /ag/api/v1/group': {
    summary: 'Every node of the group and the intervals',
    tag: 'availability group',
    security: 'session',
    ok: { status: 200, description: 'The group', schema: s.GroupAnswer },
    errors: [403, 409],
  },
  'PUT /ag/api/v1/failover': {
    summary: 'Hand the Primary role to the other node',
    description: 'Optionally only from the epoch you read: If-Match: "<epoch>" or the body {"expected_epoch": <epoch>}.',
    tag: 'availability group',
    security: 'session',
    body: s.GroupFailoverBody,
    bodyOptional: true,
    ok: { status: 200, description: 'The other node is Primary', schema: s.GroupFailoverAnswer },
    errors: [400, 403, 409, 412],
  },
  'GET /openapi.json': { summary: 'This document', tag: 'documentation', security: 'public', ok: { status: 200, description: 'OpenAPI 3.1', schema: z.record(z.string(), z.unknown()) }, errors: [] },
  'GET /docs': { summary: 'The interactive API reference (HTML)', tag: 'documentation', security: 'public', ok: { status: 200, description: 'An HTML page', schema: z.string() }, errors: [] },
  'GET /docs/{proxy+}': {
    summary: "The reference page's scripts and styles",
    tag: 'documentation',
    security: 'public',
    ok: { status: 200, description: 'JavaScript or CSS', schema: z.string() },
    errors: [404],
  },
};

const admin = (summary: string, schema: z.ZodMiniType, errors: number[] = [400]): OperationDoc => ({
  summary,
  tag: 'admin',
  security: 'session',
  ok: { status: 200, description: summary, schema },
  errors: [403, 405, ...errors],
});

const adminRoutes: Record<string, OperationDoc> = {
  'GET /admin/permissions': admin('Every permission there is', s.Permissions, []),
  'GET /admin/{kind}/{name}/permissions': admin('What a user or a group holds ({kind}: users or groups)', s.Permissions, [400, 404]),
  'PUT /admin/{kind}/{name}/permissions/{permission}': admin('Grant a permission to a user or a group', s.Message, [400, 404]),
  'DELETE /admin/{kind}/{name}/permissions/{permission}': admin('Revoke a permission from a user or a group', s.Message, [400, 404]),
  'GET /admin/users/{name}/sessions': admin("A user's sessions (opaque ids, never tokens)", s.Sessions),
  'DELETE /admin/users/{name}/sessions': admin("End all of a user's sessions", s.Revoked),
  'DELETE /admin/users/{name}/sessions/{id}': admin("End one of a user's sessions", s.Revoked, [400, 404]),
  'GET /admin/users/{name}/groups': admin("A user's groups", s.Groups),
  'GET /admin/session-lifetimes': admin('The default session lifetime and the users who have their own', s.SessionLifetimes, []),
  'GET /admin/users/{name}/session-lifetime': admin("A user's session lifetime (their own, or the default)", s.UserSessionLifetime),
  'PUT /admin/users/{name}/session-lifetime/{value}': admin("Give a user their own session lifetime: seconds (300 to 31622400) or none; applies to the user's next logins", s.UserSessionLifetime),
  'DELETE /admin/users/{name}/session-lifetime': admin('Give a user the default session lifetime again', s.UserSessionLifetime),
  'PUT /admin/groups/{group}/members/{user}': admin('Add a user to a group', s.Message),
  'DELETE /admin/groups/{group}/members/{user}': admin('Remove a user from a group', s.Message),
};

const airlock = (summary: string, ok: OperationDoc['ok'], errors: number[] = [], extra: Partial<OperationDoc> = {}): OperationDoc => ({
  summary,
  tag: 'maintenance (/airlock/rest)',
  security: 'airlock-session',
  ok,
  errors: [403, ...errors],
  jsonApi: true,
  ...extra,
});

/** Airlock's paths; the handler (functions/handlers/airlock.ts) matches them with regular expressions. */
const airlockRoutes: Record<string, OperationDoc> = {
  'POST /airlock/rest/session/create': airlock(
    'Open a REST session (tenant token or a gateway session with `maintenance`)',
    { status: 200, description: 'The session; its id is the JSESSIONID cookie', schema: s.AirlockSessionCreated, setsCookie: 'JSESSIONID' },
    [401],
    { security: 'tenant-or-session' },
  ),
  'POST /airlock/rest/session/terminate': airlock('End the REST session', { status: 200, description: 'Ended', schema: s.AirlockMeta }),
  'GET /airlock/rest/system/status/node': airlock("This gateway node's role", { status: 200, description: 'node-status', schema: s.AirlockNodeStatus }),
  'POST /airlock/rest/configuration/configurations/load-active': airlock('Load the active configuration into the working copy', { status: 204, description: 'Loaded', noContent: true }),
  'GET /airlock/rest/configuration/configurations': airlock('The active configuration and past activations', { status: 200, description: 'Configurations', schema: s.AirlockConfigurations }),
  'GET /airlock/rest/configuration/back-end-groups': airlock("The working copy's back-end groups", { status: 200, description: 'Groups', schema: s.AirlockGroups }),
  'GET /airlock/rest/configuration/back-end-groups/{group}': airlock('One back-end group (id 1 or name address-manager)', { status: 200, description: 'The group', schema: s.AirlockGroup }, [404]),
  'POST /airlock/rest/configuration/back-end-groups/{group}/host-mode': airlock(
    'Change a host mode in the working copy',
    { status: 200, description: 'The group', schema: s.AirlockGroup },
    [400, 404],
    { body: s.AirlockHostModeChange },
  ),
  'GET /airlock/rest/configuration/validator-messages': airlock(
    'Validate the working copy (?filter=meta.severity==ERROR keeps errors)',
    { status: 200, description: 'Messages', schema: s.AirlockValidatorMessages },
    [],
    { query: z.object({ filter: z.optional(z.string()) }) },
  ),
  'GET /airlock/rest/configuration/configurations/validator-messages': airlock(
    'Validate the working copy (same as /configuration/validator-messages)',
    { status: 200, description: 'Messages', schema: s.AirlockValidatorMessages },
    [],
    { query: z.object({ filter: z.optional(z.string()) }) },
  ),
  'POST /airlock/rest/configuration/configurations/activate': airlock(
    'Activate the working copy (draining or disabling the Primary starts a planned switchover)',
    { status: 200, description: 'The new active configuration', schema: s.AirlockActivated },
    [400, 409],
    { body: s.AirlockActivate, bodyOptional: true },
  ),
  'GET /airlock/rest/system/status/back-end-groups/{group}': airlock(
    'Modes, health, roles and session counts per host, and the switchover',
    { status: 200, description: 'Status', schema: s.AirlockGroupStatus },
    [404],
  ),
};

export const operationDocs: Record<string, OperationDoc> = { ...gatewayRoutes, ...adminRoutes, ...airlockRoutes, ...uiRouteDocs };
