import { badRequest } from '../../kernel/errors.js';

/**
 * A session's absolute lifetime: `SESSION_MAX_LIFETIME_SECONDS` by default, or a
 * per-user setting an admin gives automation accounts (external-dns polls for weeks with the one
 * token it got at start): more seconds, or `null`, no absolute lifetime at all (the idle timeout
 * alone ends the session). A session takes its user's setting when it logs in and keeps it;
 * sessions without one (made before the setting existed) follow the configured default.
 */
export type SessionLifetime = number | null;

export const MIN_LIFETIME_SECONDS = 300;
/** A year and a day: longer is what `null` says. */
export const MAX_LIFETIME_SECONDS = 366 * 86_400;
/** When a session created at `createdAt` ends at the latest (ms); Infinity without an absolute lifetime. */
export function absoluteEnd(createdAt: number, own: SessionLifetime | undefined, defaultSeconds: number): number {
  const seconds = own === undefined ? defaultSeconds : own;
  return seconds === null ? Number.POSITIVE_INFINITY : createdAt + seconds * 1000;
}

/** The idle expiry after use at `usedAt`, never past the absolute end. */
export function expiryAfterUse(createdAt: number, usedAt: number, idleSeconds: number, own: SessionLifetime | undefined, defaultSeconds: number): number {
  return Math.min(usedAt + idleSeconds * 1000, absoluteEnd(createdAt, own, defaultSeconds));
}

/** A lifetime as the admin API takes it in its path: whole seconds in bounds, or `none`; 400 otherwise. */
export function parseLifetime(raw: string): SessionLifetime {
  if (raw === 'none') return null;
  const seconds = /^\d{1,9}$/.test(raw) ? Number(raw) : Number.NaN;
  if (!(seconds >= MIN_LIFETIME_SECONDS && seconds <= MAX_LIFETIME_SECONDS)) {
    throw badRequest(`A session lifetime is whole seconds from ${MIN_LIFETIME_SECONDS} to ${MAX_LIFETIME_SECONDS}, or "none" (no absolute lifetime).`, [
      { field: 'lifetime', problem: 'out of range' },
    ]);
  }
  return seconds;
}
