/**
 * Starts a round every `intervalMs` until `keepGoing()` says stop (the Lambda's remaining time, or
 * a local stop flag); `gate` false skips a round (this node is not the group's Primary). A round
 * still waiting on a hung server does not delay the next one; all of them are awaited before it
 * returns how many intervals it ran.
 */
export async function everyInterval(o: {
  intervalMs: number;
  keepGoing: () => boolean;
  gate?: () => Promise<boolean>;
  round: () => Promise<unknown>;
  failed: (err: unknown) => void;
  now: () => number;
}): Promise<number> {
  let rounds = 0;
  const mine = new Set<Promise<void>>(); // requests await the rounds they started; the loop its own
  while (o.keepGoing()) {
    rounds++;
    const started = o.now();
    try {
      if (!o.gate || (await o.gate())) {
        const round = o.round().then(() => undefined, o.failed);
        mine.add(round);
        void round.finally(() => mine.delete(round));
        await Promise.race([round, sleep(o.intervalMs - (o.now() - started))]);
      }
    } catch (err) {
      o.failed(err);
    }
    const wait = o.intervalMs - (o.now() - started);
    if (wait > 0 && o.keepGoing()) await sleep(wait);
  }
  await Promise.all([...mine]);
  return rounds;
}

function sleep(ms: number): Promise<void> {
  return ms > 0 ? new Promise((r) => setTimeout(r, ms)) : Promise.resolve();
}
