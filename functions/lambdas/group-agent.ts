import middy from '@middy/core';
import type { Context } from 'aws-lambda';
import { groupAgentDeps } from '../wiring/gateway.js';
import { logger } from '../kernel/logger.js';

/**
 * This node's availability-group agent. Like the monitor, the schedule starts it every minute and
 * it ticks (heartbeat or check) until shortly before its timeout. Without NODE_ID it does nothing.
 * It reads only the group's configuration: its function holds no secret and no key (docs/security.md).
 */
export const handler = middy<{ mode?: 'once' | 'loop' } | undefined, { ticks: number; role: string }, Error, Context>().handler(async (event, context) => {
  const { groupAgent, config } = groupAgentDeps();
  if (!groupAgent) return { ticks: 0, role: 'NOT_IN_GROUP' };
  if (event?.mode === 'once') return { ticks: 1, role: await groupAgent.tick() };
  const margin = Math.max(config.group.healthReportMs, config.group.healthCheckMs) + 1000;
  const ticks = await groupAgent.loop(
    () => context.getRemainingTimeInMillis() > margin,
    (err) => logger.error('group agent tick failed', { error: err as Error }),
  );
  return { ticks, role: groupAgent.role };
});
