/**
 * EventBridge's pattern matching for the operators the gateway's patterns use: exact values,
 * prefix, anything-but (value, list, prefix), exists, numeric ranges, and $or. No library
 * evaluates patterns outside AWS, so the local bus does it here (tested against AWS's documented
 * examples in test/unit/event-pattern-match.test.ts).
 */
type Json = unknown;

export function matchesPattern(pattern: Record<string, Json>, event: Json): boolean {
  return matchObject(pattern, event);
}

function matchObject(pattern: Record<string, Json>, value: Json): boolean {
  const obj = value && typeof value === 'object' && !Array.isArray(value) ? (value as Record<string, Json>) : undefined;
  for (const [key, sub] of Object.entries(pattern)) {
    if (key === '$or') {
      if (!Array.isArray(sub) || !sub.some((alt) => matchObject(alt as Record<string, Json>, value))) return false;
      continue;
    }
    const present = obj !== undefined && key in obj;
    const field = present ? obj[key] : undefined;
    if (Array.isArray(sub)) {
      if (!matchLeaf(sub, present, field)) return false;
    } else if (sub && typeof sub === 'object') {
      if (!present || !matchObject(sub as Record<string, Json>, field)) return false;
    } else {
      throw new Error(`invalid pattern at "${key}": leaf values must be arrays`);
    }
  }
  return true;
}

/** A leaf: an array of alternatives; an array-valued field matches if any element does. */
function matchLeaf(alternatives: Json[], present: boolean, field: Json): boolean {
  const values = present ? (Array.isArray(field) ? field : [field]) : [];
  return alternatives.some((alt) => {
    if (alt && typeof alt === 'object' && !Array.isArray(alt)) {
      const op = alt as Record<string, Json>;
      if ('exists' in op) return op.exists === present && (!present || (field !== null && typeof field !== 'object') || Array.isArray(field));
      return present && values.some((v) => matchOperator(op, v));
    }
    return values.some((v) => v === alt);
  });
}

function matchOperator(op: Record<string, Json>, v: Json): boolean {
  if ('prefix' in op) return typeof v === 'string' && typeof op.prefix === 'string' && v.startsWith(op.prefix);
  if ('anything-but' in op) {
    const but = op['anything-but'];
    if (but && typeof but === 'object' && !Array.isArray(but) && 'prefix' in but) return typeof v === 'string' && !v.startsWith(String((but as { prefix: unknown }).prefix));
    const excluded = Array.isArray(but) ? but : [but];
    return !excluded.includes(v);
  }
  if ('numeric' in op) {
    if (typeof v !== 'number' || !Array.isArray(op.numeric)) return false;
    const conds = op.numeric as Json[];
    for (let i = 0; i < conds.length; i += 2) {
      const bound = conds[i + 1] as number;
      const ok = { '<': v < bound, '<=': v <= bound, '=': v === bound, '>': v > bound, '>=': v >= bound }[conds[i] as string];
      if (!ok) return false;
    }
    return true;
  }
  throw new Error(`unsupported pattern operator ${Object.keys(op).join(',')}`);
}
