import { badRequest } from '../kernel/errors.js';

/**
 * A BAM v2 path with its interpolated values percent-encoded as single segments:
 * v2Path`/configurations/${id}/views` — a value can never add a segment, a query or `..`.
 */
export function v2Path(strings: TemplateStringsArray, ...values: (string | number)[]): string {
  return strings.reduce((path, s, i) => {
    const v = String(values[i - 1]);
    if (v === '' || v === '.' || v === '..') throw badRequest(`"${v}" is not a valid Address Manager path segment.`);
    return `${path}${encodeURIComponent(v)}${s}`;
  });
}

/**
 * The last line of defence for paths workflows build by hand: no query or fragment, no
 * backslash or control character, no `.`/`..` segment (even percent-encoded), so a value cannot
 * walk to another BAM resource. Parameters go in `params`, where they are encoded.
 */
export function checkV2Path(path: string): void {
  // eslint-disable-next-line no-control-regex
  const bad =
    !path.startsWith('/') ||
    /[?#\\\u0000-\u001f\u007f]/.test(path) ||
    path
      .split('/')
      .slice(1)
      .some((seg) => /^(\.|%2e){1,2}$/i.test(seg));
  if (bad) throw badRequest('A value placed in the Address Manager path is not allowed (/ ? # \\ . or ..).');
}
