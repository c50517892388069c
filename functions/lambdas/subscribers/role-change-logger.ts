import { logger } from '../../kernel/logger.js';
import { subscriber } from '../../events/subscriber.js';
import { defineSubscription } from '../../events/define-subscription.js';
import { patterns } from '../../events/domain/event-patterns.js';

export const subscription = defineSubscription({ id: 'RoleChangeLogger', pattern: patterns.nodeRoleChanged });

/**
 * The sample subscriber: records every role change, of BAM servers and of gateway nodes, in the
 * structured log. A real one would repoint a DNS record, warm a cache, or page someone.
 */
export const handler = subscriber('NODE_ROLE_CHANGED', async (detail) => {
  logger.info('role changed', { kind: detail.node.kind, node: detail.node.id, previous: detail.previous, new: detail.new, epoch: detail.epoch, reason: detail.reason });
});
