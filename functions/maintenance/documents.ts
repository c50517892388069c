import { BACKEND_GROUP, type BackendHost } from './domain/contract.js';
import type { ActiveConfiguration, ValidatorMessage } from './domain/configuration.js';

/** The JSON:API documents of the maintenance API (/airlock/rest), in Airlock's resource types. */
const iso = (ms: number) => new Date(ms).toISOString();

export function groupDocument(hosts: BackendHost[]) {
  return { type: 'back-end-group', id: String(BACKEND_GROUP.id), attributes: { name: BACKEND_GROUP.name, backendHosts: hosts } };
}

export function configurationsDocument(active: ActiveConfiguration) {
  const last = active.history.at(-1);
  const current = {
    type: 'configuration',
    id: String(active.version),
    attributes: { configType: 'CURRENTLY_ACTIVE', comment: last?.comment ?? '', createdBy: last?.by ?? null, activatedAt: last ? iso(last.at) : null, version: active.version },
  };
  const past = [...active.history]
    .reverse()
    .filter((a) => a.version !== active.version)
    .map((a) => ({
      type: 'configuration',
      id: String(a.version),
      attributes: { configType: 'ACTIVATED', comment: a.comment, createdBy: a.by, activatedAt: iso(a.at), version: a.version, hosts: a.hosts },
    }));
  return { data: [current, ...past] };
}

export function validatorDocument(messages: ValidatorMessage[], filter: string | undefined) {
  // Airlock's filter syntax, as clients send it: meta.severity==ERROR. Anything else lists all.
  const severity = /meta\.severity==(\w+)/i.exec(filter ?? '')?.[1]?.toUpperCase();
  const shown = severity ? messages.filter((m) => m.severity === severity) : messages;
  return { data: shown.map((m, i) => ({ type: 'validator-message', id: String(i + 1), attributes: { detail: m.detail }, meta: { severity: m.severity } })) };
}
