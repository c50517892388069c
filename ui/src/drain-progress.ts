/** A drain's progress as the maintenance page shows it: sessions left out of the most it had since the drain began. */
export interface DrainProgress {
  value: number;
  max: number;
  done: boolean;
  text: string;
}

/**
 * Updates `peaks` (host → most sessions seen while draining; forgotten when the host leaves the
 * drain) and answers the progress of `name`, or null when it is not draining.
 */
export function drainProgress(peaks: Map<string, number>, name: string, mode: string, count: number): DrainProgress | null {
  if (mode !== 'NO_NEW_SESSIONS') {
    peaks.delete(name);
    return null;
  }
  const peak = Math.max(peaks.get(name) ?? 0, count);
  peaks.set(name, peak);
  const done = count === 0;
  return {
    value: peak - count,
    max: Math.max(peak, 1),
    done,
    text: done ? 'No sessions left: safe to disable.' : `${count} of ${peak} session${peak === 1 ? '' : 's'} left`,
  };
}
