import type { Marker } from '../history-model.js';
import { LABEL_W, ticks, useWidth, xScale } from './scale.js';

export interface LatencySeries {
  name: string;
  points: { t: number; ms: number | null }[];
}

const TOP = 10;
const PLOT_H = 110;
const AXIS_H = 22;

/** A round top for the y axis: 10, 20, 50, 100, 200, 500 ms... */
export function niceMax(v: number): number {
  for (let p = 10; ; p *= 10) for (const m of [1, 2, 5]) if (m * p >= v) return m * p;
}

/** Polyline paths of one series, broken where a probe got no answer. */
export function pathsOf(points: LatencySeries['points'], x: (t: number) => number, y: (ms: number) => number): string[] {
  const out: string[] = [];
  let current: string[] = [];
  for (const p of points) {
    if (p.ms === null) {
      if (current.length) out.push(current.join(' '));
      current = [];
      continue;
    }
    current.push(`${current.length ? 'L' : 'M'}${x(p.t).toFixed(1)},${y(p.ms).toFixed(1)}`);
  }
  if (current.length) out.push(current.join(' '));
  return out;
}

/** Probe latency per BAM server over the last hour, one line each (told apart by dash as well as colour). */
export function LatencyChart({ id, series, markers, from, to, caption }: { id: string; series: LatencySeries[]; markers: Marker[]; from: number; to: number; caption: string }) {
  const [ref, width] = useWidth<HTMLDivElement>();
  const x = xScale(from, to, width);
  const all = series.flatMap((s) => s.points.flatMap((p) => (p.ms === null ? [] : [p.ms])));
  const max = niceMax(Math.max(1, ...all));
  const y = (ms: number) => TOP + PLOT_H - (Math.min(ms, max) / max) * PLOT_H;
  const height = TOP + PLOT_H + AXIS_H;
  const summary = series.map((s) => {
    const v = s.points.flatMap((p) => (p.ms === null ? [] : [p.ms]));
    const missed = s.points.length - v.length;
    return v.length ? `${s.name}: ${Math.min(...v)} to ${Math.max(...v)} ms${missed ? `, ${missed} probes unanswered` : ''}` : `${s.name}: no answer`;
  });
  return (
    <figure className="Chart" aria-labelledby={`${id}-caption`} data-testid={id}>
      <figcaption id={`${id}-caption`} className="Chart__caption">
        {caption}
      </figcaption>
      <div ref={ref} className="Chart__canvas">
        {width > 0 && (
          <svg width={width} height={height} role="img" aria-label={`${caption}. ${summary.join('. ')}`}>
            {[0, max / 2, max].map((v) => (
              <g key={v} className="Chart__tick">
                <line x1={LABEL_W} x2={width - 8} y1={y(v)} y2={y(v)} />
                <text x={LABEL_W - 8} y={y(v) + 4} textAnchor="end">{`${v} ms`}</text>
              </g>
            ))}
            {ticks(from, to, width).map((t) => (
              <text key={t.t} className="Chart__tickLabel" x={x(t.t)} y={height - 6} textAnchor="middle">
                {t.label}
              </text>
            ))}
            {markers.map((m) => (
              <rect key={`${m.kind}-${m.from}`} x={x(m.from)} y={TOP} width={Math.max(3, x(m.to) - x(m.from))} height={PLOT_H} className={`Mark Mark--${m.kind}`} />
            ))}
            {series.map((s, i) => (
              <g key={s.name} className={`Line Line--${i % 4}`} data-series={s.name}>
                {pathsOf(s.points, x, y).map((d, j) => (
                  // biome-ignore lint/suspicious/noArrayIndexKey: the pieces of one line, redrawn whole each time
                  <path key={j} d={d} />
                ))}
              </g>
            ))}
          </svg>
        )}
      </div>
      <ul className="Chart__legend" aria-label="Legend">
        {series.map((s, i) => (
          <li key={s.name}>
            <span className={`Swatch Swatch--line Line--${i % 4}`} aria-hidden="true" />
            {s.name}
          </li>
        ))}
      </ul>
    </figure>
  );
}
