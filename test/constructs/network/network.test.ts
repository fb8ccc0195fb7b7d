import { describe, expect, it } from 'vitest';
import { Network, type NatStrategy } from '../../../constructs/network/network';
import { defaultSubnetLayout } from '../../../model/subnet-layout';
import { onlyResource, resourcesOf, synthWith } from '../../helpers';

function network(natStrategy: NatStrategy, zones = 3, availabilityZones?: string[]) {
  return synthWith((scope) => {
    new Network(scope, 'Network', {
      namePrefix: 'test',
      cidr: '10.0.0.0/16',
      layout: defaultSubnetLayout('10.0.0.0/16', zones),
      natStrategy,
      clusterName: 'gpb-test',
      availabilityZones,
    });
  });
}

type Subnet = { cidr_block: string; availability_zone: string; tags: Record<string, string>; map_public_ip_on_launch?: boolean };
const subnets = (json: ReturnType<typeof network>, tier: string) =>
  (resourcesOf(json, 'aws_subnet') as Subnet[]).filter((s) => s.tags['gpb.io/tier'] === tier);

describe('Network', () => {
  it('creates one subnet per zone in each of the three tiers', () => {
    const json = network('single', 3);
    for (const tier of ['private', 'public', 'data']) expect(subnets(json, tier)).toHaveLength(3);
    expect(onlyResource(json, 'aws_vpc')).toMatchObject({
      cidr_block: '10.0.0.0/16',
      enable_dns_hostnames: true,
      enable_dns_support: true,
    });
  });

  it('spreads each tier across distinct zones looked up at plan time', () => {
    const json = network('single', 3);
    const zones = subnets(json, 'private').map((s) => s.availability_zone);
    expect(new Set(zones).size).toBe(3);
    expect(zones[0]).toMatch(/^\$\{element\(data\.aws_availability_zones\.\w+\.names, 0\)\}$/);
  });

  it('uses explicit zone names when given, with no lookup', () => {
    const json = network('single', 2, ['us-west-2b', 'us-west-2c']);
    expect(subnets(json, 'data').map((s) => s.availability_zone)).toEqual(['us-west-2b', 'us-west-2c']);
    expect(json.data?.aws_availability_zones).toBeUndefined();
  });

  it.each([
    ['none', 0],
    ['single', 1],
    ['per-az', 3],
  ] as const)('with NAT strategy %s creates %i NAT gateways', (strategy, count) => {
    const json = network(strategy, 3);
    expect(resourcesOf(json, 'aws_nat_gateway')).toHaveLength(count);
    expect(resourcesOf(json, 'aws_eip')).toHaveLength(count);
    const natRoutes = resourcesOf(json, 'aws_route').filter((r) => r.nat_gateway_id);
    expect(natRoutes).toHaveLength(count === 0 ? 0 : 3);
    if (count > 0) expect(new Set(natRoutes.map((r) => r.nat_gateway_id)).size).toBe(count);
  });

  it('gives only public subnets a route to the internet gateway and never to data subnets', () => {
    const json = network('per-az', 2);
    const igwRoutes = resourcesOf(json, 'aws_route').filter((r) => r.gateway_id);
    expect(igwRoutes).toHaveLength(1);
    const routeTables = json.resource?.aws_route_table ?? {};
    const dataTable = Object.keys(routeTables).find((k) => (routeTables[k].tags as Record<string, string>).Name === 'test-data');
    expect(dataTable).toBeDefined();
    const routesFromData = resourcesOf(json, 'aws_route').filter((r) => String(r.route_table_id).includes(dataTable!));
    expect(routesFromData).toEqual([]);
  });

  it('does not give public subnets public IPs on launch', () => {
    for (const s of subnets(network('single', 2), 'public')) expect(s.map_public_ip_on_launch).toBe(false);
  });

  it('tags subnets for the load balancer controller and Karpenter discovery', () => {
    const json = network('single', 2);
    for (const s of subnets(json, 'private')) {
      expect(s.tags).toMatchObject({
        'kubernetes.io/role/internal-elb': '1',
        'karpenter.sh/discovery': 'gpb-test',
        'kubernetes.io/cluster/gpb-test': 'shared',
      });
    }
    for (const s of subnets(json, 'public')) expect(s.tags['kubernetes.io/role/elb']).toBe('1');
    for (const s of subnets(json, 'data')) expect(s.tags['karpenter.sh/discovery']).toBeUndefined();
  });

  it('locks down the default security group', () => {
    const sg = onlyResource(network('single', 2), 'aws_default_security_group');
    expect(sg.ingress).toBeUndefined();
    expect(sg.egress).toBeUndefined();
  });

  it('throws when tiers have different zone counts', () => {
    expect(() =>
      synthWith((scope) => {
        new Network(scope, 'Network', {
          namePrefix: 'test',
          cidr: '10.0.0.0/16',
          layout: { private: ['10.0.0.0/18', '10.0.64.0/18'], public: ['10.0.128.0/24'], data: ['10.0.130.0/24', '10.0.131.0/24'] },
          natStrategy: 'single',
          clusterName: 'gpb-test',
        });
      }),
    ).toThrow(/Network 'Network': layout.public has 1 subnets but layout.private has 2/);
  });

  it('throws when explicit zones do not match the subnets', () => {
    expect(() => network('single', 3, ['us-west-2a'])).toThrow(/'availabilityZones' \["us-west-2a"\] must list 3 zones/);
  });
});
