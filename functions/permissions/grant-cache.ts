/**
 * Workflow permission checks reused for a bounded time, so a busy user's requests cost no
 * permission read each. Only "holds" is remembered: a refusal is read again every time, so a grant
 * counts at once everywhere. A revoke (or a removal from a group) made by this process (its admin
 * API) clears the cache at once; one made elsewhere (another node, another Lambda) takes effect here
 * within `maxAgeMs`. An answer read before a clear is never stored after it. The cache holds at most
 * `maxEntries` answers (users × permissions in use), whatever the number of sessions.
 */
export class GrantCache {
  private readonly answers = new Map<string, { holds: boolean; at: number }>();
  private generation = 0;
  private readonly now: () => number;

  constructor(
    private readonly read: (username: string, permission: string) => Promise<boolean>,
    private readonly maxAgeMs: number,
    private readonly maxEntries = 10_000,
    now: () => number = Date.now,
  ) {
    this.now = now;
  }

  /** Whether the user holds the permission (directly or through a group), at most `maxAgeMs` old. */
  async has(username: string, permission: string): Promise<boolean> {
    const key = `${username}\u0000${permission}`;
    const hit = this.answers.get(key);
    if (hit && this.now() - hit.at < this.maxAgeMs) return hit.holds;
    const generation = this.generation;
    const at = this.now();
    const holds = await this.read(username, permission);
    if (holds && this.maxAgeMs > 0 && generation === this.generation) {
      // Oldest first in a Map: past the limit, drop the oldest answer.
      this.answers.delete(key);
      if (this.answers.size >= this.maxEntries) this.answers.delete(this.answers.keys().next().value!);
      this.answers.set(key, { holds, at });
    }
    return holds;
  }

  /** A grant, revoke or membership change in this process: every cached answer is dropped. */
  clear(): void {
    this.answers.clear();
    this.generation++;
  }
}
