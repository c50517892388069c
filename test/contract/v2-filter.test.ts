import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SimCluster } from '../../local/bam-sim/cluster.js';
import { parseFilter } from '../../local/bam-sim/v2-filter.js';
import { get, send } from './bam-http.js';

/**
 * The RESTful v2 `filter` grammar. "Guide" below is the Address Manager RESTful v2 API Guide,
 * section "Query parameters": "Referencing fields" (dot notation), "Filter" (`<field>:operator(value)`,
 * the operator table, `address:gt("192.168.0.10")`, range values, 400 InvalidFilterField),
 * "Combination of filter predicates" (`and`, `or`) and "Additional examples" (implied eq
 * `name:'admin1'`, `eq(true)`, `in('config-2', 'config-3')`); "migration guide" is its v1→v2 table
 * (`filter=id:{id}`, `configuration.id:{id} and range:'{range}'`: unquoted numbers).
 */
let cluster: SimCluster;
let base: string;
let headers: Record<string, string>;
const names = async (path: string, filter: string) => {
  const r = await get(`${base}/api/v2${path}?filter=${encodeURIComponent(filter)}`, headers);
  expect([filter, r.status]).toEqual([filter, 200]);
  return (r.json().data as { name: string }[]).map((d) => d.name);
};
const refused = async (filter: string) => (await get(`${base}/api/v2/configurations?filter=${encodeURIComponent(filter)}`, headers)).json();

beforeAll(async () => {
  cluster = await new SimCluster().start();
  base = cluster.server('bam1').url;
  const s = (await send('POST', `${base}/api/v2/sessions`, { username: 'alice', password: 'alice-pass' })).json();
  headers = { authorization: `Basic ${s.basicAuthenticationCredentials}` };
});
afterAll(async () => cluster.close());

describe('documented forms', () => {
  it('field:operator(value) with each string operator (Guide, "Filter": eq, ne, contains, startsWith, endsWith)', async () => {
    expect(await names('/configurations', "name:eq('Lab')")).toEqual(['Lab']);
    expect(await names('/configurations', "name:ne('Lab')")).toEqual(['Production', 'Disaster Recovery']);
    expect(await names('/configurations', "name:contains('ab')")).toEqual(['Lab']);
    expect(await names('/configurations', "name:startsWith('Dis')")).toEqual(['Disaster Recovery']);
    expect(await names('/configurations', "name:endsWith('tion')")).toEqual(['Production']);
  });

  it("the implied eq, field:'value' (Guide, \"Additional examples\": name:'admin1')", async () => {
    expect(await names('/configurations', "name:'Production'")).toEqual(['Production']);
  });

  it("in('a', 'b') with a space after the comma (Guide: configuration.name:in('config-2', 'config-3'))", async () => {
    expect(await names('/configurations', "name:in('Lab', 'Production')")).toEqual(['Production', 'Lab']);
    expect(await names('/configurations', "name:in('Lab','Nope')")).toEqual(['Lab']);
  });

  it('double quotes as well as single (Guide: address:gt("192.168.0.10"))', async () => {
    expect(await names('/configurations', 'name:eq("Lab")')).toEqual(['Lab']);
  });

  it("and, or (Guide, \"Combination of filter predicates\"; name:contains('UK') or name:contains('FR'))", async () => {
    expect(await names('/configurations', "name:contains('o') and name:contains('u')")).toEqual(['Production']);
    expect(await names('/configurations', "name:eq('Lab') or name:startsWith('Dis')")).toEqual(['Lab', 'Disaster Recovery']);
    // `and` binds tighter than `or` (modelled): Lab, or (Production and not Production).
    expect(await names('/configurations', "name:'Lab' or name:'Production' and name:ne('Production')")).toEqual(['Lab']);
  });

  it("dot-notation field paths into the inlined configuration and view (Guide, \"Referencing fields\"; configuration.name:'config0' and range:startsWith('10.'))", async () => {
    const views = (await get(`${base}/api/v2/views?filter=${encodeURIComponent("configuration.name:'Production' and name:'default'")}`, headers)).json().data;
    expect(views).toHaveLength(1);
    expect(views[0].configuration).toMatchObject({ type: 'Configuration', name: 'Production' });
    const [zone] = (await get(`${base}/api/v2/zones?filter=${encodeURIComponent(`view.id:${views[0].id} and absoluteName:'example.com'`)}`, headers)).json().data;
    expect(zone).toMatchObject({ absoluteName: 'example.com', view: { id: views[0].id } });
    expect(await names('/blocks', "configuration.name:'Production' and range:startsWith('10.')")).toEqual(['Production 10.0.0.0/8']);
    // BlueCat's Ansible modules' form: configuration.name:eq("…") and range:eq("…").
    expect(await names('/blocks', 'configuration.name:eq("Lab") and range:eq("192.168.0.0/16")')).toEqual(['Lab 192.168.0.0/16']);
  });

  it('unquoted numbers (migration guide: filter=id:{id}) and booleans (Guide: eq(true))', async () => {
    const [lab] = (await get(`${base}/api/v2/configurations?filter=${encodeURIComponent("name:'Lab'")}`, headers)).json().data;
    expect(await names('/configurations', `id:${lab.id}`)).toEqual(['Lab']);
    expect(await names('/configurations', `id:eq(${lab.id})`)).toEqual(['Lab']);
    expect((await names('/zones', 'deployable:eq(true)')).length).toBe(6);
    expect(await names('/zones', 'deployable:false')).toEqual([]);
  });

  it('range values (Guide: range:eq("/24") by CIDR length, range:contains(\'10.0.0.5\') by address)', async () => {
    expect(await names('/blocks', 'range:eq("/16")')).toEqual(['Lab 192.168.0.0/16', 'Disaster Recovery 10.200.0.0/16']);
    expect(await names('/blocks', 'range:contains("10.200.1.1")')).toEqual(['Production 10.0.0.0/8', 'Disaster Recovery 10.200.0.0/16']);
  });
});

describe('comparisons and grouping', () => {
  it("gt, ge, lt, le compare numbers as numbers and strings as strings (Guide, operator table; creationDateTime:ge('2022-…'))", () => {
    const items = [
      { id: 9, name: 'b' },
      { id: 10, name: 'a' },
      { id: 11, name: 'c' },
    ];
    const ids = (f: string) => {
      const keep = parseFilter(f);
      if (typeof keep !== 'function') throw new Error(keep.message);
      return items.filter(keep).map((i) => i.id);
    };
    expect([ids('id:gt(9)'), ids('id:ge(10)'), ids('id:lt(10)'), ids('id:le(10)')]).toEqual([[10, 11], [10, 11], [9], [9, 10]]);
    expect(ids("name:gt('a') and name:lt('c')")).toEqual([9]);
    expect(ids('id:in(9, 11)')).toEqual([9, 11]);
    expect(ids("id:ne(10) and name:ne('c')")).toEqual([9]);
  });

  it('parentheses group predicates (modelled): (a or b) and c', () => {
    const keep = parseFilter("(name:'a' or name:'b') and id:gt(9)");
    if (typeof keep !== 'function') throw new Error(keep.message);
    expect(
      [
        { id: 9, name: 'b' },
        { id: 10, name: 'a' },
        { id: 12, name: 'c' },
      ]
        .filter(keep)
        .map((i) => i.id),
    ).toEqual([10]);
    expect(parseFilter("(name:'a'")).toMatchObject({ code: 'InvalidFilter' });
  });

  it('a field the item lacks matches nothing, not even ne', () => {
    const keep = parseFilter("view.name:ne('x')");
    expect(typeof keep === 'function' && keep({ name: 'no view here' })).toBe(false);
  });
});

describe('refusals: 400 in the v2 error shape {status, reason, code, message}', () => {
  it('a field outside the filterable set is InvalidFilterField (Guide, "Supported filter fields")', async () => {
    expect(await refused("colour:eq('red')")).toEqual({ status: 400, reason: 'Bad Request', code: 'InvalidFilterField', message: expect.stringMatching(/colour/) });
  });

  it('malformed filters are InvalidFilter (modelled code), never ignored', async () => {
    for (const f of [
      "name:like('P%')",
      'name=Production',
      "name:eq('Lab'",
      "name:eq('Lab')) ",
      "name:eq('unterminated)",
      'name:eq(Lab)',
      "name:eq('a', 'b')",
      "name:'Lab' and",
      "name:'Lab' AND name:'x'",
      ":eq('x')",
      'name:in()',
    ]) {
      expect([f, await refused(f)]).toEqual([f, { status: 400, reason: 'Bad Request', code: 'InvalidFilter', message: expect.any(String) }]);
    }
  });
});

describe('quoting and escaping (modelled: the guide shows no escape)', () => {
  it('inside quotes a backslash takes the next character, so a quote cannot end the value early', () => {
    const keep = parseFilter("name:eq('O\\'Brien')");
    if (typeof keep !== 'function') throw new Error(keep.message);
    expect([keep({ name: "O'Brien" }), keep({ name: 'O' })]).toEqual([true, false]);
    const other = parseFilter('name:"say \\"hi\\""');
    if (typeof other !== 'function') throw new Error(other.message);
    expect(other({ name: 'say "hi"' })).toBe(true);
  });

  it('the other quote needs no escape: name:"O\'Brien" and name:\'say "hi"\'', () => {
    for (const [f, name] of [
      [`name:"O'Brien"`, "O'Brien"],
      [`name:'say "hi"'`, 'say "hi"'],
    ] as const) {
      const keep = parseFilter(f);
      expect(typeof keep === 'function' && keep({ name })).toBe(true);
    }
  });
});
