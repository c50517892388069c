/**
 * The recent gateway events, as the table keeps them for the web UI's timeline: one item per
 * event under pk `EVENTS`, sk `<time>#<id>`; read by time with a cursor (`<time>#<id>`).
 */
export interface LoggedEvent {
  id: string;
  type: string;
  time: string;
  detail: Record<string, unknown>;
}

export const EVENT_LOG_PK = 'EVENTS';
/** The most events one read answers. */
export const MAX_EVENTS = 200;

/** An event's place in the log: its sort key. */
export const cursorOf = (e: { time: string; id: string }) => `${e.time}#${e.id}`;

export interface EventRange {
  /** Only events newer than this cursor (an incremental read): `<time>#<id>`, as answers give it. */
  after?: string;
  /** Only events older than this cursor ("load more"). */
  before?: string;
  /** Only events at or after this time (ISO 8601, as toISOString writes it). */
  since?: string;
  type?: string;
  limit: number;
}

export interface EventPage {
  /** Newest first, each with its cursor. */
  events: (LoggedEvent & { cursor: string })[];
  /** Older events of the range were left out (ask again with `before` = the last cursor). */
  more: boolean;
}
