import middy from '@middy/core';
import type { Context } from 'aws-lambda';
import * as z from 'zod/mini';
import { validate } from '../kernel/validation.js';
import { EVENT_SOURCE, type BackendHostModeChanged, type ConfigurationActivated, type MonitoringStateChanged, type NodeRoleChanged, type SplitBrainDetected } from './domain/events.js';

/**
 * The serverless form of BlueCat's `subscribe(NODE_ROLE_CHANGED, callback)` on the consuming side:
 * `subscriber('NODE_ROLE_CHANGED', async (detail, event) => ...)` is a Lambda handler that checks
 * the event is what it claims before the callback runs. An invalid event throws, so EventBridge
 * retries it and finally puts it in the rule's dead-letter queue, where an operator can see it.
 */
const role = z.enum(['PRIMARY', 'STANDBY', 'UNKNOWN', 'SECONDARY', 'NOT_IN_GROUP']);
const hostMode = z.enum(['ENABLED', 'NO_NEW_SESSIONS', 'DISABLED']);
const common = { epoch: z.int().check(z.minimum(0)), occurredAt: z.iso.datetime(), eventId: z.optional(z.string()) };

const details = {
  NODE_ROLE_CHANGED: z.object({
    node: z.object({ kind: z.enum(['address-manager', 'gateway']), id: z.string().check(z.minLength(1)), url: z.nullable(z.string()) }),
    previous: z.nullable(role),
    new: role,
    reason: z.string(),
    ...common,
  }),
  MONITORING_STATE_CHANGED: z.object({ previous: z.string(), new: z.enum(['STOPPED', 'MONITORING', 'FAILOVER_IN_PROGRESS', 'SWITCHOVER_IN_PROGRESS']), primaryUrl: z.nullable(z.string()), ...common }),
  SPLIT_BRAIN_DETECTED: z.object({ servers: z.array(z.object({ name: z.string(), url: z.string() })).check(z.minLength(2)), ...common }),
  BACKEND_HOST_MODE_CHANGED: z.object({ group: z.string(), host: z.object({ name: z.string(), url: z.string() }), previous: hostMode, new: hostMode, by: z.string(), comment: z.string(), ...common }),
  CONFIGURATION_ACTIVATED: z.object({
    version: z.int(),
    previousVersion: z.int(),
    by: z.string(),
    comment: z.string(),
    merged: z.boolean(),
    changes: z.array(z.object({ host: z.string(), previous: hostMode, new: hostMode })),
    ...common,
  }),
};

/** The publisher adds the outbox event's stable id to every detail (the key for dropping duplicates). */
type WithEventId<T> = T & { eventId?: string };

type Details = {
  NODE_ROLE_CHANGED: WithEventId<NodeRoleChanged>;
  MONITORING_STATE_CHANGED: WithEventId<MonitoringStateChanged>;
  SPLIT_BRAIN_DETECTED: WithEventId<SplitBrainDetected>;
  BACKEND_HOST_MODE_CHANGED: WithEventId<BackendHostModeChanged>;
  CONFIGURATION_ACTIVATED: WithEventId<ConfigurationActivated>;
};

export interface GatewayEvent<T> {
  id: string;
  source: typeof EVENT_SOURCE;
  'detail-type': string;
  time: string;
  detail: T;
}

export class InvalidEventError extends Error {
  override name = 'InvalidEventError';
}

export function parseGatewayEvent<K extends keyof Details>(detailType: K, event: unknown): GatewayEvent<Details[K]> {
  const envelope = validate(z.object({ id: z.string(), source: z.literal(EVENT_SOURCE), 'detail-type': z.literal(detailType), time: z.string(), detail: details[detailType] }), event);
  if (!envelope.ok) throw new InvalidEventError(`not a valid ${detailType} event: ${envelope.issues.map((i) => `${i.field}: ${i.problem}`).join('; ')}`);
  return envelope.data as unknown as GatewayEvent<Details[K]>;
}

export function subscriber<K extends keyof Details>(detailType: K, callback: (detail: Details[K], event: GatewayEvent<Details[K]>, context: Context) => Promise<void>) {
  return middy<unknown, void, Error, Context>().handler(async (event, context) => {
    const parsed = parseGatewayEvent(detailType, event);
    await callback(parsed.detail, parsed, context);
  });
}
