import { quoted } from './domain/contract.js';
import { maintenanceError, isObject } from './jsonapi.js';

/** What /airlock/rest requests carry, read strictly: the path as routing and path rights see it, and the activate body. */

const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/g;

/**
 * The path after /airlock/rest with each segment percent-decoded: path rights and routing see the same
 * spelling (`%31` is `1`). A malformed escape, or one that decodes to a slash, a backslash or a
 * control character, is a 400: no resource is named so.
 */
export function canonicalSubPath(subPath: string): string {
  const raw = subPath.replace(/\/+$/, '') || '/';
  return raw
    .split('/')
    .map((segment) => {
      let decoded: string;
      try {
        decoded = decodeURIComponent(segment);
      } catch {
        throw maintenanceError(400, 'BAD_REQUEST', 'The path has a malformed percent-escape.');
      }
      // biome-ignore lint/suspicious/noControlCharactersInRegex: control characters are what is refused
      if (/[/\\\u0000-\u001f\u007f]/.test(decoded)) throw maintenanceError(400, 'BAD_REQUEST', 'A path segment may not encode a slash, a backslash or a control character.');
      return decoded;
    })
    .join('/');
}

/**
 * The activate body: empty, or `{"comment", "options": {"autoMerge", "ignoreOutdatedConfiguration"}}`
 * (flags as booleans or "true"/"false"; other options, which real clients send, are ignored). A
 * value of the wrong type is a 400, not silently dropped. The comment keeps its first 1000 characters.
 */
export function activationBody(body: unknown): { comment: string; options: { autoMerge: boolean; ignoreOutdatedConfiguration: boolean } } {
  if (body === undefined) return { comment: '', options: { autoMerge: false, ignoreOutdatedConfiguration: false } };
  if (!isObject(body)) throw maintenanceError(400, 'BAD_REQUEST', 'Send an empty body, or {"comment": "...", "options": {"autoMerge": false, "ignoreOutdatedConfiguration": false}}.');
  if (body.comment !== undefined && body.comment !== null && typeof body.comment !== 'string') throw maintenanceError(400, 'BAD_REQUEST', 'comment must be a string.');
  if (body.options !== undefined && body.options !== null && !isObject(body.options)) throw maintenanceError(400, 'BAD_REQUEST', 'options must be an object.');
  const options = isObject(body.options) ? body.options : {};
  const flag = (name: string) => {
    const v = options[name];
    if (v === undefined || v === null || v === false || v === 'false') return false;
    if (v === true || v === 'true') return true;
    throw maintenanceError(400, 'BAD_REQUEST', `options.${name} must be true or false, not ${quoted(v)}.`);
  };
  // Whole code points, and a lone surrogate made U+FFFD: DynamoDB stores only valid UTF-8.
  const comment = typeof body.comment === 'string' ? [...body.comment.replace(LONE_SURROGATE, '\uFFFD')].slice(0, 1000).join('') : '';
  return { comment, options: { autoMerge: flag('autoMerge'), ignoreOutdatedConfiguration: flag('ignoreOutdatedConfiguration') } };
}
