import { audit } from '../../kernel/audit.js';
import { clientAddress } from '../../kernel/client-address.js';
import { GatewayError, badRequest, forbidden, notFound } from '../../kernel/errors.js';
import { json } from '../../kernel/http.js';
import { changePrimary, failoverTarget, type GroupChange, type GroupIntervals, type GroupState } from '../domain/group.js';
import { authOf, type AuthContext as RouteContext, type Caller } from '../../kernel/http-route.js';

type AuthContext = RouteContext<Caller>;
import { groupView, nodeState } from '../node-state.js';
import { flushOutbox } from '../../events/outbox-flusher.js';
import type { EventPublisher } from '../../events/ports.js';
import type { Route, Routes } from '../../kernel/http-route.js';

const PERMISSION = 'availability_group';

/** What the availability group's API needs (the wiring gives it). */
export interface AvailabilityDeps {
  admins: string[];
  node?: { id: string; url: string | null };
  intervals: GroupIntervals;
  /** Cached grants (reads), and the grants as they are now (a failover acts on those). */
  grants: { has(username: string, permission: string): Promise<boolean> };
  permissions: { has(username: string, permission: string): Promise<boolean> };
  groupStore: {
    get(): Promise<GroupState | undefined>;
    change(prev: GroupState, change: GroupChange, heartbeatSeen?: number, opts?: { settled?: boolean }): Promise<boolean>;
    readonly outbox: Parameters<typeof flushOutbox>[0];
  };
  /** This process's group agent, when it runs here. */
  groupAgent?: { observe(state: GroupState | undefined): void; markOutbox(): void };
  publisher: EventPublisher;
}

/**
 * The availability group over HTTP, with BlueCat's paths and field names:
 *   GET /ag/api/v1/state     this node's role and heartbeat
 *   GET /ag/api/v1/group     every node of the group
 *   PUT /ag/api/v1/failover  hand the Primary role to the other node
 * They need the `availability_group` permission (admins have it), and answer during a BAM failover.
 */
export function availabilityRoutes(deps: () => AvailabilityDeps): Routes<AuthContext> {
  const route: Route<AuthContext> = { auth: 'session-during-failover', handle: (event, context) => availability(deps(), event, context) };
  return { 'GET /ag/api/v1/state': route, 'GET /ag/api/v1/group': route, 'PUT /ag/api/v1/failover': route };
}

async function availability(d: AvailabilityDeps, event: Parameters<Route['handle']>[0], context: AuthContext) {
  const { session } = authOf(context);
  const { grants, permissions, groupStore, groupAgent } = d;
  const config = { admins: d.admins, node: d.node, group: d.intervals };
  const route = `${event.requestContext.http.method.toUpperCase()} ${event.rawPath.replace(/\/+$/, '')}`;
  // A failover acts: decided on the grants as they are now, never on a cached answer a revoke elsewhere has not reached.
  const holds = () => (route === 'PUT /ag/api/v1/failover' ? permissions : grants).has(session.username, PERMISSION);
  if (!config.admins.includes(session.username) && !(await holds())) {
    throw forbidden(`User ${session.username} lacks the "${PERMISSION}" permission.`);
  }
  const state = await groupStore.get();
  switch (route) {
    case 'GET /ag/api/v1/state':
      return json(200, nodeState(state, config.node?.id));
    case 'GET /ag/api/v1/group':
      if (!config.node) throw new GatewayError(409, 'NotInGroup', 'This gateway is not a node of an availability group (NODE_ID is not set).');
      return json(200, groupView(state, config.group, Date.now()));
    case 'PUT /ag/api/v1/failover': {
      const who = { action: 'group-failover' as const, actor: session.username, sourceIp: clientAddress(event) };
      const refuse = (err: GatewayError) => {
        audit({ ...who, outcome: 'failure', target: state?.primary ?? undefined, reason: err.code });
        return err;
      };
      if (!config.node || !state) throw refuse(new GatewayError(409, 'NotInGroup', 'There is no availability group to fail over.'));
      const expected = expectedEpoch(event.headers['if-match'], event.body);
      if (expected !== undefined && expected !== state.epoch) {
        throw refuse(new GatewayError(412, 'EpochChanged', `The group is at epoch ${state.epoch}, not ${expected}: read its state and decide again.`));
      }
      const now = Date.now();
      const to = failoverTarget(state, now, config.group);
      if (!to) throw refuse(new GatewayError(409, 'NoFailoverTarget', 'No other node of the group has been seen recently enough to take the Primary role.'));
      const change = changePrimary(state, to, 'manual-failover', now);
      // Conditional on the version read and on the current Primary having heartbeated since it got
      // the role: of two failovers racing (on one node or two), one applies and the other is a 409.
      if (!(await groupStore.change(state, change, undefined, { settled: true }))) {
        throw refuse(new GatewayError(409, 'GroupChanged', "The group's Primary is changing or just changed (another failover or a takeover); read its state and try again."));
      }
      audit({ ...who, outcome: 'success', target: `${state.primary ?? 'none'}->${to}`, reason: `epoch ${change.state.epoch}` });
      groupAgent?.observe(change.state);
      await flushOutbox(groupStore.outbox, d.publisher, `http-${context.awsRequestId}`, Date.now()).catch(() => groupAgent?.markOutbox());
      return json(200, { message: `Node ${to} is now the Primary.`, previous_primary: state.primary, primary_node: to, epoch: change.state.epoch });
    }
    default:
      throw notFound(`No availability group route ${route}.`);
  }
}

/**
 * The optional precondition of a manual failover: `If-Match: "<epoch>"` or body `{"expected_epoch": <epoch>}`.
 * Undefined when neither is given.
 */
function expectedEpoch(ifMatch: string | undefined, body: string | undefined): number | undefined {
  if (ifMatch !== undefined) {
    const m = /^\s*(?:W\/)?"?(\d{1,15})"?\s*$/.exec(ifMatch);
    if (!m) throw badRequest('If-Match must be the group epoch, e.g. If-Match: "3".');
    return Number(m[1]);
  }
  if (!body?.trim()) return undefined;
  let parsed: unknown;
  try {
    parsed = JSON.parse(body);
  } catch {
    throw badRequest('The body must be JSON, e.g. {"expected_epoch": 3}, or empty.');
  }
  const value = (parsed as { expected_epoch?: unknown } | null)?.expected_epoch;
  if (value === undefined) return undefined;
  if (!Number.isSafeInteger(value) || (value as number) < 0) throw badRequest('expected_epoch must be a whole number (the group epoch).');
  return value as number;
}
