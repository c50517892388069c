/**
 * `GET /Services/REST/application.wadl`: BlueCat's v1 Python client reads it at start to learn
 * the methods (bluecat_libraries address_manager.api). A minimal WADL listing what the simulator serves.
 */
export const V1_METHODS: Record<string, 'GET' | 'POST'> = {
  login: 'GET',
  loginWithOptions: 'GET',
  logout: 'GET',
  getEntities: 'GET',
  getEntitiesByName: 'GET',
  getEntityById: 'GET',
  getEntityByName: 'GET',
  getParent: 'GET',
  searchByObjectTypes: 'GET',
  getZonesByHint: 'GET',
  getHostRecordsByHint: 'GET',
  getSystemInfo: 'GET',
  addHostRecord: 'POST',
  failoverReplication: 'POST',
};

export function wadl(): string {
  const resources = Object.entries(V1_METHODS)
    .map(([name, method]) => `      <resource path="${name}"><method name="${method}" id="${name}"/></resource>`)
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
