import { hostname } from 'node:os';
import middy from '@middy/core';
import httpHeaderNormalizer from '@middy/http-header-normalizer';
import type { Context } from 'aws-lambda';
import { GatewayError } from '../../kernel/errors.js';
import { json, type HttpEvent, type HttpResult } from '../../kernel/http.js';
import { audit } from '../../kernel/audit.js';
import { clientAddress } from '../../kernel/client-address.js';
import { logger } from '../../kernel/logger.js';
import { loadOriginVerifySecret, loadSecrets } from '../../wiring/secrets.js';
import { edgeSettings } from '../../wiring/config.js';
import { environment } from '../../wiring/environment.js';
import { originVerify } from '../../kernel/origin-verify.js';
import { newToken, hashToken } from '../../sessions/domain/tokens.js';
import { roleOf } from '../../group/domain/group.js';
import { flushOutbox } from '../../events/outbox-flusher.js';
import { mayCall, quoted, whoOf, type AirlockPrincipal } from '../domain/contract.js';
import { changeMode, findHost, healthOf, hostsOf, isOurGroup, parseMode, validate, viewOf, type WorkingCopy } from '../domain/configuration.js';
import { activate, monitorView } from '../activation.js';
import { configurationsDocument, groupDocument, validatorDocument } from '../documents.js';
import { airlockError, errorDocument, isObject, tolerantBody } from '../jsonapi.js';
import { activationBody, canonicalSubPath } from '../requests.js';
import { maintenanceDeps } from '../../wiring/maintenance.js';
import { REST_SESSION_COOKIE, resolveCaller } from '../principal.js';
import { countSessions } from '../session-count.js';
import { switchoverStatus } from '../../monitor/domain/switchover-status.js';
import type { AirlockSession } from '../ports.js';

export const BASE_PATH = '/airlock/rest';
/** A REST session idles out after this (SPEC §11). */
export const REST_SESSION_IDLE_MS = 10 * 60 * 1000;
const VERSION = process.env.GATEWAY_VERSION ?? '0.1.0';

interface Call {
  event: HttpEvent;
  principal: AirlockPrincipal;
  session: AirlockSession;
  params: string[];
  now: number;
  /** Set by state-changing routes: what the audit entry names. */
  target?: string;
}

type Route = { method: string; path: RegExp; run: (c: Call) => Promise<HttpResult> };

const noWorkingCopy = () => airlockError(400, 'NO_WORKING_COPY', 'No configuration is loaded in this REST session: POST /configuration/configurations/load-active first.');
const unknownGroup = (ref: string) => airlockError(404, 'NOT_FOUND', `No back-end group ${quoted(ref)}: the Address Manager cluster is group 1, address-manager.`);

async function loadActiveCopy(): Promise<WorkingCopy> {
  const active = await maintenanceDeps().configurations.get();
  return { version: active.version, base: active.modes, changes: {} };
}

/** Parallel calls on one working copy that each still get through (more at once may get a 409). */
const WORKING_COPY_ATTEMPTS = 25;
const sessionEnded = () => airlockError(401, 'UNAUTHORIZED', 'The REST session ended.');

/**
 * Writes the working copy `change` makes of the session's current one. Another call of the same
 * session may write it meanwhile (parallel host-mode calls): then it is read again and `change`
 * applied anew, so no change is lost.
 */
async function updateWorkingCopy(c: Call, change: (wc: WorkingCopy | undefined) => WorkingCopy): Promise<WorkingCopy> {
  const { restSessions } = maintenanceDeps();
  let session = c.session;
  // Each conflict is another call's success, so a call waits out at most as many as run at once.
  for (let attempt = 0; attempt < WORKING_COPY_ATTEMPTS; attempt++) {
    if (attempt > 0) await new Promise((r) => setTimeout(r, Math.random() * 10 * Math.min(attempt, 5)));
    const next = change(session.workingCopy);
    const saved = await restSessions.saveWorkingCopy(session.idHash, c.now + REST_SESSION_IDLE_MS, next, session.wcRev ?? 0);
    if (saved === 'saved') return next;
    if (saved === 'gone') throw sessionEnded();
    const again = await restSessions.get(session.idHash);
    if (!again) throw sessionEnded();
    session = again;
  }
  throw airlockError(409, 'CONFLICT', 'The working copy kept changing under this call: send it again.');
}

/** The working copy's hosts, or the active configuration's when none is loaded yet. */
async function workingHosts(c: Call) {
  const wc = c.session.workingCopy ?? (await loadActiveCopy());
  return hostsOf(maintenanceDeps().config.servers, viewOf(wc));
}

/** Publishes the configuration outbox; what fails stays there for the next activation or load-active. */
async function publishPending(c: Call): Promise<void> {
  await flushOutbox(maintenanceDeps().configurations.outbox, maintenanceDeps().publisher, `airlock-${c.event.requestContext.requestId}`, Date.now()).catch((err: unknown) =>
    logger.warn('maintenance events not published yet', { error: err as Error }),
  );
}

const routes: Route[] = [
  {
    method: 'POST',
    path: /^\/session\/terminate$/,
    run: async (c) => {
      await maintenanceDeps().restSessions.delete(c.session.idHash);
      c.target = 'session terminate';
      return json(200, { meta: { message: 'REST session terminated.' } }, {}, [clearCookie()]);
    },
  },
  {
    method: 'GET',
    path: /^\/system\/status\/node$/,
    run: async () => {
      const { config, groupStore } = maintenanceDeps();
      const role = config.node ? roleOf(await groupStore.get(), config.node.id) : 'NOT_IN_GROUP';
      const failoverState = role === 'PRIMARY' ? 'active' : role === 'SECONDARY' ? 'passive' : 'standalone';
      return json(200, { data: { type: 'node-status', id: config.node?.id ?? 'gateway', attributes: { version: VERSION, hostName: hostname(), failoverState } } });
    },
  },
  {
    method: 'POST',
    path: /^\/configuration\/configurations\/load-active$/,
    run: async (c) => {
      const loaded = await loadActiveCopy();
      const wc = await updateWorkingCopy(c, () => loaded);
      c.target = `load-active version ${wc.version}`;
      await publishPending(c);
      return { statusCode: 204, headers: { 'cache-control': 'no-store' } };
    },
  },
  {
    method: 'GET',
    path: /^\/configuration\/configurations$/,
    run: async () => json(200, configurationsDocument(await maintenanceDeps().configurations.get())),
  },
  {
    method: 'GET',
    path: /^\/configuration\/back-end-groups$/,
    run: async (c) => json(200, { data: [groupDocument(await workingHosts(c))] }),
  },
  {
    method: 'GET',
    path: /^\/configuration\/back-end-groups\/([^/]+)$/,
    run: async (c) => {
      if (!isOurGroup(c.params[0]!)) throw unknownGroup(c.params[0]!);
      return json(200, { data: groupDocument(await workingHosts(c)) });
    },
  },
  {
    method: 'POST',
    path: /^\/configuration\/back-end-groups\/([^/]+)\/host-mode$/,
    run: async (c) => {
      if (!isOurGroup(c.params[0]!)) throw unknownGroup(c.params[0]!);
      const body = tolerantBody(c.event);
      const data = isObject(body) ? body.data : undefined;
      if (!isObject(data) || !isObject(data.attributes))
        throw airlockError(400, 'BAD_REQUEST', 'Send {"data": {"type": "back-end-host-mode-change", "attributes": {"protocol", "hostName", "port", "mode"}}}.');
      if (data.type !== undefined && data.type !== 'back-end-host-mode-change') throw airlockError(400, 'BAD_REQUEST', `data.type must be back-end-host-mode-change, not ${quoted(data.type)}.`);
      const mode = parseMode(data.attributes.mode);
      if (!mode) throw airlockError(400, 'BAD_REQUEST', 'attributes.mode must be ENABLED, NO_NEW_SESSIONS or DISABLED.');
      const attributes = data.attributes;
      let host = '';
      const next = await updateWorkingCopy(c, (wc) => {
        if (!wc) throw noWorkingCopy();
        const found = findHost(hostsOf(maintenanceDeps().config.servers, viewOf(wc)), attributes);
        if ('problem' in found) throw airlockError(found.problem === 'not-found' ? 404 : 400, found.problem === 'not-found' ? 'NOT_FOUND' : 'BAD_REQUEST', found.detail);
        host = found.host.name;
        return changeMode(wc, host, mode);
      });
      c.target = `host-mode ${host} ${mode} (working copy)`;
      return json(200, { data: groupDocument(hostsOf(maintenanceDeps().config.servers, viewOf(next))) });
    },
  },
  {
    method: 'GET',
    path: /^\/configuration\/(?:configurations\/)?validator-messages$/,
    run: async (c) => {
      const wc = c.session.workingCopy;
      if (!wc) return json(200, { data: [] });
      const { config, monitorStore } = maintenanceDeps();
      const active = await maintenanceDeps().configurations.get();
      const messages = validate(
        config.servers.map((s) => s.name),
        active.modes,
        viewOf(wc),
        monitorView((await monitorStore.get())?.state),
      );
      return json(200, validatorDocument(messages, c.event.queryStringParameters?.filter));
    },
  },
  {
    method: 'POST',
    path: /^\/configuration\/configurations\/activate$/,
    run: async (c) => {
      const wc = c.session.workingCopy;
      if (!wc) throw noWorkingCopy();
      const { comment, options } = activationBody(tolerantBody(c.event));
      const { config, monitorStore } = maintenanceDeps();
      c.target = `activate from version ${wc.version}`;
      const result = await activate(maintenanceDeps().configurations, {
        workingCopy: wc,
        comment,
        options,
        by: whoOf(c.principal),
        servers: config.servers,
        monitor: (await monitorStore.get())?.state,
        now: c.now,
      });
      c.target = `activate version ${result.version}: ${result.changes.map((x) => `${x.host} ${x.previous}->${x.new}`).join(', ') || 'no mode change'}`;
      // The working copy becomes what was activated, unless a parallel call of this session changed it meanwhile (kept: it is outdated now).
      const activated = { version: result.version, base: result.modes, changes: {} };
      const saved = await maintenanceDeps().restSessions.saveWorkingCopy(c.session.idHash, c.now + REST_SESSION_IDLE_MS, activated, c.session.wcRev ?? 0);
      if (saved === 'gone') throw sessionEnded();
      await publishPending(c);
      return json(200, {
        data: {
          type: 'configuration',
          id: String(result.version),
          attributes: { configType: 'CURRENTLY_ACTIVE', comment: result.comment, version: result.version, merged: result.merged, changes: result.changes },
        },
        ...(result.activated ? {} : { meta: { message: `Nothing changed: version ${result.version} stays active and no new version was made.` } }),
      });
    },
  },
  {
    method: 'GET',
    path: /^\/system\/status\/back-end-groups\/([^/]+)$/,
    run: async (c) => {
      if (!isOurGroup(c.params[0]!)) throw unknownGroup(c.params[0]!);
      const { config, monitorStore } = maintenanceDeps();
      const active = await maintenanceDeps().configurations.get();
      const state = (await monitorStore.get())?.state;
      const hosts = await Promise.all(
        hostsOf(config.servers, active.modes).map(async (h) => ({
          name: h.name,
          protocol: h.protocol,
          hostName: h.hostName,
          port: h.port,
          mode: h.mode,
          health: healthOf(h.mode, state?.servers[h.name]?.health, state?.servers[h.name]?.consecutiveFailures),
          role: state?.servers[h.name]?.role ?? 'UNKNOWN',
          SessionCount: { Count: await countSessions(maintenanceDeps().sessions, h, state, c.now) },
        })),
      );
      return json(200, { data: { type: 'back-end-group-status', id: '1', attributes: { name: 'address-manager', backendHosts: hosts, switchover: switchoverStatus(state) } } });
    },
  },
];

/** Every route below BASE_PATH, session/create included, for the OpenAPI document's tests. */
export const airlockRoutePatterns: { method: string; path: RegExp }[] = [{ method: 'POST', path: /^\/session\/create$/ }, ...routes.map((r) => ({ method: r.method, path: r.path }))];

const cookieAttributes = () => ['Path=/airlock/rest', 'HttpOnly', 'SameSite=Strict', ...(maintenanceDeps().config.localMode ? [] : ['Secure'])];
const clearCookie = () => [`${REST_SESSION_COOKIE}=`, 'Max-Age=0', ...cookieAttributes()].join('; ');

/** POST /session/create: a Bearer principal allowed to write /session/create gets a REST session and its JSESSIONID cookie. */
async function createSession(event: HttpEvent, now: number): Promise<HttpResult> {
  const { principal } = await resolveCaller(event, { credentialsOnly: true });
  if (!mayCall(principal, 'POST', '/session/create')) throw airlockError(403, 'FORBIDDEN', `${principal.user} may not write /session/create (writePaths).`);
  const id = newToken();
  const expiresAt = now + REST_SESSION_IDLE_MS;
  await maintenanceDeps().restSessions.create({ idHash: hashToken(id), principal, createdAt: now, expiresAt });
  audit({ action: 'maintenance', outcome: 'success', actor: whoOf(principal), sourceIp: clientAddress(event), target: 'session create' });
  const cookie = [`${REST_SESSION_COOKIE}=${id}`, `Max-Age=${REST_SESSION_IDLE_MS / 1000}`, ...cookieAttributes()].join('; ');
  return json(200, { meta: { user: principal.user, expiresAt: new Date(expiresAt).toISOString() } }, {}, [cookie]);
}

async function route(event: HttpEvent): Promise<HttpResult> {
  const now = Date.now();
  const method = event.requestContext.http.method.toUpperCase();
  const subPath = canonicalSubPath(event.rawPath.startsWith(BASE_PATH) ? event.rawPath.slice(BASE_PATH.length) : event.rawPath);
  if (method === 'POST' && subPath === '/session/create') return createSession(event, now);
  const { principal, restSession } = await resolveCaller(event);
  if (!restSession) throw airlockError(401, 'UNAUTHORIZED', 'No live REST session: create one with POST /airlock/rest/session/create and send its JSESSIONID cookie.');
  if (!mayCall(principal, method, subPath)) throw airlockError(403, 'FORBIDDEN', `${principal.user} may not ${method === 'GET' || method === 'HEAD' ? 'read' : 'write'} ${quoted(subPath, 200)}.`);
  const hit = routes.map((r) => ({ r, m: r.method === (method === 'HEAD' ? 'GET' : method) ? r.path.exec(subPath) : null })).find((x) => x.m);
  if (!hit) throw airlockError(404, 'NOT_FOUND', `No route ${method} ${BASE_PATH}${quoted(subPath, 200)}.`);
  const call: Call = { event, principal, session: restSession, params: hit.m!.slice(1), now };
  const audited = method !== 'GET' && method !== 'HEAD';
  try {
    // Every call slides the idle expiry; routes that change the working copy write it with theirs.
    if (!audited) await maintenanceDeps().restSessions.touch(restSession.idHash, now + REST_SESSION_IDLE_MS);
    const answer = await hit.r.run(call);
    if (audited) audit({ action: 'maintenance', outcome: 'success', actor: whoOf(principal), sourceIp: clientAddress(event), target: call.target ?? subPath });
    return answer;
  } catch (err) {
    if (audited)
      audit({
        action: 'maintenance',
        outcome: 'failure',
        actor: whoOf(principal),
        sourceIp: clientAddress(event),
        target: call.target ?? subPath,
        reason: err instanceof GatewayError ? `${err.code}: ${err.message}` : 'error',
      });
    throw err;
  }
}

/** JSON:API errors (SPEC §11), and every 401/403 in the audit log (SPEC §13). */
function jsonApiErrors(): middy.MiddlewareObj<HttpEvent, HttpResult, Error, Context> {
  return {
    onError: async (request) => {
      const err = request.error;
      const gatewayError = err instanceof GatewayError ? err : undefined;
      if (!gatewayError) logger.error('unexpected error', { correlationId: request.context.awsRequestId, error: err as Error });
      const answered = gatewayError ?? airlockError(500, 'INTERNAL_ERROR', `The gateway could not complete the request (correlation id ${request.context.awsRequestId}).`);
      request.response = errorDocument(answered);
      if (answered.status === 401 || answered.status === 403) {
        audit({
          action: answered.status === 401 ? 'unauthenticated' : 'forbidden',
          outcome: 'denied',
          sourceIp: clientAddress(request.event),
          target: `${request.event.requestContext.http.method} ${request.event.rawPath}`,
          reason: `${answered.code}: ${answered.message}`,
          correlationId: request.context.awsRequestId,
        });
      }
    },
  };
}

/** ANY /airlock/rest/{proxy+}: the Airlock-style maintenance REST API (SPEC §11). */
export const handler = middy<HttpEvent, HttpResult, Error, Context>()
  .use(httpHeaderNormalizer())
  .use(jsonApiErrors())
  .use(originVerify({ ...originSettings(), loadSecret: loadOriginVerifySecret }))
  .before(loadSecrets)
  .handler(route);

function originSettings() {
  const e = edgeSettings(environment());
  return { secretArn: e.originVerifySecretArn, localMode: e.localMode };
}
