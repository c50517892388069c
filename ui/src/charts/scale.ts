import { useEffect, useRef, useState } from 'react';

/** Shared geometry of the hour charts: a label column on the left, time running to `now` on the right. */
export const LABEL_W = 72;
export const RIGHT_PAD = 8;
const MINUTE = 60_000;

export function xScale(from: number, to: number, width: number): (t: number) => number {
  const span = Math.max(1, to - from);
  const inner = Math.max(1, width - LABEL_W - RIGHT_PAD);
  return (t: number) => LABEL_W + ((Math.min(Math.max(t, from), to) - from) / span) * inner;
}

/** Ticks on the clock, labelled HH:MM (24 h: short enough for a phone), at least 60 px apart. */
export function ticks(from: number, to: number, width: number): { t: number; label: string }[] {
  const perTick = ((to - from) * 60) / Math.max(1, width - LABEL_W - RIGHT_PAD);
  const step = ([1, 2, 5, 10, 15, 20, 30, 60].find((m) => m * MINUTE >= perTick) ?? 60) * MINUTE;
  const out: { t: number; label: string }[] = [];
  const x = xScale(from, to, width);
  for (let t = Math.ceil(from / step) * step; t <= to; t += step) {
    // A label centred on the right edge would be cut in half: leave that one out.
    if (x(t) > width - 20) continue;
    out.push({ t, label: new Date(t).toLocaleTimeString([], { hour: '2-digit', minute: '2-digit', hourCycle: 'h23' }) });
  }
  return out;
}

/** The width of an element, kept current (the charts draw in CSS pixels, so their text stays crisp and unstretched). */
export function useWidth<T extends HTMLElement>(): [React.RefObject<T | null>, number] {
  const ref = useRef<T>(null);
  const [width, setWidth] = useState(0);
  useEffect(() => {
    const el = ref.current;
    if (!el) return;
    const update = () => setWidth(Math.floor(el.getBoundingClientRect().width));
    update();
    const ro = new ResizeObserver(update);
    ro.observe(el);
    return () => ro.disconnect();
  }, []);
  return [ref, width];
}
