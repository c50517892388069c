import type { PendingEvent } from '../../events/domain/events.js';

/**
 * The availability group of gateway nodes as pure functions. Nodes share one state item;
 * the Primary proves it is alive by advancing `heartbeatSeq`; a Secondary that sees no advance for
 * `allowedAbsenceMs` (measured on its own clock, so clock skew between nodes does not matter)
 * takes over with a write conditioned on the state it saw. `epoch` is the fencing token: it grows
 * with every change of Primary, and each epoch has exactly one Primary by construction.
 */
export type NodeRole = 'PRIMARY' | 'SECONDARY' | 'NOT_IN_GROUP';

export interface GroupMember {
  id: string;
  url: string | null;
  joinedAt: number;
  /** When the node last wrote to the group (heartbeat or check), on its own clock. */
  lastSeen: number;
}

export interface GroupState {
  /** Grows with every role-changing write (event ids derive from it). */
  version: number;
  epoch: number;
  primary: string | null;
  heartbeatSeq: number;
  lastHeartbeatAt: number;
  members: Record<string, GroupMember>;
  updatedAt: number;
}

export interface GroupIntervals {
  healthReportMs: number;
  healthCheckMs: number;
  allowedAbsenceMs: number;
}

/** What a Secondary remembers of the heartbeat: the value it saw and when it first saw it. */
export interface HeartbeatObservation {
  epoch: number;
  seq: number;
  seenAt: number;
}

export type GroupAction = { kind: 'bootstrap' } | { kind: 'join' } | { kind: 'heartbeat' } | { kind: 'takeover' } | { kind: 'wait' };

export function roleOf(state: GroupState | undefined, me: string): NodeRole {
  if (!state || !state.members[me]) return 'NOT_IN_GROUP';
  return state.primary === me ? 'PRIMARY' : 'SECONDARY';
}

/** What node `me` should do now, and what it now remembers of the heartbeat. */
export function decide(
  state: GroupState | undefined,
  me: string,
  seen: HeartbeatObservation | undefined,
  now: number,
  iv: GroupIntervals,
): { action: GroupAction; seen: HeartbeatObservation | undefined } {
  if (!state) return { action: { kind: 'bootstrap' }, seen: undefined };
  if (!state.members[me]) return { action: { kind: 'join' }, seen };
  if (state.primary === me) return { action: { kind: 'heartbeat' }, seen: undefined };
  const moved = !seen || seen.epoch !== state.epoch || seen.seq !== state.heartbeatSeq;
  const obs = moved ? { epoch: state.epoch, seq: state.heartbeatSeq, seenAt: now } : seen;
  if (state.primary === null || now - obs.seenAt > iv.allowedAbsenceMs) return { action: { kind: 'takeover' }, seen: obs };
  return { action: { kind: 'wait' }, seen: obs };
}

export interface GroupChange {
  state: GroupState;
  events: PendingEvent[];
}

function roleEvent(state: GroupState, id: string, previous: NodeRole | null, next: NodeRole, reason: string, index: number, now: number): PendingEvent {
  return {
    id: `g${state.version}-${index}`,
    detailType: 'NODE_ROLE_CHANGED',
    detail: { node: { kind: 'gateway', id, url: state.members[id]?.url ?? null }, previous, new: next, epoch: state.epoch, occurredAt: new Date(now).toISOString(), reason },
  };
}

const member = (id: string, url: string | null, now: number): GroupMember => ({ id, url, joinedAt: now, lastSeen: now });

/** The first node creates the group and is its Primary. */
export function bootstrap(me: string, url: string | null, now: number): GroupChange {
  const state: GroupState = { version: 1, epoch: 1, primary: me, heartbeatSeq: 0, lastHeartbeatAt: now, members: { [me]: member(me, url, now) }, updatedAt: now };
  return { state, events: [roleEvent(state, me, null, 'PRIMARY', 'group-created', 0, now)] };
}

/** A node joins an existing group as Secondary. */
export function join(prev: GroupState, me: string, url: string | null, now: number): GroupChange {
  const state: GroupState = { ...prev, version: prev.version + 1, members: { ...prev.members, [me]: member(me, url, now) }, updatedAt: now };
  return { state, events: [roleEvent(state, me, 'NOT_IN_GROUP', 'SECONDARY', 'joined', 0, now)] };
}

/** Node `to` becomes Primary in a new epoch; the old Primary (if any) becomes Secondary. */
export function changePrimary(prev: GroupState, to: string, reason: string, now: number): GroupChange {
  const state: GroupState = {
    ...prev,
    version: prev.version + 1,
    epoch: prev.epoch + 1,
    primary: to,
    heartbeatSeq: prev.heartbeatSeq + 1,
    lastHeartbeatAt: now,
    members: { ...prev.members, [to]: { ...prev.members[to]!, lastSeen: now } },
    updatedAt: now,
  };
  const events: PendingEvent[] = [];
  if (prev.primary && prev.primary !== to) events.push(roleEvent(state, prev.primary, 'PRIMARY', 'SECONDARY', reason, events.length, now));
  events.push(roleEvent(state, to, 'SECONDARY', 'PRIMARY', reason, events.length, now));
  return { state, events };
}

/**
 * How long a Primary trusts its last successful heartbeat (counted from when it *started* that
 * write, on its own clock). A Secondary takes over only after the heartbeat has not moved for
 * `allowedAbsenceMs` counted from when its read *ended*, which is after that write started; so a
 * lease shorter than the allowed absence runs out before any takeover can commit, and a Primary
 * cut off from the table stops acting as Primary before another node can become one. Half a
 * health report interval short of it: margin for work a Primary began just before its lease ran
 * out; with the recommended allowed absence (3 report intervals or more), one refused or slow
 * heartbeat does not make a healthy Primary step down.
 */
export function primaryLeaseMs(iv: GroupIntervals): number {
  return iv.allowedAbsenceMs - Math.floor(iv.healthReportMs / 2);
}

/** The node a manual failover hands the Primary role to: another member seen within the allowed absence. */
export function failoverTarget(state: GroupState, now: number, iv: GroupIntervals): string | undefined {
  return Object.values(state.members)
    .filter((m) => m.id !== state.primary && now - m.lastSeen <= iv.allowedAbsenceMs)
    .sort((a, b) => b.lastSeen - a.lastSeen)[0]?.id;
}
