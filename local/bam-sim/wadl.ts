import { paramType, V1_METHODS } from './v1-methods.js';

/**
 * `GET /Services/REST/application.wadl`. BlueCat's v1 Python client builds its methods from it
 * (bluecat_libraries `rest/auto/_wadl_parser.py`): every `method` element in the WADL namespace,
 * its `name` (the HTTP method) and `id` (the v1 method, appended to `.../v1/`), and its
 * `request/param` names in order, which positional arguments fill. A method without its params
 * would be called with none, as BlueCat's Python client found (`login` sent without credentials).
 */
export function wadl(): string {
  const resources = Object.entries(V1_METHODS)
    .map(([name, spec]) => {
      const params = spec.params.map((p) => `            <param xmlns:xs="http://www.w3.org/2001/XMLSchema" name="${p}" style="query" type="${paramType(p)}"/>`);
      const request = params.length ? ['          <request>', ...params, '          </request>'] : [];
      return [
        `      <resource path="${name}">`,
        `        <method name="${spec.http}" id="${name}">`,
        ...request,
        '          <response><representation mediaType="application/json"/></response>',
        '        </method>',
        '      </resource>',
      ].join('\n');
    })
    .join('\n');
  return `<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<application xmlns="http://wadl.dev.java.net/2009/02">
  <resources base="/Services/REST/">
    <resource path="v1">
${resources}
    </resource>
  </resources>
</application>
`;
}
