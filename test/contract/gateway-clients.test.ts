import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SimCluster } from '../../local/bam-sim/cluster.js';
import { BamHttpError } from '../../functions/bam/http.js';
import { BamV1Client, parseProperties } from '../../functions/bam/v1-client.js';
import { BamV2Client } from '../../functions/bam/v2-client.js';
import { findConfigurationV2, findViewV2, findZoneV2 } from '../../functions/bam/v2-lookups.js';

/**
 * The gateway's own BAM clients (functions/bam) against the stricter simulator: the v1 client
 * reads escaped property values as BAM writes them (Legacy v1 API Guide, "Escaping characters"),
 * and calls each method over the HTTP method BAM's WADL declares; the v2 lookups use the
 * documented filter grammar.
 */
let cluster: SimCluster;
let v1: BamV1Client;
let v2: BamV2Client;

beforeAll(async () => {
  cluster = await new SimCluster().start();
  v1 = new BamV1Client(cluster.server('bam1').url, 2000);
  await v1.login('alice', 'alice-pass');
  v2 = new BamV2Client(cluster.server('bam1').url, 2000);
  await v2.login('alice', 'alice-pass');
});
afterAll(async () => cluster.close());

describe("the gateway's v1 client", () => {
  it('reads back a property value holding | and \\ as it was written (escaped in transit)', async () => {
    const conf = (await v1.getEntityByName(0, 'Lab', 'Configuration'))!;
    const view = (await v1.getEntityByName(conf.id, 'default', 'View'))!;
    const id = await v1.addHostRecord(view.id, 'gw-props.example.com', ['10.6.6.6'], 60, 'comments=rack 4\\|row 2|path=C:\\\\bam|');
    const host = (await v1.getEntityById(id))!;
    expect(parseProperties(host.properties)).toMatchObject({ comments: 'rack 4|row 2', path: 'C:\\bam', addresses: '10.6.6.6', ttl: '60' });
  });

  it('parses escapes the way BAM writes them (a unit check of the same rule)', () => {
    expect(parseProperties('a=x\\|y|b=1\\\\|c=|')).toEqual({ a: 'x|y', b: '1\\', c: '' });
    expect(parseProperties(null)).toEqual({});
  });

  it('a method over the wrong HTTP method is refused by the simulator, as by BAM (405)', async () => {
    const err = await v1.call('GET', 'addHostRecord', { viewId: 1, absoluteName: 'x.example.com', addresses: '10.0.0.1' }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(BamHttpError);
    expect((err as BamHttpError).answeredStatus).toBe(405);
  });
});

describe("the gateway's v2 lookups", () => {
  it("find a configuration, a view and a nested zone with name:eq('…') filters", async () => {
    const conf = await findConfigurationV2(v2, 'Production');
    const view = await findViewV2(v2, conf.id, 'default');
    const zone = await findZoneV2(v2, view.id, 'example.com');
    expect([conf.name, view.name, zone.name]).toEqual(['Production', 'default', 'example']);
  });
});
