import type { LegacyEntity } from './entity.js';
import type { RecordKind } from './names.js';

/** A record to create, as the `api` workflow decided it from `rest_api`'s body (names.ts checked every value). */
export interface RecordInput {
  kind: RecordKind;
  /** The record's own label: `rest_api` keeps only the first label of `absolute_name`. */
  name: string;
  /** `-1`: not set (the zone's default applies). */
  ttl: number;
  /** BAM's `k=v|` string, as `rest_api` passes it on. */
  properties: string;
  addresses?: string[];
  linkedRecord?: string;
  txt?: string;
}

/**
 * What `rest_api`'s DNS routes need from BAM, once per API version (v1-backend.ts,
 * v2-backend.ts). Zones are given as labels from the top (`['com', 'example']`). A missing
 * configuration, view, zone, record or server throws RestApiNotFound; BAM's own errors pass
 * through as they are (the gateway maps them as for every workflow).
 */
export interface DnsBackend {
  /** The zones directly below `zone`, or the view's top-level zones when `zone` is empty. */
  subzones(configuration: string, view: string, zone: string[]): Promise<LegacyEntity[]>;
  records(configuration: string, view: string, zone: string[], kind: RecordKind): Promise<LegacyEntity[]>;
  /** One call that creates the record (nothing else is written), then the record as BAM holds it. */
  create(configuration: string, view: string, zone: string[], record: RecordInput): Promise<LegacyEntity>;
  /** The record of `kind` named `fqdn` in the view (the first by id when several TXT records share the name). */
  record(configuration: string, view: string, fqdn: string, kind: RecordKind): Promise<LegacyEntity>;
  remove(configuration: string, view: string, fqdn: string, kind: RecordKind): Promise<void>;
  /** A full DNS deployment of the configuration's server named `server`; answers the server. */
  fullDeploy(configuration: string, server: string): Promise<LegacyEntity>;
}

/**
 * Walks zone labels from the top (`com`, then `example`), one lookup each, as BAM nests zones.
 * Answers the deepest zone found and how many labels it took; `child(undefined, label)` looks
 * among the view's top-level zones.
 */
export async function deepestZone<Z>(labels: readonly string[], child: (parent: Z | undefined, label: string) => Promise<Z | undefined>): Promise<{ zone: Z | undefined; depth: number }> {
  let zone: Z | undefined;
  let depth = 0;
  for (const label of labels) {
    const next = await child(zone, label);
    if (!next) break;
    zone = next;
    depth++;
  }
  return { zone, depth };
}

/** Pages through a listing until a short page: at most `maxPages` pages of `size`. */
export async function allPages<T>(page: (start: number, count: number) => Promise<T[]>, size = 1000, maxPages = 100): Promise<T[]> {
  const out: T[] = [];
  for (let i = 0; i < maxPages; i++) {
    const got = await page(i * size, size);
    out.push(...got);
    if (got.length < size) break;
  }
  return out;
}
