import { badRequest } from './errors.js';

/**
 * Matches a request path against a route pattern of literal segments, `{name}` segments (one
 * segment each) and at most one `{name+}` (one or more segments, answered joined by `/`: a zone
 * path such as `com/zones/example`). Empty segments are ignored, so a trailing slash matches
 * either way. Answers the decoded params, or null when the pattern does not match.
 */
export function matchPath(pattern: string, path: string): Record<string, string> | null {
  const p = pattern.split('/').filter(Boolean);
  const a = path.split('/').filter(Boolean);
  const greedy = p.findIndex(isGreedy);
  if (greedy < 0 ? p.length !== a.length : a.length < p.length) return null;
  const params: Record<string, string> = {};
  // Segments after the greedy one are matched from the end of the path.
  const at = (i: number) => (greedy >= 0 && i > greedy ? a.length - (p.length - i) : i);
  for (let i = 0; i < p.length; i++) {
    const seg = p[i]!;
    if (i === greedy) {
      const name = seg.slice(1, -2);
      params[name] = a
        .slice(i, a.length - (p.length - i - 1))
        .map((s) => pathParam(name, s))
        .join('/');
    } else if (seg.startsWith('{') && seg.endsWith('}')) {
      params[seg.slice(1, -1)] = pathParam(seg.slice(1, -1), a[at(i)]!);
    } else if (seg !== a[at(i)]) return null;
  }
  return params;
}

const isGreedy = (seg: string) => seg.startsWith('{') && seg.endsWith('+}');

/** Whether a route pattern is well formed: literal segments, `{name}`, and at most one `{name+}`. */
export function isRoutePattern(pattern: string): boolean {
  if (!/^\/[A-Za-z0-9_.\-/{}+]*$/.test(pattern)) return false;
  const segs = pattern.split('/').filter(Boolean);
  const names = new Set<string>();
  let greedy = 0;
  for (const seg of segs) {
    const param = /^\{([A-Za-z_][A-Za-z0-9_]*)(\+?)\}$/.exec(seg);
    if (param) {
      if (names.has(param[1]!)) return false;
      names.add(param[1]!);
      if (param[2]) greedy++;
    } else if (/[{}+]/.test(seg)) return false;
  }
  return greedy <= 1;
}

/**
 * One decoded segment. Decoding happens after the path was split, so `%2F` and friends would
 * smuggle separators into a value that code may put in a BAM path: refused (400).
 */
function pathParam(name: string, raw: string): string {
  let value: string;
  try {
    value = decodeURIComponent(raw);
  } catch {
    throw badRequest(`Malformed percent-encoding in the path segment "${raw.slice(0, 64)}".`);
  }
  if (/[/?#\\\u0000-\u001f\u007f]/.test(value) || value === '.' || value === '..') {
    throw badRequest(`Path parameter "${name}" may not contain / ? # \\ or control characters, nor be . or ..`, [{ field: name, problem: 'forbidden character' }]);
  }
  return value;
}
