/** Small display helpers shared by the pages. */
export const ago = (iso: string | null | undefined, now = Date.now()) => {
  if (!iso) return '—';
  const s = Math.max(0, Math.round((now - Date.parse(iso)) / 1000));
  return s < 60 ? `${s} s ago` : s < 3600 ? `${Math.floor(s / 60)} min ago` : `${Math.floor(s / 3600)} h ago`;
};

export const clock = (iso: string | null | undefined) => (iso ? new Date(iso).toLocaleString() : '—');

export type TagColour = 'green' | 'red' | 'gray' | 'blue' | 'purple' | 'cyan' | 'warm-gray' | 'magenta';

export function colourOf(value: string): TagColour {
  switch (value) {
    case 'PRIMARY':
    case 'UP':
    case 'MONITORING':
      return 'green';
    case 'DOWN':
    case 'DISABLED':
    case 'FAILOVER_IN_PROGRESS':
      return 'red';
    case 'STANDBY':
    case 'SECONDARY':
      return 'blue';
    case 'MAINTENANCE':
    case 'NO_NEW_SESSIONS':
    case 'SWITCHOVER_IN_PROGRESS':
      return 'purple';
    default:
      return 'gray';
  }
}
