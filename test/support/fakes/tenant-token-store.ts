import type { TenantTokenRecord, TenantTokenStore } from '../../../functions/maintenance/ports.js';

const keyOf = (r: Pick<TenantTokenRecord, 'tenant' | 'user' | 'jti'>) => `${r.tenant}\u0000${r.user}\u0000${r.jti}`;

/** Tenant-token records in memory (claims by token id, never the token), as the DynamoDB adapter keeps them. */
export class InMemoryTenantTokenStore implements TenantTokenStore {
  readonly records = new Map<string, TenantTokenRecord>();

  async put(record: TenantTokenRecord): Promise<void> {
    if (this.records.has(keyOf(record))) throw new Error(`tenant token ${record.jti} exists`);
    this.records.set(keyOf(record), structuredClone(record));
  }

  async get(tenant: string, user: string, jti: string): Promise<TenantTokenRecord | undefined> {
    const r = this.records.get(keyOf({ tenant, user, jti }));
    return r && structuredClone(r);
  }

  async list(filter: { tenant?: string; user?: string }): Promise<TenantTokenRecord[]> {
    return [...this.records.values()]
      .filter((r) => (filter.tenant === undefined || r.tenant === filter.tenant) && (filter.user === undefined || r.user === filter.user))
      .map((r) => structuredClone(r));
  }

  async delete(r: Pick<TenantTokenRecord, 'tenant' | 'user' | 'jti'>): Promise<void> {
    this.records.delete(keyOf(r));
  }
}
