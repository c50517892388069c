/**
 * What every answer of the local servers carries, whatever produced it (a function, the UI, a
 * control, an error): `nosniff`, so a browser never runs a JSON or text answer as script or
 * style, and `frame-ancestors 'none'`, so no other page can frame one. An answer with a CSP of its
 * own (the UI's, the docs') keeps it, with `frame-ancestors 'none'` added if it lacks one.
 */
export function withSecurityBaseline(headers: Record<string, string | string[]>): Record<string, string | string[]> {
  const out: Record<string, string | string[]> = {};
  for (const [k, v] of Object.entries(headers)) out[k.toLowerCase()] = v;
  out['x-content-type-options'] = 'nosniff';
  const csp = out['content-security-policy'];
  const own = Array.isArray(csp) ? csp.join(', ') : csp;
  if (!own?.trim()) out['content-security-policy'] = "default-src 'none'; frame-ancestors 'none'";
  else if (!/(^|;)\s*frame-ancestors\s/i.test(own)) out['content-security-policy'] = `${own.replace(/;\s*$/, '')}; frame-ancestors 'none'`;
  return out;
}
