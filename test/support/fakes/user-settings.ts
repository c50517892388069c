import type { SessionLifetime } from '../../../functions/sessions/domain/session-lifetime.js';
import type { UserSettings, UserSettingsReader } from '../../../functions/sessions/ports.js';

/** Per-user settings in memory, by name whatever its case (BAM user names are case-insensitive), as DynamoUserSettingsStore keeps them. */
export class InMemoryUserSettings implements UserSettingsReader {
  private readonly items = new Map<string, UserSettings>();

  async get(username: string): Promise<UserSettings | undefined> {
    return this.items.get(username.toLowerCase());
  }

  async setSessionLifetime(username: string, sessionLifetime: SessionLifetime, updatedBy: string, now = 0): Promise<void> {
    this.items.set(username.toLowerCase(), { username, sessionLifetime, updatedAt: now, updatedBy });
  }

  async clear(username: string): Promise<void> {
    this.items.delete(username.toLowerCase());
  }
}
