import type { WorkingCopy } from '../../../functions/maintenance/domain/configuration.js';
import type { MaintenanceSession, MaintenanceSessionStore, WorkingCopySave } from '../../../functions/maintenance/ports.js';

/**
 * Maintenance sessions in memory, with the DynamoDB adapter's rules: a working copy is written
 * only over the revision its writer read (so parallel calls of one session conflict instead of
 * losing a change), and nothing is written to a session that is gone.
 */
export class InMemoryMaintenanceSessionStore implements MaintenanceSessionStore {
  readonly sessions = new Map<string, MaintenanceSession>();
  /** Working-copy writes attempted, by outcome (what a test of the retry loop counts). */
  readonly saves: Record<WorkingCopySave, number> = { saved: 0, conflict: 0, gone: 0 };

  async create(s: MaintenanceSession): Promise<void> {
    if (this.sessions.has(s.idHash)) throw new Error(`maintenance session ${s.idHash} exists`);
    this.sessions.set(s.idHash, structuredClone(s));
  }

  async get(idHash: string): Promise<MaintenanceSession | undefined> {
    const s = this.sessions.get(idHash);
    return s && structuredClone(s);
  }

  async touch(idHash: string, expiresAt: number): Promise<boolean> {
    const s = this.sessions.get(idHash);
    if (s) s.expiresAt = expiresAt;
    return s !== undefined;
  }

  async saveWorkingCopy(idHash: string, expiresAt: number, workingCopy: WorkingCopy, readRev = 0): Promise<WorkingCopySave> {
    const s = this.sessions.get(idHash);
    const outcome: WorkingCopySave = !s ? 'gone' : (s.wcRev ?? 0) !== readRev ? 'conflict' : 'saved';
    this.saves[outcome]++;
    if (s && outcome === 'saved') Object.assign(s, { expiresAt, workingCopy: structuredClone(workingCopy), wcRev: readRev + 1 });
    return outcome;
  }

  async delete(idHash: string): Promise<void> {
    this.sessions.delete(idHash);
  }
}
