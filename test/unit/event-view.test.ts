import { describe, expect, it } from 'vitest';
import { forOrdinaryUser } from '../../functions/events/domain/event-view.js';

describe('the events timeline for a user without maintenance rights', () => {
  it('drops who made a maintenance change and their comment, keeping what changed', () => {
    const e = {
      id: '1',
      type: 'BACKEND_HOST_MODE_CHANGED',
      time: 't',
      detail: { host: { name: 'bam2', url: 'http://bam2' }, previous: 'ENABLED', new: 'DISABLED', by: 'tenant:acme/ops', comment: 'patching' },
    };
    expect(forOrdinaryUser(e).detail).toEqual({ host: { name: 'bam2', url: 'http://bam2' }, previous: 'ENABLED', new: 'DISABLED' });
    expect(e.detail.by).toBe('tenant:acme/ops'); // the stored event is untouched
  });

  it("hides a gateway node's address, not a BAM server's", () => {
    const node = { id: '2', type: 'NODE_ROLE_CHANGED', time: 't', detail: { node: { kind: 'gateway', id: 'a', url: 'https://a.example' }, new: 'PRIMARY' } };
    expect(forOrdinaryUser(node).detail.node).toEqual({ kind: 'gateway', id: 'a' });
    const bam = { id: '3', type: 'NODE_ROLE_CHANGED', time: 't', detail: { node: { kind: 'address-manager', id: 'bam1', url: 'http://bam1' }, new: 'STANDBY' } };
    expect(forOrdinaryUser(bam)).toEqual(bam);
  });
});
