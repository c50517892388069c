import { describe, expect, it } from 'vitest';
import { readSettings } from '../../lib/settings.js';
import { EXISTING_VPC, SECOND_REGION_VPC } from './deployment-forms.js';

const read = (ctx: Record<string, string>) => readSettings((k) => ctx[k]);
const TWO_REGIONS = { nodes: 'a,b', regions: 'eu-west-1,eu-west-2', witnessRegion: 'eu-west-3' };

describe('the VPC context (docs/deploying.md), read offline and checked at synth time', () => {
  it('no VPC keys: no VPC (the functions run outside one, and the synth warns)', () => {
    expect(read({}).vpcs).toEqual([undefined]);
  });

  it('an existing VPC: its subnets with their zones and route tables, the BAM networks, and the ports from the BAM and Failover API URLs', () => {
    expect(read(EXISTING_VPC).vpcs).toEqual([
      {
        existing: {
          vpcId: 'vpc-0a1b2c3d4e5f60718',
          subnetIds: ['subnet-0aaaaaaaaaaaaaaa1', 'subnet-0bbbbbbbbbbbbbbb2'],
          availabilityZones: ['eu-west-1a', 'eu-west-1b'],
          routeTableIds: ['rtb-0ccccccccccccccc1', 'rtb-0ccccccccccccccc2'],
        },
        bamCidrs: ['10.0.0.0/24', 'fd00:10::/64'],
        bamPorts: [443, 8444],
      },
    ]);
  });

  it('takes each URL port: 443 for https://, 80 for http://, or the one written', () => {
    const vpc = read({ createVpc: 'true', bamCidrs: '192.168.0.0/16', bamServers: 'a=https://bam-a.example.com:8443,b=http://bam-b.example.com' }).vpcs[0]!;
    expect(vpc.bamPorts).toEqual([80, 8443]);
    expect(vpc.create).toEqual({ cidr: '10.213.0.0/16' });
  });

  it('a two-region group: the second region by the .<region> keys, bamCidrs shared', () => {
    const [a, b] = read({ ...EXISTING_VPC, ...SECOND_REGION_VPC, ...TWO_REGIONS }).vpcs;
    expect(a!.existing!.vpcId).toBe(EXISTING_VPC.vpcId);
    expect(b!.existing).toEqual({
      vpcId: 'vpc-0f1e2d3c4b5a69788',
      subnetIds: ['subnet-0ddddddddddddddd3', 'subnet-0eeeeeeeeeeeeeee4'],
      availabilityZones: ['eu-west-2a', 'eu-west-2b'],
      routeTableIds: ['rtb-0fffffffffffffff3'],
    });
    expect(b!.bamCidrs).toEqual(a!.bamCidrs);
    expect(read({ createVpc: 'true', bamCidrs: '10.0.0.0/24', ...TWO_REGIONS }).vpcs.map((v) => v?.create)).toEqual([{ cidr: '10.213.0.0/16' }, { cidr: '10.213.0.0/16' }]);
  });

  const without = (key: keyof typeof EXISTING_VPC) => Object.fromEntries(Object.entries(EXISTING_VPC).filter(([k]) => k !== key));

  it.each([
    ['must not include 0.0.0.0/0', { ...EXISTING_VPC, bamCidrs: '0.0.0.0/0' }],
    ['must not include ::/0', { ...EXISTING_VPC, bamCidrs: '10.0.0.0/24,::/0' }],
    ['"bamCidrs" is needed', without('bamCidrs')],
    ['host bits set (did you mean 10.0.0.0/24?)', { ...EXISTING_VPC, bamCidrs: '10.0.0.1/24' }],
    ['must include 10.0.0.1', { ...EXISTING_VPC, bamCidrs: '10.0.1.0/24' }],
    ['CIDR form', { ...EXISTING_VPC, bamCidrs: 'bam.example.com' }],
    ['"privateRouteTableIds" too', without('privateRouteTableIds')],
    ['VPC id', { ...EXISTING_VPC, vpcId: 'vpc-zz' }],
    ['zone of each subnet', { ...EXISTING_VPC, privateSubnetIds: 'subnet-0aaaaaaaaaaaaaaa1' }],
    ['different subnet ids', { ...EXISTING_VPC, privateSubnetIds: 'subnet-0aaaaaaaaaaaaaaa1,subnet-0aaaaaaaaaaaaaaa1' }],
    ['availability zone names', { ...EXISTING_VPC, availabilityZones: 'eu-west-1a,euw1-az2' }],
    ['one per subnet', { ...EXISTING_VPC, privateRouteTableIds: 'rtb-0ccccccccccccccc1,rtb-0ccccccccccccccc2,rtb-0ccccccccccccccc3' }],
    ['exclude each other', { ...EXISTING_VPC, createVpc: 'true' }],
    ['true or false', { createVpc: 'yes', bamCidrs: '10.0.0.0/24' }],
    ['needs "vpcId" or "createVpc=true"', { bamCidrs: '10.0.0.0/24' }],
    ['needs "vpcId"', { privateSubnetIds: 'subnet-0aaaaaaaaaaaaaaa1' }],
    ['overlaps the BAM network 10.213.5.0/24', { createVpc: 'true', bamCidrs: '10.213.5.0/24' }],
    ['/16 to /23', { createVpc: 'true', bamCidrs: '10.0.0.0/24', vpcCidr: '10.50.0.0/26' }],
    ['eu-west-2 has no VPC', { ...EXISTING_VPC, ...TWO_REGIONS }],
    ['eu-west-1a, which is not in eu-west-2', { ...EXISTING_VPC, ...SECOND_REGION_VPC, ...TWO_REGIONS, 'availabilityZones.eu-west-2': 'eu-west-1a,eu-west-1b' }],
  ])('refuses it with %s', (message, ctx) => {
    expect(() => read(ctx as Record<string, string>)).toThrow(message);
  });
});
