/**
 * Reads a WADL the way BlueCat's v1 client does (bluecat_libraries
 * `address_manager/api/rest/auto/_wadl_parser.py`, read from uoft-networking/tools): parse the
 * XML, take the namespace of the root element, find every `{ns}method` at any depth, and for each
 * its `name` (the HTTP method, lower-cased into the `requests` call), its `id` (the v1 method,
 * appended to `.../Services/REST/v1/`) and its `./{ns}request/{ns}param` names in document order,
 * which the client fills from positional arguments.
 */
export interface XmlElement {
  /** `{namespace-uri}local-name`, as ElementTree names elements. */
  tag: string;
  attrib: Record<string, string>;
  children: XmlElement[];
}

const ENTITIES: Record<string, string> = { amp: '&', lt: '<', gt: '>', quot: '"', apos: "'" };
const decode = (s: string) => s.replace(/&(amp|lt|gt|quot|apos);/g, (_, e: string) => ENTITIES[e]!);

/** A small namespace-aware XML reader: elements and attributes only (text, comments and PIs skipped). */
export function parseXml(xml: string): XmlElement {
  const stack: { el: XmlElement; ns: Record<string, string> }[] = [];
  let root: XmlElement | undefined;
  const tagRe = /<(\/?)([\w:.-]+)((?:\s+[\w:.-]+\s*=\s*(?:"[^"]*"|'[^']*'))*)\s*(\/?)>|<\?[\s\S]*?\?>|<!--[\s\S]*?-->/g;
  for (const m of xml.matchAll(tagRe)) {
    const [, closing, name, attrText, selfClosing] = m;
    if (!name) continue; // a processing instruction or a comment
    if (closing) {
      const top = stack.pop();
      if (!top || top.el.tag.split('}').pop() !== name.split(':').pop()) throw new Error(`XML: unexpected </${name}>`);
      continue;
    }
    const raw: Record<string, string> = {};
    for (const a of (attrText ?? '').matchAll(/([\w:.-]+)\s*=\s*(?:"([^"]*)"|'([^']*)')/g)) raw[a[1]!] = decode(a[2] ?? a[3] ?? '');
    const ns = { ...(stack.at(-1)?.ns ?? {}) };
    for (const [k, v] of Object.entries(raw)) if (k === 'xmlns' || k.startsWith('xmlns:')) ns[k === 'xmlns' ? '' : k.slice(6)] = v;
    const [prefix, local] = name.includes(':') ? (name.split(':') as [string, string]) : ['', name];
    const uri = ns[prefix];
    const attrib = Object.fromEntries(Object.entries(raw).filter(([k]) => k !== 'xmlns' && !k.startsWith('xmlns:')));
    const el: XmlElement = { tag: uri ? `{${uri}}${local}` : local, attrib, children: [] };
    if (stack.length) stack.at(-1)!.el.children.push(el);
    else if (root) throw new Error('XML: more than one root element');
    else root = el;
    if (!selfClosing) stack.push({ el, ns });
  }
  if (!root || stack.length) throw new Error('XML: unbalanced document');
  return root;
}

export interface WadlMethod {
  /** The HTTP method (`name`), as the client lower-cases it into `session.get/post/delete`. */
  http: string;
  params: string[];
  /** The request representation's media type, if any (the client then sends a body). */
  body?: string;
}

/** BlueCat's `WADLParser.generate_all_methods`: `id` → HTTP method and positional params. */
export function bluecatWadlMethods(wadl: string): Map<string, WadlMethod> {
  const root = parseXml(wadl);
  const ns = /^\{.+\}/.exec(root.tag)?.[0] ?? '';
  const methods = new Map<string, WadlMethod>();
  const visit = (el: XmlElement) => {
    if (el.tag === `${ns}method`) {
      const request = el.children.filter((c) => c.tag === `${ns}request`);
      const params = request.flatMap((r) => r.children.filter((c) => c.tag === `${ns}param`).map((p) => p.attrib.name!));
      const body = request.flatMap((r) => r.children.filter((c) => c.tag === `${ns}representation`))[0]?.attrib.mediaType;
      methods.set(el.attrib.id!, { http: el.attrib.name!.toUpperCase(), params, ...(body ? { body } : {}) });
    }
    el.children.forEach(visit);
  };
  visit(root);
  return methods;
}

/**
 * BlueCat's `generic_rest_call`: positional arguments fill the declared params in order; the
 * call goes to `{base}/v1/{id}` with the declared HTTP method and those params as the query.
 */
export function wadlCaller(base: string, methods: Map<string, WadlMethod>, headers: () => Record<string, string>) {
  return async (id: string, ...args: (string | number)[]) => {
    const m = methods.get(id);
    if (!m) throw new Error(`REST API method not found: ${id}`); // the client's ClientError
    const q = new URLSearchParams(m.params.slice(0, args.length).map((p, i): [string, string] => [p, String(args[i])]));
    const res = await fetch(`${base}/Services/REST/v1/${id}?${q}`, { method: m.http, headers: headers() });
    const text = await res.text();
    let body: any = text;
    try {
      body = JSON.parse(text);
    } catch {
      // process_rest_response: not JSON, the text itself
    }
    return { status: res.status, body };
  };
}
