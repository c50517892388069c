import { describe, expect, it } from 'vitest';
import { matchPath } from '../../functions/kernel/path-match.js';
import { matchRoute } from '../../functions/workflows/route-match.js';
import { defineWorkflow } from '../../functions/workflows/define.js';
import { manifestOf } from '../support/manifest.js';
import { filterLiteral } from '../../functions/bam/v2-lookups.js';
import { checkV2Path, v2Path } from '../../functions/bam/v2-path.js';
import { BamV1Client } from '../../functions/bam/v1-client.js';

describe('workflow path parameters', () => {
  it.each(['..', '.', '%2E%2E', '%2e', '1%2F..%2F..%2Fsessions%3Fx%3D1', 'a%5Cb', 'a%23b', 'a%00b'])('%s is refused with a 400 naming the parameter', (seg) => {
    expect(() => matchPath('/x/{id}', `/x/${seg}`)).toThrow(/"id"/);
  });

  it('ordinary values decode', () => {
    expect(matchPath('/x/{name}', '/x/Disaster%20Recovery')).toEqual({ name: 'Disaster Recovery' });
  });

  it.each(['1%2F..%2F..%2Fsessions%3Fx%3D1', 'a%5Cb', 'a%23b', 'a%3Fb', 'a%0Ab'])('a request for /probe/%s is a 400 on the trusted side, before any runner', (seg) => {
    const manifest = { workflows: [manifestOf(defineWorkflow({ name: 'ip_space', defaultMessage: 'x', routes: [{ method: 'GET', path: '/probe/{id}', handler: async () => ({}) }] }))] };
    expect(() => matchRoute(manifest, 'GET', `/ip_space/probe/${seg}`)).toThrow(expect.objectContaining({ status: 400, message: expect.stringMatching(/"id"/) }));
  });

  it('a {name+} parameter takes one segment or more, each checked like a {name} one', () => {
    expect(matchPath('/zones/{zone+}/host_records', '/zones/com/zones/example/host_records/')).toEqual({ zone: 'com/zones/example' });
    expect(matchPath('/zones/{zone+}', '/zones/com')).toEqual({ zone: 'com' });
    expect(matchPath('/zones/{zone+}/host_records', '/zones/host_records')).toBeNull();
    expect(() => matchPath('/zones/{zone+}', '/zones/com/a%2Fb')).toThrow(/"zone"/);
  });
});

describe('BAM v2 filter literals', () => {
  it.each(["Nope'", 'a\\b', 'a\nb'])('%j is refused naming the field', (v) => {
    expect(() => filterLiteral('configuration', v)).toThrow(/configuration/);
  });

  it('a plain value is quoted', () => {
    expect(filterLiteral('configuration', 'Disaster Recovery')).toBe("'Disaster Recovery'");
  });
});

describe('BAM paths', () => {
  it('v2Path encodes each value as one segment', () => {
    expect(v2Path`/configurations/${'1/../../sessions?x=1'}/views`).toBe('/configurations/1%2F..%2F..%2Fsessions%3Fx%3D1/views');
    expect(() => v2Path`/configurations/${'..'}/views`).toThrow();
  });

  it.each(['/configurations/../sessions', '/configurations/%2e%2e/sessions', '/sessions?x=1', '/a#b', '/a\\b', 'relative'])('the v2 client refuses %s', (p) => {
    expect(() => checkV2Path(p)).toThrow();
  });

  it('the v1 client refuses a method name that is not an identifier, before any request', async () => {
    await expect(new BamV1Client('http://127.0.0.1:9', 100).call('GET', '../x', {})).rejects.toThrow(/method name/);
  });
});
