import { json, type HttpResult } from '../../kernel/http.js';
import { logger } from '../../kernel/logger.js';
import { flushOutbox } from '../../events/outbox-flusher.js';
import { monitorView } from '../activation.js';
import { changeMode, findHost, hostsOf, isOurGroup, parseMode, validate, viewOf } from '../domain/configuration.js';
import { quoted, whoOf } from '../domain/contract.js';
import { configurationsDocument, groupDocument, validatorDocument } from '../documents.js';
import { isObject, maintenanceError, tolerantBody } from '../jsonapi.js';
import { activationBody } from '../requests.js';
import { activateWorkingCopy, loadActiveCopy, noWorkingCopy, updateWorkingCopy, workingHosts, type WorkingCopyDeps } from '../working-copy.js';
import type { Call } from './call.js';

/** The configuration routes: the working copy (load, look, change, validate), activation, and the history. */

export const unknownGroup = (ref: string) => maintenanceError(404, 'NOT_FOUND', `No back-end group ${quoted(ref)}: the Address Manager cluster is group 1, address-manager.`);

const workingCopyDeps = (c: Call): WorkingCopyDeps => ({ sessions: c.deps.maintenanceSessions, configurations: c.deps.configurations, servers: c.deps.settings.servers });

/** Publishes the configuration outbox; what fails stays there for the next activation or load-active. */
async function publishPending(c: Call): Promise<void> {
  const { configurations, publisher } = c.deps;
  await flushOutbox(configurations.outbox, publisher, `maintenance-${c.event.requestContext.requestId}`, Date.now()).catch((err: unknown) =>
    logger.warn('maintenance events not published yet', { error: err as Error }),
  );
}

/** POST /configuration/configurations/load-active */
export async function loadActive(c: Call): Promise<HttpResult> {
  const loaded = await loadActiveCopy(c.deps.configurations);
  const wc = await updateWorkingCopy(workingCopyDeps(c), c.session, c.now, () => loaded);
  c.target = `load-active version ${wc.version}`;
  await publishPending(c);
  return { statusCode: 204, headers: { 'cache-control': 'no-store' } };
}

/** GET /configuration/configurations */
export async function configurations(c: Call): Promise<HttpResult> {
  return json(200, configurationsDocument(await c.deps.configurations.get()));
}

/** GET /configuration/back-end-groups */
export async function groups(c: Call): Promise<HttpResult> {
  return json(200, { data: [groupDocument(await workingHosts(workingCopyDeps(c), c.session))] });
}

/** GET /configuration/back-end-groups/{group} */
export async function group(c: Call): Promise<HttpResult> {
  if (!isOurGroup(c.params[0]!)) throw unknownGroup(c.params[0]!);
  return json(200, { data: groupDocument(await workingHosts(workingCopyDeps(c), c.session)) });
}

/** POST /configuration/back-end-groups/{group}/host-mode: one host's mode, on the working copy. */
export async function hostMode(c: Call): Promise<HttpResult> {
  if (!isOurGroup(c.params[0]!)) throw unknownGroup(c.params[0]!);
  const body = tolerantBody(c.event);
  const data = isObject(body) ? body.data : undefined;
  if (!isObject(data) || !isObject(data.attributes))
    throw maintenanceError(400, 'BAD_REQUEST', 'Send {"data": {"type": "back-end-host-mode-change", "attributes": {"protocol", "hostName", "port", "mode"}}}.');
  if (data.type !== undefined && data.type !== 'back-end-host-mode-change') throw maintenanceError(400, 'BAD_REQUEST', `data.type must be back-end-host-mode-change, not ${quoted(data.type)}.`);
  const mode = parseMode(data.attributes.mode);
  if (!mode) throw maintenanceError(400, 'BAD_REQUEST', 'attributes.mode must be ENABLED, NO_NEW_SESSIONS or DISABLED.');
  const attributes = data.attributes;
  const { servers } = c.deps.settings;
  let host = '';
  const next = await updateWorkingCopy(workingCopyDeps(c), c.session, c.now, (wc) => {
    if (!wc) throw noWorkingCopy();
    const found = findHost(hostsOf(servers, viewOf(wc)), attributes);
    if ('problem' in found) throw maintenanceError(found.problem === 'not-found' ? 404 : 400, found.problem === 'not-found' ? 'NOT_FOUND' : 'BAD_REQUEST', found.detail);
    host = found.host.name;
    return changeMode(wc, host, mode);
  });
  c.target = `host-mode ${host} ${mode} (working copy)`;
  return json(200, { data: groupDocument(hostsOf(servers, viewOf(next))) });
}

/** GET /configuration/[configurations/]validator-messages: what activating the working copy would be refused for, or should know. */
export async function validatorMessages(c: Call): Promise<HttpResult> {
  const wc = c.session.workingCopy;
  if (!wc) return json(200, { data: [] });
  const [active, monitor] = await Promise.all([c.deps.configurations.get(), c.deps.monitor.get()]);
  const messages = validate(
    c.deps.settings.servers.map((s) => s.name),
    active.modes,
    viewOf(wc),
    monitorView(monitor?.state),
  );
  return json(200, validatorDocument(messages, c.event.queryStringParameters?.filter));
}

/** POST /configuration/configurations/activate */
export async function activateRoute(c: Call): Promise<HttpResult> {
  const wc = c.session.workingCopy;
  if (!wc) throw noWorkingCopy();
  const { comment, options } = activationBody(tolerantBody(c.event));
  c.target = `activate from version ${wc.version}`;
  const result = await activateWorkingCopy(workingCopyDeps(c), c.session, {
    comment,
    options,
    by: whoOf(c.principal),
    monitor: c.deps.monitor.get().then((m) => m?.state),
    now: c.now,
  });
  c.target = `activate version ${result.version}: ${result.changes.map((x) => `${x.host} ${x.previous}->${x.new}`).join(', ') || 'no mode change'}`;
  await publishPending(c);
  return json(200, {
    data: {
      type: 'configuration',
      id: String(result.version),
      attributes: { configType: 'CURRENTLY_ACTIVE', comment: result.comment, version: result.version, merged: result.merged, changes: result.changes },
    },
    ...(result.activated ? {} : { meta: { message: `Nothing changed: version ${result.version} stays active and no new version was made.` } }),
  });
}
