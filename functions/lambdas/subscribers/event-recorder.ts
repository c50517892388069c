import middy from '@middy/core';
import type { Context } from 'aws-lambda';
import * as z from 'zod/mini';
import { documentClient } from '../../adapters/dynamo.js';
import { DynamoEventLogStore } from '../../adapters/event-log-store.js';
import { validate } from '../../kernel/validation.js';
import { EVENT_SOURCE } from '../../events/domain/events.js';
import { InvalidEventError } from '../../events/subscriber.js';
import { defineSubscription } from '../../events/define-subscription.js';
import { patterns } from '../../events/domain/event-patterns.js';
import { tableName } from '../../wiring/environment.js';

/** The web UI's event timeline (GET /ui/api/events) reads what this one keeps. */
export const subscription = defineSubscription({ id: 'EventRecorder', pattern: patterns.allGatewayEvents, table: 'write' });

/**
 * Keeps every gateway event in the table for the web UI's timeline (GET /ui/api/events). It checks
 * only the envelope, not each detail type: a detail type added later (a new monitoring state, say)
 * is recorded as it is rather than dead-lettered.
 */
const Envelope = z.object({
  id: z.string().check(z.minLength(1)),
  source: z.literal(EVENT_SOURCE),
  'detail-type': z.string().check(z.minLength(1)),
  time: z.string(),
  detail: z.record(z.string(), z.unknown()),
});

let store: DynamoEventLogStore | undefined;
const eventLog = () => (store ??= new DynamoEventLogStore(documentClient, tableName()));

export const handler = middy<unknown, void, Error, Context>().handler(async (event) => {
  const parsed = validate(Envelope, event);
  if (!parsed.ok) throw new InvalidEventError(`not a gateway event: ${parsed.issues.map((i) => `${i.field}: ${i.problem}`).join('; ')}`);
  const e = parsed.data;
  await eventLog().record({ id: e.id, type: e['detail-type'], time: new Date(Date.parse(e.time) || Date.now()).toISOString(), detail: e.detail });
});
