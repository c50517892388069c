/**
 * When this process last saw each BAM server serve a call (a 2xx or 3xx answer), by origin. The
 * monitor weighs it against failed probes: a server that served a call after a failed probe began
 * was not down then (issue 24: a call BAM answered is a success as much as a refused call is a
 * failure). Only answers count: a 4xx/5xx may come from a front that is up while BAM is not.
 */
const lastAnswer = new Map<string, number>();

const originOf = (url: string): string | undefined => {
  try {
    return new URL(url).origin;
  } catch {
    return undefined;
  }
};

export function noteAnswer(url: string, at = Date.now()): void {
  const origin = originOf(url);
  if (origin && (lastAnswer.get(origin) ?? -Infinity) < at) lastAnswer.set(origin, at);
}

/** When the server at `url` last served a call seen by this process, epoch ms; undefined: never. */
export function lastAnswerAt(url: string): number | undefined {
  const origin = originOf(url);
  return origin ? lastAnswer.get(origin) : undefined;
}
