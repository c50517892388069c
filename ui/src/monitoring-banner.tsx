import { InlineNotification } from '@bluecateng/pelagos';

/**
 * What a monitoring state means for the user, as a banner; none while all is well. States this UI
 * does not know yet are shown as they are rather than hidden.
 */
export function MonitoringBanner({ state }: { state: string | undefined }) {
  if (!state || state === 'MONITORING') return null;
  if (state === 'FAILOVER_IN_PROGRESS') {
    return <InlineNotification type="warning" title="Address Manager failover in progress." text="Refresh the page or try again later." role="status" />;
  }
  if (state === 'SWITCHOVER_IN_PROGRESS') {
    return <InlineNotification type="info" title="Planned maintenance switchover in progress." text="Your requests are held until the new Primary is ready." role="status" />;
  }
  if (state === 'STOPPED') return <InlineNotification type="info" text="Failover monitoring is not running." role="status" />;
  return <InlineNotification type="info" text={`Address Manager monitoring state: ${state}.`} role="status" />;
}
