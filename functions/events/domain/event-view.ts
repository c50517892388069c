/**
 * What the events timeline shows a user who is neither an admin nor holds `maintenance`: the same
 * events, without who made a maintenance change and their comment, and without gateway nodes'
 * addresses (the dashboard hides the nodes from such users too). BAM servers stay as they are:
 * every API user names them when logging in.
 */
export interface TimelineEvent {
  id: string;
  type: string;
  time: string;
  detail: Record<string, unknown>;
}

const OPERATOR_FIELDS = ['by', 'comment'];

export function forOrdinaryUser(e: TimelineEvent): TimelineEvent {
  const detail: Record<string, unknown> = { ...e.detail };
  for (const f of OPERATOR_FIELDS) delete detail[f];
  const node = detail.node as { kind?: string; url?: unknown } | undefined;
  if (node?.kind === 'gateway' && 'url' in node) {
    const { url: _hidden, ...rest } = node;
    detail.node = rest;
  }
  return { ...e, detail };
}
