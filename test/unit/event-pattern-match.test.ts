import { describe, expect, it } from 'vitest';
import { matchesPattern } from '../../local/event-pattern-match.js';
import { patterns } from '../../functions/events/domain/event-patterns.js';

// Examples after EventBridge's documentation of content filtering (same pattern shapes and cases).
const ec2 = {
  version: '0',
  id: '6a7e8feb-b491-4cf7-a9f1-bf3703467718',
  'detail-type': 'EC2 Instance State-change Notification',
  source: 'aws.ec2',
  account: '111122223333',
  time: '2017-12-22T18:43:48Z',
  region: 'us-west-1',
  resources: ['arn:aws:ec2:us-west-1:123456789012:instance/i-1234567890abcdef0'],
  detail: { 'instance-id': 'i-1234567890abcdef0', state: 'terminated', 'c-count': 5, 'd-count': 3, 'x-limit': 301.8, 'source-ip': '10.0.0.123' },
};

describe('event pattern matching (EventBridge semantics)', () => {
  it.each([
    ['exact value', { source: ['aws.ec2'] }, true],
    ['exact value, other source', { source: ['aws.s3'] }, false],
    ['one of several values (OR within a field)', { detail: { state: ['running', 'terminated'] } }, true],
    ['AND across fields', { source: ['aws.ec2'], detail: { state: ['running'] } }, false],
    ['an array-valued field matches if any element does', { resources: ['arn:aws:ec2:us-west-1:123456789012:instance/i-1234567890abcdef0'] }, true],
    ['prefix', { time: [{ prefix: '2017-12-22' }] }, true],
    ['prefix, no match', { region: [{ prefix: 'eu-' }] }, false],
    ['anything-but a string', { detail: { state: [{ 'anything-but': 'initializing' }] } }, true],
    ['anything-but the value present', { detail: { state: [{ 'anything-but': 'terminated' }] } }, false],
    ['anything-but a list', { detail: { state: [{ 'anything-but': ['stopped', 'terminated'] }] } }, false],
    ['anything-but a number', { detail: { 'x-limit': [{ 'anything-but': 123 }] } }, true],
    ['anything-but a prefix', { region: [{ 'anything-but': { prefix: 'us-' } }] }, false],
    ['anything-but on a missing field never matches', { detail: { missing: [{ 'anything-but': 'x' }] } }, false],
    ['exists: true', { detail: { state: [{ exists: true }] } }, true],
    ['exists: true on a missing field', { detail: { nope: [{ exists: true }] } }, false],
    ['exists: false on a missing field', { detail: { nope: [{ exists: false }] } }, true],
    ['exists: false on a present field', { detail: { state: [{ exists: false }] } }, false],
    ['numeric range', { detail: { 'c-count': [{ numeric: ['>', 0, '<=', 5] }] } }, true],
    ['numeric range, outside', { detail: { 'd-count': [{ numeric: ['<', 3] }] } }, false],
    ['numeric equality', { detail: { 'x-limit': [{ numeric: ['=', 301.8] }] } }, true],
    ['numeric on a string never matches', { detail: { state: [{ numeric: ['>', 0] }] } }, false],
    ['$or: one branch matches', { $or: [{ detail: { 'c-count': [{ numeric: ['>', 10] }] } }, { detail: { 'd-count': [{ numeric: ['<', 10] }] } }] }, true],
    ['$or: no branch matches', { $or: [{ source: ['aws.s3'] }, { region: ['eu-west-1'] }] }, false],
    ['$or with a sibling key (AND)', { source: ['aws.s3'], $or: [{ region: ['us-west-1'] }] }, false],
    ['nested object against a scalar', { source: { nested: ['x'] } }, false],
  ])('%s', (_, pattern, expected) => {
    expect(matchesPattern(pattern, ec2)).toBe(expected);
  });

  it('rejects malformed patterns loudly instead of matching nothing', () => {
    expect(() => matchesPattern({ source: 'aws.ec2' }, ec2)).toThrow(/arrays/);
    expect(() => matchesPattern({ source: [{ suffix: '2' }] }, ec2)).toThrow(/unsupported/);
  });
});

describe("the gateway's own patterns", () => {
  const roleChange = (kind: string, role: string) => ({ source: 'failover-gateway', 'detail-type': 'NODE_ROLE_CHANGED', detail: { node: { kind, id: 'x', url: null }, previous: null, new: role } });
  it.each([
    ['nodeRoleChanged', roleChange('gateway', 'PRIMARY'), true],
    ['nodeRoleChanged', { ...roleChange('gateway', 'PRIMARY'), source: 'someone-else' }, false],
    ['gatewayNodeRoleChanged', roleChange('gateway', 'SECONDARY'), true],
    ['gatewayNodeRoleChanged', roleChange('address-manager', 'PRIMARY'), false],
    ['addressManagerPromoted', roleChange('address-manager', 'PRIMARY'), true],
    ['addressManagerPromoted', roleChange('address-manager', 'STANDBY'), false],
    ['needsAttention', { source: 'failover-gateway', 'detail-type': 'SPLIT_BRAIN_DETECTED', detail: {} }, true],
    ['needsAttention', { source: 'failover-gateway', 'detail-type': 'MONITORING_STATE_CHANGED', detail: { new: 'FAILOVER_IN_PROGRESS' } }, true],
    ['needsAttention', { source: 'failover-gateway', 'detail-type': 'MONITORING_STATE_CHANGED', detail: { new: 'MONITORING' } }, false],
  ] as const)('%s on %j is %s', (name, event, expected) => {
    expect(matchesPattern(patterns[name], event)).toBe(expected);
  });
});
