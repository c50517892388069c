import * as z from 'zod/mini';
import { answer, created, defineWorkflow, noContent, route, type WorkflowContext } from '../define.js';
import type { DnsBackend } from './api/backend.js';
import { RestApiNotFound } from './api/entity.js';
import { dnsName, ipv4List, RECORD_KINDS, zonePathLabels, type RecordKind } from './api/names.js';
import { v1Backend } from './api/v1-backend.js';
import { v2Backend } from './api/v2-backend.js';

/**
 * The part of BlueCat's community `rest_api` workflow (gateway-workflows, Community/rest_api,
 * dns_page.py) that external-dns's BlueCat provider calls (provider/bluecat/gateway/api.go, up
 * to v0.14.2), with its paths, trailing slashes, entity shape and status codes: docs/external-dns.md.
 */
const C = '/v1/configurations/{configuration}/views/{view}';

const Entity = z.object({ id: z.int(), name: z.string(), type: z.string(), properties: z.string() });
const text = (max: number) => z.string().check(z.minLength(1), z.maxLength(max));
const ttl = z.optional(z.nullable(z.int().check(z.minimum(-1), z.maximum(2_147_483_647))));
const properties = z.optional(z.nullable(z.string().check(z.maxLength(4096))));
const BODIES = {
  host_records: z.object({ absolute_name: text(253), ip4_address: text(2000), ttl, properties }),
  cname_records: z.object({ absolute_name: text(253), linked_record: text(253), ttl, properties }),
  text_records: z.object({ absolute_name: text(253), txt: text(4000) }),
} as const;
const FullDeployBody = z.object({ server_name: text(256) });

type Ctx = WorkflowContext<unknown, unknown>;
/** The three bodies' fields (BODIES checked them in the runner before the handler). */
type RecordBody = { absolute_name: string; ip4_address: string; linked_record: string; txt: string; ttl?: number | null; properties?: string | null };
const backend = ({ user }: Ctx): DnsBackend => (user.bamApi.v1 ? v1Backend(user.bamApi.v1) : v2Backend(user.bamApi.v2!));
const where = ({ input }: Ctx) => ({ conf: input.params.configuration!, view: input.params.view! });

/** `rest_api` answers a missing object with a 404 whose body is a plain message: so does this workflow. */
const restApi =
  (run: (ctx: Ctx) => Promise<unknown>) =>
  async (ctx: Ctx): Promise<unknown> => {
    try {
      return await run(ctx);
    } catch (err) {
      if (err instanceof RestApiNotFound) return answer(404, err.message);
      throw err;
    }
  };

function recordRoutes(kind: RecordKind) {
  const { label } = RECORD_KINDS[kind];
  return [
    route({
      method: 'GET',
      path: `${C}/zones/{zone+}/${kind}`,
      summary: `The ${label}s of a zone (zone path com/zones/example)`,
      response: z.array(Entity),
      handler: restApi(async (ctx) => {
        const { conf, view } = where(ctx);
        return backend(ctx).records(conf, view, zonePathLabels(ctx.input.params.zone!), kind);
      }),
    }),
    route({
      method: 'POST',
      path: `${C}/zones/{zone+}/${kind}`,
      summary: `Create a ${label} in a zone: its name is the first label of absolute_name plus the zone (rest_api's rule)`,
      body: BODIES[kind],
      response: Entity,
      responseStatus: 201,
      handler: restApi(async (ctx) => {
        const { conf, view } = where(ctx);
        const b = ctx.input.body as RecordBody;
        const zone = zonePathLabels(ctx.input.params.zone!);
        const name = dnsName('absolute_name', b.absolute_name).split('.')[0]!;
        const common = { kind, name, ttl: b.ttl ?? -1, properties: b.properties ?? '' };
        const record =
          kind === 'host_records'
            ? { ...common, addresses: ipv4List(b.ip4_address) }
            : kind === 'cname_records'
              ? { ...common, linkedRecord: dnsName('linked_record', b.linked_record) }
              : { ...common, ttl: -1, properties: '', txt: b.txt };
        return created(await backend(ctx).create(conf, view, zone, record));
      }),
    }),
    route({
      method: 'GET',
      path: `${C}/${kind}/{absolute_name}`,
      summary: `One ${label}, by its FQDN`,
      response: Entity,
      handler: restApi(async (ctx) => {
        const { conf, view } = where(ctx);
        return backend(ctx).record(conf, view, dnsName('absolute_name', ctx.input.params.absolute_name!, { minLabels: 2 }), kind);
      }),
    }),
    route({
      method: 'DELETE',
      path: `${C}/${kind}/{absolute_name}`,
      summary: `Delete one ${label}, by its FQDN`,
      responseStatus: 204,
      handler: restApi(async (ctx) => {
        const { conf, view } = where(ctx);
        await backend(ctx).remove(conf, view, dnsName('absolute_name', ctx.input.params.absolute_name!, { minLabels: 2 }), kind);
        return noContent();
      }),
    }),
  ];
}

export default defineWorkflow({
  name: 'api',
  defaultMessage: 'Unable to complete the request in Address Manager',
  routes: [
    route({
      method: 'GET',
      path: `${C}/zones`,
      summary: "The view's top-level zones",
      response: z.array(Entity),
      handler: restApi(async (ctx) => {
        const { conf, view } = where(ctx);
        return backend(ctx).subzones(conf, view, []);
      }),
    }),
    route({
      method: 'GET',
      path: `${C}/zones/{zone+}/zones`,
      summary: 'The zones directly below a zone (zone path com/zones/example); external-dns recurses through them',
      response: z.array(Entity),
      handler: restApi(async (ctx) => {
        const { conf, view } = where(ctx);
        return backend(ctx).subzones(conf, view, zonePathLabels(ctx.input.params.zone!));
      }),
    }),
    ...recordRoutes('host_records'),
    ...recordRoutes('cname_records'),
    ...recordRoutes('text_records'),
    route({
      method: 'POST',
      path: '/v1/configurations/{configuration}/server/full_deploy',
      summary: "A full DNS deployment of the configuration's server named server_name",
      body: FullDeployBody,
      response: Entity,
      responseStatus: 201,
      handler: restApi(async (ctx) => {
        const { server_name } = ctx.input.body as { server_name: string };
        return created(await backend(ctx).fullDeploy(ctx.input.params.configuration!, server_name));
      }),
    }),
  ],
});
