import * as z from 'zod/mini';
import { badRequest } from '../kernel/errors.js';
import { validate, type Output, type Schema } from '../kernel/validation.js';

/** How far before its cursor an incremental dashboard read looks for events recorded late. */
export const EVENT_LOOKBACK_MS = 30_000;

/** An event's cursor as answers give it: `<ISO time>#<event id>`. */
const CURSOR = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d{1,3})?Z#[A-Za-z0-9_-]{1,100}$/;
const cursor = () => z.optional(z.string().check(z.regex(CURSOR, 'must be an event cursor from an earlier answer')));
const isoTime = () =>
  z.optional(
    z.string().check(
      z.regex(/^\d{4}-\d{2}-\d{2}T[\d:.]{5,15}(Z|[+-]\d{2}:\d{2})$/, 'must be an ISO 8601 time'),
      z.refine((v) => Number.isFinite(Date.parse(v)), 'must be a real time'),
    ),
  );

/** GET /ui/api/events: a type, a time range start, "load more" (`before`) and incremental reads (`after`). */
export const EventsQuery = z.object({
  type: z.optional(z.string().check(z.regex(/^[A-Z_]{1,64}$/))),
  limit: z.optional(z.string().check(z.regex(/^\d{1,4}$/))),
  since: isoTime(),
  before: cursor(),
  after: cursor(),
});

/** GET /ui/api/dashboard: whether to send the last hour drawn, and what the page has already. */
export const DashboardQuery = z.object({
  history: z.optional(z.enum(['0', '1'])),
  /** Samples after this time (epoch ms, from the last answer's history.cursor). */
  history_after: z.optional(z.string().check(z.regex(/^\d{1,15}$/, 'must be a time in epoch milliseconds from an earlier answer'))),
  /** Events after this cursor (the last answer's events.cursor); absent: the last hour's. */
  events_after: cursor(),
});

/** The query parsed, or a 400 naming each bad parameter. */
export function parseQuery<S extends Schema>(schema: S, query: Record<string, string | undefined> | undefined): Output<S> {
  const q = validate(schema, query ?? {});
  if (!q.ok) throw badRequest(`Invalid query: ${q.issues.map((i) => `${i.field}: ${i.problem}`).join('; ')}`);
  return q.data;
}

/** A time as the event log's sort keys write it (toISOString), so string order is time order. */
export const normalIso = (v: string) => new Date(Date.parse(v)).toISOString();
