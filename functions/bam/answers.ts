/**
 * What this process saw each BAM server serve (a 2xx or 3xx answer), by origin. The monitor weighs
 * it against failed probes (a call BAM answered is a success as much as a refused call is
 * a failure). Only answers count: a 4xx/5xx may come from a front that is up while BAM is not.
 */
interface Seen {
  /** The latest request sent that was served: the server was up after that moment. */
  sentAt: number;
  /** The latest served answer received. */
  receivedAt: number;
}

const seen = new Map<string, Seen>();

const originOf = (url: string): string | undefined => {
  try {
    return new URL(url).origin;
  } catch {
    return undefined;
  }
};

export function noteAnswer(url: string, sentAt: number, receivedAt = Date.now()): void {
  const origin = originOf(url);
  if (!origin) return;
  const s = seen.get(origin);
  seen.set(origin, { sentAt: Math.max(sentAt, s?.sentAt ?? sentAt), receivedAt: Math.max(receivedAt, s?.receivedAt ?? receivedAt) });
}

/**
 * When the latest request the server at `url` served was sent, epoch ms (undefined: none seen).
 * The sending time, not the receiving one: an answer read late (a busy process) proves nothing
 * about the moments after it was sent, so it never hides a failure that came after.
 */
export function lastServedAt(url: string): number | undefined {
  const origin = originOf(url);
  return origin ? seen.get(origin)?.sentAt : undefined;
}

/** When this process last received a served answer from the server at `url`, epoch ms. */
export function lastAnswerAt(url: string): number | undefined {
  const origin = originOf(url);
  return origin ? seen.get(origin)?.receivedAt : undefined;
}
