import { documentClient } from '../../adapters/dynamo.js';
import { DynamoGroupStore } from '../../adapters/group-store.js';
import { route53Records } from '../../adapters/route53-record.js';
import { logger } from '../../kernel/logger.js';
import { followPrimary, type DnsSettings, type NodeUrlOf } from '../../events/follow-primary.js';
import { subscriber } from '../../events/subscriber.js';
import { dnsSettings } from '../../wiring/dns-settings.js';
import { tableName } from '../../wiring/environment.js';

let settings: DnsSettings | undefined;
let groupStore: DynamoGroupStore | undefined;

/** The URL a node's agent recorded (one consistent read of the group item). */
const recordedUrl: NodeUrlOf = async (nodeId) => {
  groupStore ??= new DynamoGroupStore(documentClient, tableName());
  return (await groupStore.get())?.members[nodeId]?.url;
};

/** The DNS subscriber (functions/events/follow-primary.ts): the group's API name follows the Primary node. */
export const handler = subscriber('NODE_ROLE_CHANGED', async (detail, event) => {
  settings ??= dnsSettings();
  const eventId = detail.eventId ?? event.id;
  const outcome = await followPrimary(route53Records, settings, detail, eventId, recordedUrl);
  if (outcome !== 'ignored') logger.info('dns record follows the Primary', { outcome, record: settings.recordName, node: detail.node.id, epoch: detail.epoch, eventId });
});
