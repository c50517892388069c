import middy from '@middy/core';
import type { Context } from 'aws-lambda';
import { logger } from '../commons/logger.js';
import { groupAgentFromEnv } from '../group/agent-deps.js';

/**
 * This node's availability-group agent. Like the monitor, the schedule starts it every minute and
 * it ticks (heartbeat or check) until shortly before its timeout. Without NODE_ID it does nothing.
 * It reads no secret and no credential key: its role has neither (lib/gateway-node.ts).
 */
export const handler = middy<{ mode?: 'once' | 'loop' } | undefined, { ticks: number; role: string }, Error, Context>()
  .handler(async (event, context) => {
    const groupAgent = groupAgentFromEnv();
    if (!groupAgent) return { ticks: 0, role: 'NOT_IN_GROUP' };
    if (event?.mode === 'once') return { ticks: 1, role: await groupAgent.tick() };
    const iv = groupAgent.intervals;
    const margin = Math.max(iv.healthReportMs, iv.healthCheckMs) + 1000;
    const ticks = await groupAgent.loop(
      () => context.getRemainingTimeInMillis() > margin,
      (err) => logger.error('group agent tick failed', { error: err as Error }),
    );
    return { ticks, role: groupAgent.role };
  });
