import { describe, expect, it } from 'vitest';
import type { GatewayError } from '../../functions/kernel/errors.js';
import { activationBody, canonicalSubPath } from '../../functions/maintenance/requests.js';

const status = (fn: () => unknown) => {
  try {
    fn();
    return 200;
  } catch (err) {
    return (err as GatewayError).status;
  }
};

describe('the path path rights and routing see', () => {
  it.each([
    ['/configuration/back-end-groups/%31/host-mode', '/configuration/back-end-groups/1/host-mode'],
    ['/configuration/back-end-groups/address%2Dmanager', '/configuration/back-end-groups/address-manager'],
    ['/session/create/', '/session/create'],
    ['', '/'],
  ])('%s is %s', (raw, canonical) => {
    expect(canonicalSubPath(raw)).toBe(canonical);
  });

  it.each(['/x/%ZZ', '/x/%E0%A4%A', '/x/1%2Fy', '/x/%5C', '/x/%00', '/x/%0a'])('refuses %s with a 400', (raw) => {
    expect(status(() => canonicalSubPath(raw))).toBe(400);
  });

  it('decodes once: a double escape stays a literal percent', () => {
    expect(canonicalSubPath('/x/%2531')).toBe('/x/%31');
  });
});

describe('the activate body', () => {
  it('takes nothing, or a comment and the two flags as booleans or strings; other options are ignored', () => {
    expect(activationBody(undefined)).toEqual({ comment: '', options: { autoMerge: false, ignoreOutdatedConfiguration: false } });
    expect(activationBody({ comment: 'x', options: { autoMerge: 'true', ignoreOutdatedConfiguration: false, failoverAction: true } })).toEqual({
      comment: 'x',
      options: { autoMerge: true, ignoreOutdatedConfiguration: false },
    });
    expect(activationBody({ comment: null, options: null }).comment).toBe('');
  });

  it.each([[[]], ['str'], [{ comment: 1 }], [{ options: [1] }], [{ options: { autoMerge: 'yes' } }], [{ options: { ignoreOutdatedConfiguration: 1 } }]])('refuses %j with a 400', (body) => {
    expect(status(() => activationBody(body))).toBe(400);
  });

  it('keeps 1000 whole code points, a lone surrogate made U+FFFD', () => {
    const long = activationBody({ comment: '😀'.repeat(1200) }).comment;
    expect([...long]).toHaveLength(1000);
    expect(long.endsWith('😀')).toBe(true);
    expect(activationBody({ comment: 'a\ud800b' }).comment).toBe('a\ufffdb');
  });
});
