import type { GroupState } from './domain/group.js';

/**
 * The availability group's state as this process last knew it, without a read per use: the group
 * agent's own view when it ticks in this process (the local runtime), else one read shared for
 * `maxAgeMs` (the monitor's and the API's Lambdas in AWS, where the agent is another function).
 */
export class GroupView {
  private last?: { state: GroupState | undefined; at: number };

  constructor(
    private readonly read: () => Promise<GroupState | undefined>,
    private readonly agent?: { state?: GroupState; observedAt: number },
    private readonly now: () => number = Date.now,
  ) {}

  async current(maxAgeMs: number): Promise<GroupState | undefined> {
    const t = this.now();
    if (this.agent && this.agent.observedAt > 0 && t - this.agent.observedAt < maxAgeMs) return this.agent.state;
    if (this.last && t - this.last.at < maxAgeMs) return this.last.state;
    const state = await this.read();
    this.last = { state, at: t };
    return state;
  }
}
