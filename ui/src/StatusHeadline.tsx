import { headlineOf } from './headline.js';
import { duration } from './labels.js';
import { serverNow, useLive, useNow } from './live.js';
import { useSession } from './session.js';

/**
 * The status headline on every signed-in page: healthy, degraded (with each reason), a
 * failover or a switchover (what is known, what happens next, what to do), or a split brain as an
 * alert naming both servers. Only the title is a live region, so a screen reader hears each change
 * once, not every second's new duration.
 */
export function StatusHeadline() {
  const live = useLive();
  const session = useSession();
  const localNow = useNow(1000);
  if (!live.answer) return null;
  const now = serverNow(live, localNow);
  const h = headlineOf(live.answer, now, session.admin);
  const alert = h.level === 'split-brain';
  return (
    <section className={`Headline Headline--${h.level}`} aria-label="Status" data-testid="headline" data-level={h.level}>
      <p className="Headline__title" role={alert ? 'alert' : 'status'} data-testid="headline-title">
        {h.title}
      </p>
      {h.details.length > 0 && (
        <ul className="Headline__details" data-testid="headline-details">
          {h.details.map((d) => (
            <li key={d}>{d}</li>
          ))}
        </ul>
      )}
      {live.error && (
        <p className="Headline__stale" data-testid="live-error">
          Not updated for {duration(localNow - live.readAt)}: {live.error} Showing the last data read.
        </p>
      )}
    </section>
  );
}
