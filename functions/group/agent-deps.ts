import { documentClient } from '../adapters/dynamo.js';
import { DynamoGroupStore } from '../adapters/group-store.js';
import { EventBridgePublisher } from '../adapters/eventbridge-publisher.js';
import { logger } from '../commons/logger.js';
import { GroupAgent } from './group-agent.js';

const positive = (v: string | undefined, def: number) => (v && /^\d+$/.test(v) && Number(v) > 0 ? Number(v) : def);

let agent: GroupAgent | null | undefined;

/**
 * The group agent of this process, from the few variables it needs (TABLE_NAME, NODE_ID, NODE_URL,
 * EVENT_BUS_NAME, the three intervals): it needs no service credentials and no credential key, so
 * its Lambda gets neither (least privilege). Null without NODE_ID (a gateway not in a group).
 */
export function groupAgentFromEnv(env: NodeJS.ProcessEnv = process.env): GroupAgent | null {
  if (agent !== undefined) return agent;
  const nodeId = env.NODE_ID;
  if (!nodeId || !env.TABLE_NAME) return (agent = null);
  const intervals = {
    healthReportMs: positive(env.HEALTH_REPORT_INTERVAL_MS, 1000),
    healthCheckMs: positive(env.HEALTH_CHECK_INTERVAL_MS, 1000),
    allowedAbsenceMs: positive(env.ALLOWED_ABSENCE_INTERVAL_MS, 3000),
  };
  agent = new GroupAgent({
    nodeId,
    nodeUrl: env.NODE_URL ?? null,
    intervals,
    store: new DynamoGroupStore(documentClient, env.TABLE_NAME),
    publisher: new EventBridgePublisher(env.EVENT_BUS_NAME ?? 'default'),
    onRoleChange: (from, to, s) => logger.info('gateway node role changed', { node: nodeId, from, to, epoch: s.epoch }),
  });
  return agent;
}
