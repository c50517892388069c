/**
 * REST v1 property strings `k=v|k2=v2|`. A `|` inside a value is escaped as `\|` (and `\` as `\\`),
 * both in what BAM answers and in what it accepts (Legacy v1 API Guide, "Property values").
 */
export function formatProperties(props: Record<string, string>): string {
  return Object.entries(props)
    .map(([k, v]) => `${k}=${v.replace(/\\/g, '\\\\').replace(/\|/g, '\\|')}|`)
    .join('');
}

export function parseProperties(text: string): Record<string, string> {
  const out: Record<string, string> = {};
  let current = '';
  const flush = () => {
    const eq = current.indexOf('=');
    if (eq > 0) out[current.slice(0, eq)] = current.slice(eq + 1);
    current = '';
  };
  for (let i = 0; i < text.length; i++) {
    const ch = text[i]!;
    if (ch === '\\' && i + 1 < text.length) current += text[++i];
    else if (ch === '|') flush();
    else current += ch;
  }
  if (current) flush();
  return out;
}
