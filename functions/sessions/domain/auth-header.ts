/**
 * The token part of one `auth` or `Authorization` header value, in every form BlueCat Gateway's
 * clients send: `Basic|Bearer <access_token>`, where access_token is `BAMAuthToken: <token>` or
 * just `<token>`; and, in the `auth` header only (BlueCat's `rest_api` tests and its Rundeck
 * plugin send it so), the access_token with no scheme at all: `auth: BAMAuthToken: <token>` or
 * `auth: <token>`. `Authorization` keeps HTTP's rule that a scheme comes first. The caller checks
 * the token's shape.
 */
export function tokenCandidate(value: string | undefined, opts: { schemeless: boolean }): string | undefined {
  if (!value) return undefined;
  const scheme = opts.schemeless ? '(?:(?:Basic|Bearer)\\s+)?' : '(?:Basic|Bearer)\\s+';
  return new RegExp(`^\\s*${scheme}(?:BAMAuthToken:\\s*)?(\\S+)\\s*$`, 'i').exec(value)?.[1];
}
