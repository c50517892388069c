import { MAX_EVENTS, type EventPage } from '../events/domain/event-log.js';
import type { EventReader } from './ports.js';
import type { HttpEvent } from '../kernel/http.js';
import { forOrdinaryUser } from '../events/domain/event-view.js';
import { EventsQuery, normalIso, parseQuery } from './queries.js';

/** Operators (admins hold every permission) see who changed what; others the events without it. */
export function eventsFor(page: EventPage['events'], permissions: string[]): EventPage['events'] {
  return permissions.includes('maintenance') ? page : page.map((e) => ({ ...forOrdinaryUser(e), cursor: e.cursor }));
}

/**
 * GET /ui/api/events: the events kept in the table, newest first, each with its cursor; of one
 * type, from a time on (`since`), older than a cursor (`before`: load more), newer than one
 * (`after`: what came since the last read). `more` says older ones of the range were left out.
 */
export async function eventsAnswer(event: HttpEvent, permissions: string[], events: EventReader) {
  const q = parseQuery(EventsQuery, event.queryStringParameters);
  const limit = q.limit ? Math.min(Math.max(Number(q.limit), 1), MAX_EVENTS) : 100;
  const since = q.since ? normalIso(q.since) : undefined;
  const page = await events.range({
    limit,
    ...(q.type ? { type: q.type } : {}),
    ...(since ? { since } : {}),
    ...(q.before ? { before: q.before } : {}),
    ...(q.after ? { after: q.after } : {}),
  });
  return { events: eventsFor(page.events, permissions), limit, more: page.more, ...(q.type ? { type: q.type } : {}), ...(since ? { since } : {}) };
}
