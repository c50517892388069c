/**
 * The REST v1 methods the simulator serves, as BAM's `application.wadl` declares them: the HTTP
 * method, and the query parameters with their documented names in their documented order.
 *
 * Sources: HTTP methods from the Address Manager RESTful v2 API Guide, "v1 REST API to RESTful v2
 * API migration guide" (which lists every v1 endpoint with its method); parameter names from the
 * Legacy v1 API Guide; their order from the method signatures (API Guide 9.0, "API Call") as
 * BlueCat's own client passes them positionally (bluecat_libraries, address_manager.api Client:
 * `getEntities(parent_id, type, start, count)`, `addHostRecord(view_id, absolute_name, addresses,
 * ttl, properties)`, ...).
 *
 * One table feeds both the WADL and the dispatcher: a method is answered only if it is declared,
 * and its handler can read only the parameters declared here (see `declaredArgs`).
 */
export type V1Http = 'GET' | 'POST' | 'PUT' | 'DELETE';

export interface V1MethodSpec {
  http: V1Http;
  params: readonly string[];
}

export const V1_METHODS = {
  login: { http: 'GET', params: ['username', 'password'] },
  loginWithOptions: { http: 'GET', params: ['username', 'password', 'options'] },
  logout: { http: 'GET', params: [] },
  getSystemInfo: { http: 'GET', params: [] },
  getEntities: { http: 'GET', params: ['parentId', 'type', 'start', 'count'] },
  getEntitiesByName: { http: 'GET', params: ['parentId', 'name', 'type', 'start', 'count'] },
  getEntityById: { http: 'GET', params: ['id'] },
  getEntityByName: { http: 'GET', params: ['parentId', 'name', 'type'] },
  getParent: { http: 'GET', params: ['entityId'] },
  searchByObjectTypes: { http: 'GET', params: ['keyword', 'types', 'start', 'count'] },
  getZonesByHint: { http: 'GET', params: ['containerId', 'start', 'count', 'options'] },
  getHostRecordsByHint: { http: 'GET', params: ['start', 'count', 'options'] },
  getAliasesByHint: { http: 'GET', params: ['start', 'count', 'options'] },
  addHostRecord: { http: 'POST', params: ['viewId', 'absoluteName', 'addresses', 'ttl', 'properties'] },
  addAliasRecord: { http: 'POST', params: ['viewId', 'absoluteName', 'linkedRecordName', 'ttl', 'properties'] },
  addTXTRecord: { http: 'POST', params: ['viewId', 'absoluteName', 'txt', 'ttl', 'properties'] },
  delete: { http: 'DELETE', params: ['objectId'] },
  deleteWithOptions: { http: 'DELETE', params: ['objectId', 'options'] },
  deployServer: { http: 'POST', params: ['serverId'] },
  deployServerConfig: { http: 'POST', params: ['serverId', 'properties'] },
  getServerDeploymentStatus: { http: 'GET', params: ['serverId', 'properties'] },
  failoverReplication: { http: 'POST', params: ['standbyServer', 'properties'] },
} as const satisfies Record<string, V1MethodSpec>;

export type V1MethodName = keyof typeof V1_METHODS;

/** The arguments a handler of `M` may read: its declared parameters, absent ones undefined. */
export type V1Args<M extends V1MethodName> = { readonly [K in (typeof V1_METHODS)[M]['params'][number]]: string | undefined };

export const isV1Method = (name: string): name is V1MethodName => Object.hasOwn(V1_METHODS, name);

/** Reading a parameter the WADL does not declare for the method: a bug in the simulator. */
export class UndeclaredParameter extends Error {}

/**
 * The declared parameters of `method` from the query string. Reading any other name throws, so a
 * handler cannot depend on a parameter the WADL (and so BlueCat's client) would never send.
 */
export function declaredArgs<M extends V1MethodName>(method: M, q: URLSearchParams): V1Args<M> {
  const params: readonly string[] = V1_METHODS[method].params;
  const values = Object.fromEntries(params.map((p) => [p, q.get(p) ?? undefined]));
  return new Proxy(values, {
    get(target, key) {
      if (typeof key === 'string' && !params.includes(key)) throw new UndeclaredParameter(`${method} read undeclared parameter ${key}`);
      return target[key as string];
    },
  }) as V1Args<M>;
}

/** The WADL (XML Schema) type of a parameter, by BAM's naming: ids are longs, paging and TTL ints. */
export function paramType(name: string): string {
  if (name === 'id' || name.endsWith('Id')) return 'xs:long';
  if (name === 'start' || name === 'count' || name === 'ttl') return 'xs:int';
  return 'xs:string';
}
