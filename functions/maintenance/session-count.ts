import type { BackendHost } from './contract.js';

/**
 * How many gateway sessions a host would still serve (SPEC §11 session counts). A placeholder
 * answering 0 for now: the session-count work replaces this body with the exact, bounded count.
 */
export async function countSessions(_host: BackendHost): Promise<number> {
  return 0;
}
