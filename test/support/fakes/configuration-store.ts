import type { PendingEvent } from '../../../functions/events/domain/events.js';
import { HISTORY_LIMIT, type Activation, type ActiveConfiguration, type Modes } from '../../../functions/maintenance/domain/configuration.js';
import type { ConfigurationStore } from '../../../functions/maintenance/ports.js';
import { InMemoryOutbox } from './outbox.js';

/**
 * The active maintenance configuration in memory, with the DynamoDB adapter's rules: an
 * activation commits with its events only over the version it was planned on.
 */
export class InMemoryConfigurationStore implements ConfigurationStore {
  private active: ActiveConfiguration = { version: 0, modes: {}, history: [] };
  readonly outbox = new InMemoryOutbox(() => this.active.version > 0);
  /** Runs just before an activation's write: a test makes another activation win the race here. */
  beforeWrite?: () => Promise<void>;

  async get(): Promise<ActiveConfiguration> {
    return structuredClone(this.active);
  }

  async activate(prev: ActiveConfiguration, modes: Modes, activation: Activation, events: PendingEvent[]): Promise<boolean> {
    const hook = this.beforeWrite;
    this.beforeWrite = undefined;
    await hook?.();
    if (this.active.version !== prev.version) return false;
    this.active = structuredClone({ version: activation.version, modes, history: [...prev.history, activation].slice(-HISTORY_LIMIT) });
    this.outbox.add(events);
    return true;
  }
}
