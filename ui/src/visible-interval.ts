import { useEffect, useRef } from 'react';

/**
 * Runs `tick` now and every `ms` while the page is visible (a light heartbeat, live views every
 * 2 s: docs/web-ui.md), and again as soon as the page becomes visible. Hidden tabs cost the gateway nothing.
 */
export function useVisibleInterval(tick: () => void | Promise<void>, ms: number, deps: unknown[] = []): void {
  const latest = useRef(tick);
  latest.current = tick;
  useEffect(() => {
    let timer: ReturnType<typeof setTimeout> | undefined;
    let stopped = false;
    let running = false; // one tick at a time: becoming visible during a tick does not start another
    const run = async () => {
      clearTimeout(timer);
      if (stopped || running) return;
      running = true;
      if (document.visibilityState === 'visible') await Promise.resolve(latest.current()).catch(() => undefined);
      running = false;
      if (!stopped) timer = setTimeout(run, ms);
    };
    const onVisible = () => document.visibilityState === 'visible' && void run();
    document.addEventListener('visibilitychange', onVisible);
    void run();
    return () => {
      stopped = true;
      clearTimeout(timer);
      document.removeEventListener('visibilitychange', onVisible);
    };
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [ms, ...deps]);
}
