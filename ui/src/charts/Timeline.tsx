import type { Marker, Segment } from '../history-model.js';
import { roleLabel, timeOfDay } from '../labels.js';
import { LABEL_W, ticks, useWidth, xScale } from './scale.js';

export interface TimelineRow {
  key: string;
  label: string;
  segments: Segment[];
}

const ROW_H = 18;
const ROW_GAP = 8;
const TOP = 8;
const AXIS_H = 22;

/** A segment's value in words: "Primary", "Standby (draining)", "Down". */
export function valueLabel(v: string): string {
  if (v.endsWith('_DRAINING')) return `${roleLabel(v.slice(0, -'_DRAINING'.length))} (draining)`;
  if (v === 'DOWN') return 'Down';
  if (v === 'MAINTENANCE') return 'Maintenance';
  return roleLabel(v);
}

const span = (s: { from: number; to: number }) => `${timeOfDay(s.from)}–${timeOfDay(s.to)}`;

/** The rows in words, for screen readers and for anyone who prefers a list to colours. */
export function describeRows(rows: TimelineRow[]): string[] {
  return rows.map((r) => `${r.label}: ${r.segments.length ? r.segments.map((s) => `${valueLabel(s.value)} ${span(s)}`).join(', ') : 'no data'}`);
}

const LEGEND = ['PRIMARY', 'STANDBY', 'SECONDARY', 'PRIMARY_DRAINING', 'MAINTENANCE', 'UNKNOWN', 'DOWN'];

/**
 * The last hour as a role/state timeline: one row per BAM server and gateway node,
 * with failover, switchover, maintenance and split-brain markers across all rows. Plain SVG:
 * no chart library, nothing drawn that CSS cannot colour.
 */
export function Timeline({ id, rows, markers, from, to, caption }: { id: string; rows: TimelineRow[]; markers: Marker[]; from: number; to: number; caption: string }) {
  const [ref, width] = useWidth<HTMLDivElement>();
  const x = xScale(from, to, width);
  const height = TOP + rows.length * (ROW_H + ROW_GAP) + AXIS_H;
  const bottom = TOP + rows.length * (ROW_H + ROW_GAP) - ROW_GAP;
  const used = new Set(rows.flatMap((r) => r.segments.map((s) => (s.value.endsWith('_DRAINING') ? 'PRIMARY_DRAINING' : s.value))));
  return (
    <figure className="Chart" aria-labelledby={`${id}-caption`} data-testid={id}>
      <figcaption id={`${id}-caption`} className="Chart__caption">
        {caption}
      </figcaption>
      <div ref={ref} className="Chart__canvas">
        {width > 0 && (
          <svg width={width} height={height} role="img" aria-label={`${caption}. ${describeRows(rows).join('. ')}`}>
            <defs>
              <pattern id={`${id}-stripes`} width="6" height="6" patternUnits="userSpaceOnUse" patternTransform="rotate(45)">
                <line x1="0" y1="0" x2="0" y2="6" className="Seg--stripe" />
              </pattern>
            </defs>
            {ticks(from, to, width).map((t) => (
              <g key={t.t} className="Chart__tick">
                <line x1={x(t.t)} x2={x(t.t)} y1={TOP - 4} y2={bottom + 4} />
                <text x={x(t.t)} y={height - 6} textAnchor="middle">
                  {t.label}
                </text>
              </g>
            ))}
            {rows.map((r, i) => {
              const y = TOP + i * (ROW_H + ROW_GAP);
              return (
                <g key={r.key} data-row={r.key}>
                  <text x={LABEL_W - 8} y={y + ROW_H - 5} textAnchor="end" className="Chart__label">
                    {r.label}
                  </text>
                  <rect x={LABEL_W} y={y} width={Math.max(0, width - LABEL_W - 8)} height={ROW_H} className="Seg--none" />
                  {r.segments.map((s) => {
                    const draining = s.value.endsWith('_DRAINING');
                    const box = { x: x(s.from), y, width: Math.max(1, x(s.to) - x(s.from)), height: ROW_H };
                    return (
                      <g key={s.from}>
                        <rect {...box} className={`Seg Seg--${draining ? s.value.slice(0, -'_DRAINING'.length) : s.value}`} data-value={s.value}>
                          <title>{`${r.label}: ${valueLabel(s.value)} ${span(s)}`}</title>
                        </rect>
                        {/* Draining: stripes over the role's colour. */}
                        {draining && <rect {...box} fill={`url(#${id}-stripes)`} />}
                      </g>
                    );
                  })}
                </g>
              );
            })}
            {markers.map((m) => (
              <rect key={`${m.kind}-${m.from}`} x={x(m.from)} y={TOP - 4} width={Math.max(3, x(m.to) - x(m.from))} height={bottom - TOP + 8} className={`Mark Mark--${m.kind}`} data-marker={m.kind}>
                <title>{`${m.label}: ${m.to > m.from ? span(m) : timeOfDay(m.from)}`}</title>
              </rect>
            ))}
          </svg>
        )}
      </div>
      <ul className="Chart__legend" aria-label="Legend">
        {LEGEND.filter((v) => used.has(v)).map((v) => (
          <li key={v}>
            <span className={`Swatch Swatch--${v === 'PRIMARY_DRAINING' ? 'DRAINING' : v}`} aria-hidden="true" />
            {v === 'PRIMARY_DRAINING' ? 'Draining' : valueLabel(v)}
          </li>
        ))}
        {[...new Set(markers.map((m) => m.kind))].map((k) => (
          <li key={k}>
            <span className={`Swatch Swatch--mark-${k}`} aria-hidden="true" />
            {k === 'split-brain' ? 'Split brain' : k === 'failover' ? 'Failover' : k === 'switchover' ? 'Switchover' : 'Maintenance window'}
          </li>
        ))}
      </ul>
    </figure>
  );
}
