/**
 * The RESTful v2 `filter` grammar (Address Manager RESTful v2 API Guide, "Query parameters":
 * "Referencing fields", "Filter", "Combination of filter predicates", "Additional examples"):
 *
 *   filter    := or
 *   or        := and ( 'or' and )*
 *   and       := primary ( 'and' primary )*
 *   primary   := '(' or ')' | predicate                      (grouping: modelled)
 *   predicate := path ':' op '(' value ( ',' value )* ')'     name:contains('bc'), state:in('A', 'B')
 *              | path ':' value                              name:'admin1' (implied eq)
 *   path      := field ( '.' field )*                        configuration.name (dot notation)
 *   value     := '…' | "…" | number | true | false           address:gt("192.168.0.10"), eq(true), view.id:12
 *
 * Inside quotes a backslash takes the next character literally (`'O\'Brien'`): the guide shows
 * no escape, so that rule is the simulator's (modelled). Anything else is a 400: a field outside
 * the filterable set is `InvalidFilterField` (documented), any other fault `InvalidFilter` (modelled).
 */
export type Item = Record<string, unknown>;
export type Predicate = (item: Item) => boolean;
export interface FilterError {
  code: 'InvalidFilter' | 'InvalidFilterField';
  message: string;
}
type Literal = string | number | boolean;

/** Fields the simulated collections can be filtered on (BAM's list differs per resource). */
export const FILTER_FIELDS = new Set([
  'id',
  'name',
  'type',
  'absoluteName',
  'range',
  'ttl',
  'text',
  'version',
  'deployable',
  'service',
  'state',
  'configuration.id',
  'configuration.name',
  'view.id',
  'view.name',
  'zone.id',
  'zone.name',
  'zone.absoluteName',
  'linkedRecord.absoluteName',
]);

const OPS: Record<string, (field: unknown, value: Literal, path: string) => boolean> = {
  eq: (f, v, p) => equal(f, v, p),
  ne: (f, v, p) => !equal(f, v, p),
  gt: (f, v) => compare(f, v) > 0,
  ge: (f, v) => compare(f, v) >= 0,
  lt: (f, v) => compare(f, v) < 0,
  le: (f, v) => compare(f, v) <= 0,
  contains: (f, v, p) => (p === 'range' && isAddress(String(v)) ? inRange(String(f), String(v)) : String(f).includes(String(v))),
  startsWith: (f, v) => String(f).startsWith(String(v)),
  endsWith: (f, v) => String(f).endsWith(String(v)),
};

type Token = { kind: 'ident' | 'string' | 'number' | 'punct'; text: string; value?: Literal };

function tokenize(filter: string): Token[] | FilterError {
  const tokens: Token[] = [];
  for (let i = 0; i < filter.length; ) {
    const ch = filter[i]!;
    if (/\s/.test(ch)) i++;
    else if ('.:(),'.includes(ch)) tokens.push({ kind: 'punct', text: filter[i++]! });
    else if (ch === "'" || ch === '"') {
      let value = '';
      let j = i + 1;
      for (; j < filter.length && filter[j] !== ch; j++) value += filter[j] === '\\' && j + 1 < filter.length ? filter[++j] : filter[j];
      if (j >= filter.length) return bad(`unterminated string at position ${i}`);
      tokens.push({ kind: 'string', text: filter.slice(i, j + 1), value });
      i = j + 1;
    } else {
      const m = /^(-?\d+(?:\.\d+)?(?![\w])|[A-Za-z_]\w*)/.exec(filter.slice(i));
      if (!m) return bad(`unexpected character '${ch}' at position ${i}`);
      const text = m[0];
      tokens.push(/^-?\d/.test(text) ? { kind: 'number', text, value: Number(text) } : { kind: 'ident', text });
      i += text.length;
    }
  }
  return tokens;
}

const bad = (message: string): FilterError => ({ code: 'InvalidFilter', message: `Invalid filter: ${message}` });

/** Parses a filter; answers the predicate, or the 400 to give. No filter keeps everything. */
export function parseFilter(filter: string | null): Predicate | FilterError {
  if (filter === null || filter.trim() === '') return () => true;
  const tokens = tokenize(filter);
  if (!Array.isArray(tokens)) return tokens;
  let pos = 0;
  const peek = () => tokens[pos];
  const isPunct = (t: Token | undefined, p: string) => t?.kind === 'punct' && t.text === p;
  const isWord = (t: Token | undefined, w: string) => t?.kind === 'ident' && t.text === w;
  const eat = (matches: boolean) => {
    if (matches) pos++;
    return matches;
  };

  const value = (): Literal | FilterError => {
    const t = tokens[pos++];
    if (t?.kind === 'string' || t?.kind === 'number') return t.value!;
    if (isWord(t, 'true') || isWord(t, 'false')) return t!.text === 'true';
    return bad(t ? `expected a value, found '${t.text}'` : 'expected a value at the end');
  };

  const predicate = (): Predicate | FilterError => {
    const parts: string[] = [];
    do {
      const t = tokens[pos++];
      if (t?.kind !== 'ident') return bad(t ? `expected a field name, found '${t.text}'` : 'expected a field name at the end');
      parts.push(t.text);
    } while (eat(isPunct(peek(), '.')));
    const path = parts.join('.');
    if (!isPunct(tokens[pos++], ':')) return bad(`expected ':' after ${path}`);
    if (!FILTER_FIELDS.has(path)) return { code: 'InvalidFilterField', message: `Field ${path} is not filterable; filterable fields: ${[...FILTER_FIELDS].join(', ')}` };
    const next = peek();
    if (next?.kind !== 'ident' || next.text === 'true' || next.text === 'false') {
      const v = value();
      return typeof v === 'object' ? v : (item) => OPS.eq!(resolve(item, path), v, path);
    }
    const opName = next.text;
    pos++;
    if (opName !== 'in' && !OPS[opName]) return bad(`unknown operator ${opName}`);
    if (!isPunct(tokens[pos++], '(')) return bad(`expected '(' after ${opName}`);
    const values: Literal[] = [];
    do {
      const v = value();
      if (typeof v === 'object') return v;
      values.push(v);
    } while (eat(isPunct(peek(), ',')));
    if (!isPunct(tokens[pos++], ')')) return bad(`expected ')' to close ${opName}(`);
    if (opName !== 'in' && values.length !== 1) return bad(`${opName} takes one value`);
    if (opName === 'in') return (item) => values.some((v) => equal(resolve(item, path), v, path));
    const op = OPS[opName]!;
    return (item) => {
      const f = resolve(item, path);
      return f !== undefined && f !== null && op(f, values[0]!, path);
    };
  };

  const primary = (): Predicate | FilterError => {
    if (!isPunct(peek(), '(')) return predicate();
    pos++;
    const inner = or();
    if (typeof inner !== 'function') return inner;
    return isPunct(tokens[pos++], ')') ? inner : bad("expected ')'");
  };
  const chain = (word: string, next: () => Predicate | FilterError, join: (ps: Predicate[]) => Predicate) => (): Predicate | FilterError => {
    const parts: Predicate[] = [];
    do {
      const p = next();
      if (typeof p !== 'function') return p;
      parts.push(p);
    } while (eat(isWord(peek(), word)));
    return parts.length === 1 ? parts[0]! : join(parts);
  };
  const and = chain('and', primary, (ps) => (item) => ps.every((p) => p(item)));
  const or = chain('or', and, (ps) => (item) => ps.some((p) => p(item)));

  const result = or();
  if (typeof result !== 'function') return result;
  const rest = peek();
  return rest ? bad(`unexpected '${rest.text}'`) : result;
}

function resolve(item: Item, path: string): unknown {
  let v: unknown = item;
  for (const part of path.split('.')) v = v && typeof v === 'object' ? (v as Item)[part] : undefined;
  return v;
}

function equal(field: unknown, value: Literal, path: string): boolean {
  if (field === undefined || field === null) return false;
  // Range fields (documented): eq('/24') matches every range of that CIDR length.
  if (path === 'range' && typeof value === 'string' && value.startsWith('/')) return String(field).endsWith(value);
  return typeof value === 'number' ? Number(field) === value : String(field) === String(value);
}

function compare(field: unknown, value: Literal): number {
  if (typeof value === 'number' || typeof field === 'number') return Number(field) - Number(value);
  return String(field) < String(value) ? -1 : String(field) > String(value) ? 1 : 0;
}

const isAddress = (v: string) => /^\d{1,3}(\.\d{1,3}){3}$/.test(v);
const ipNumber = (a: string) => a.split('.').reduce((n, o) => n * 256 + Number(o), 0);

/** Range fields (documented): contains('10.0.0.5') keeps the ranges holding that address. */
function inRange(cidr: string, address: string): boolean {
  const [base, bits] = cidr.split('/');
  if (!base || !isAddress(base) || bits === undefined) return false;
  const size = 2 ** (32 - Number(bits));
  const start = Math.floor(ipNumber(base) / size) * size;
  return ipNumber(address) >= start && ipNumber(address) < start + size;
}
