import { gatewayDeps } from '../commons/deps.js';
import { GatewayError, forbidden, notFound } from '../commons/errors.js';
import { json } from '../commons/http.js';
import { changePrimary, failoverTarget } from '../domain/group.js';
import { authenticate, authOf } from '../middleware/authenticate.js';
import { groupView, nodeState } from '../group/node-state.js';
import { flushOutbox } from '../monitor/outbox-flusher.js';
import { httpHandler } from './http-handler.js';

const PERMISSION = 'availability_group';

/**
 * The availability group over HTTP, with BlueCat's paths and field names:
 *   GET /ag/api/v1/state     this node's role and heartbeat
 *   GET /ag/api/v1/group     every node of the group
 *   PUT /ag/api/v1/failover  hand the Primary role to the other node
 * They need the `availability_group` permission (admins have it), and answer during a BAM failover.
 */
export const handler = httpHandler()
  .use(authenticate(() => gatewayDeps().sessionService, { duringFailover: 'allow' }))
  .handler(async (event, context) => {
    const { session } = authOf(context);
    const { config, permissions, groupStore, groupAgent } = gatewayDeps();
    if (!config.admins.includes(session.username) && !(await permissions.has(session.username, PERMISSION))) {
      throw forbidden(`User ${session.username} lacks the "${PERMISSION}" permission.`);
    }
    const route = `${event.requestContext.http.method.toUpperCase()} ${event.rawPath.replace(/\/+$/, '')}`;
    const state = await groupStore.get();
    switch (route) {
      case 'GET /ag/api/v1/state':
        return json(200, nodeState(state, config.node?.id));
      case 'GET /ag/api/v1/group':
        if (!config.node) throw new GatewayError(409, 'NotInGroup', 'This gateway is not a node of an availability group (NODE_ID is not set).');
        return json(200, groupView(state, config.group, Date.now()));
      case 'PUT /ag/api/v1/failover': {
        if (!config.node || !state) throw new GatewayError(409, 'NotInGroup', 'There is no availability group to fail over.');
        const now = Date.now();
        const to = failoverTarget(state, now, config.group);
        if (!to) throw new GatewayError(409, 'NoFailoverTarget', 'No other node of the group has been seen recently enough to take the Primary role.');
        const change = changePrimary(state, to, 'manual-failover', now);
        if (!(await groupStore.change(state, change))) throw new GatewayError(409, 'GroupChanged', 'The group changed while failing over; read its state and try again.');
        groupAgent?.observe(change.state);
        await flushOutbox(groupStore.outbox, gatewayDeps().publisher, `http-${context.awsRequestId}`, Date.now()).catch(() => groupAgent?.markOutbox());
        return json(200, { message: `Node ${to} is now the Primary.`, previous_primary: state.primary, primary_node: to, epoch: change.state.epoch });
      }
      default:
        throw notFound(`No availability group route ${route}.`);
    }
  });
