import type { DnsSettings } from '../events/follow-primary.js';
import { environment, type Environment } from './environment.js';

/** The DNS subscriber's settings, as CDK sets them (DNS_HOSTED_ZONE_ID, DNS_RECORD_NAME, DNS_RECORD_TTL, DNS_NODE_IDS). */
export function dnsSettings(env: Environment = environment()): DnsSettings {
  const zoneId = env.DNS_HOSTED_ZONE_ID ?? '';
  const recordName = env.DNS_RECORD_NAME ?? '';
  const ttl = Number(env.DNS_RECORD_TTL ?? 30);
  if (!/^[A-Z0-9]{1,32}$/.test(zoneId)) throw new Error('DNS_HOSTED_ZONE_ID must be a Route 53 hosted zone id');
  if (!/^[A-Za-z0-9_.-]{1,253}$/.test(recordName)) throw new Error('DNS_RECORD_NAME must be a DNS name');
  if (!Number.isInteger(ttl) || ttl < 1 || ttl > 86_400) throw new Error('DNS_RECORD_TTL must be 1 to 86400 seconds');
  const nodeIds = (env.DNS_NODE_IDS ?? '')
    .split(',')
    .map((n) => n.trim())
    .filter(Boolean);
  if (nodeIds.some((n) => !/^[A-Za-z0-9_-]{1,32}$/.test(n))) throw new Error('DNS_NODE_IDS must be the group node ids, comma-separated');
  return { zoneId, recordName, ttl, nodeIds };
}
