import { parseProperties } from './properties.js';
import type { Reply } from './reply.js';
import type { SimBamServer } from './server.js';
import { declaredArgs, isV1Method, UndeclaredParameter, V1_METHODS, type V1Args } from './v1-methods.js';
import { V1_HANDLERS } from './v1-handlers.js';

/** Methods a read-only session may call (Legacy v1 API Guide, "Read-only Legacy v1 API sessions"), of those served here. */
const READ_ONLY_METHODS = new Set(['getEntities', 'getEntitiesByName', 'getSystemInfo', 'searchByObjectTypes', 'logout']);

/**
 * REST v1 (`/Services/REST/v1/{method}`). Only the methods the WADL declares are answered (404
 * otherwise, as JAX-RS answers an unknown resource), only over their declared HTTP method (405),
 * and each handler sees only its declared parameters.
 */
export function restV1(server: SimBamServer, method: string, q: URLSearchParams, authorization?: string, httpMethod = 'GET'): Reply {
  if (!isV1Method(method)) return { status: 404, body: `Unknown method ${method}` };
  const spec = V1_METHODS[method];
  if (spec.http !== httpMethod) return { status: 405, body: `HTTP ${httpMethod} is not allowed for ${method}: use ${spec.http}` };
  try {
    if (method === 'login' || method === 'loginWithOptions') return login(server, method, declaredArgs(method, q));
    const token = /^BAMAuthToken:\s*(\S+)$/.exec(authorization ?? '')?.[1];
    const session = token ? server.session(token) : undefined;
    if (!session) return { status: 401, body: 'Authentication Error: session is invalid or expired' };
    if (!server.servesApi && !session.readOnly) return standbyRefusal(server);
    if (session.readOnly && !READ_ONLY_METHODS.has(method)) return { status: 400, body: `Method ${method} is not supported in a read-only API session` };
    if (spec.http !== 'GET' && !server.data.canWrite(session.username)) {
      // BAM answers a missing access right with a 500 whose message says so (observed; modelled).
      return { status: 500, body: `User ${session.username} does not have sufficient access rights to perform ${method}` };
    }
    const handler = V1_HANDLERS[method] as (ctx: { server: SimBamServer; session: typeof session }, a: unknown) => Reply;
    return handler({ server, session }, declaredArgs(method, q));
  } catch (e) {
    // A handler read a parameter the WADL does not declare: the contract suite fails on this 500.
    if (e instanceof UndeclaredParameter) return { status: 500, body: `Simulator bug: ${e.message}` };
    throw e;
  }
}

function login(server: SimBamServer, method: 'login' | 'loginWithOptions', a: V1Args<'login'> | V1Args<'loginWithOptions'>): Reply {
  const readOnly = method === 'loginWithOptions' && parseProperties((a as V1Args<'loginWithOptions'>).options ?? '').isReadOnly === 'true';
  // A read-only session is the only kind a Standby serves, and only a Standby serves it (loginWithOptions doc).
  if (!server.servesApi && !readOnly) return standbyRefusal(server);
  if (server.servesApi && readOnly) return { status: 400, body: `Read-only API sessions are served only by a Secondary or Tertiary server; ${server.name} is ${server.role}` };
  const username = a.username ?? '';
  if (!server.data.checkPassword(username, a.password ?? '')) return { status: 401, body: 'Invalid username or password' };
  const s = server.newSession(username, readOnly);
  return { status: 200, body: `Session Token-> BAMAuthToken: ${s.token} <- for User : ${username}` };
}

function standbyRefusal(server: SimBamServer): Reply {
  return { status: 503, body: `Server ${server.name} is in Standby mode: only read-only sessions (loginWithOptions, isReadOnly=true) are served` };
}
