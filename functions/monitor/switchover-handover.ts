import { BamHttpError } from '../bam/http.js';
import { abortSwitchover, type MonitorState, type Switchover } from './domain/monitor-machine.js';
import type { MonitorOptions } from './monitor-options.js';
import type { HandoverRequest } from './ports.js';

/**
 * What came of asking the Primary to hand over: nothing for the monitor to do (asked, or no answer:
 * BAM may have done it, the switchover completes or times out), a refusal written back as the end
 * of the switchover (`aborted`), or a refusal this monitor could not write (`unsure`: re-read the
 * stored state before building on it).
 */
export type HandoverOutcome = { kind: 'asked' } | { kind: 'aborted'; state: MonitorState } | { kind: 'unsure' };

/**
 * Awaited inside the round that started the switchover: held requests wait on that round anyway,
 * and in Lambda nothing may run after the answer. A refusal returns to MONITORING at once (a
 * conditional write; retried on a fresh read while that same switchover still runs).
 */
export async function askHandover(
  o: Pick<MonitorOptions, 'onHandoverError' | 'store'>,
  state: MonitorState,
  switchover: Switchover,
  request: HandoverRequest,
  now: () => number,
): Promise<HandoverOutcome> {
  try {
    await request.send();
    return { kind: 'asked' };
  } catch (err) {
    o.onHandoverError?.(err, switchover);
    if (!(err instanceof BamHttpError)) return { kind: 'asked' };
    let current: MonitorState | undefined = state;
    for (let attempt = 0; attempt < 3 && current?.switchover?.startedAt === switchover.startedAt; attempt++) {
      const t = abortSwitchover(current, now(), `${err.status}: ${err.bamMessage}`);
      if (!t) return { kind: 'asked' };
      if (await o.store.commit(t.state, t.events).catch(() => false)) return { kind: 'aborted', state: t.state };
      current = (await o.store.get())?.state;
    }
    return { kind: 'unsure' };
  }
}
