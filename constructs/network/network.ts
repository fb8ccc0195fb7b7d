import { DataAwsAvailabilityZones } from '@cdktf/provider-aws/lib/data-aws-availability-zones';
import { DefaultSecurityGroup } from '@cdktf/provider-aws/lib/default-security-group';
import { Eip } from '@cdktf/provider-aws/lib/eip';
import { InternetGateway } from '@cdktf/provider-aws/lib/internet-gateway';
import { NatGateway } from '@cdktf/provider-aws/lib/nat-gateway';
import { Route } from '@cdktf/provider-aws/lib/route';
import { RouteTable } from '@cdktf/provider-aws/lib/route-table';
import { RouteTableAssociation } from '@cdktf/provider-aws/lib/route-table-association';
import { Subnet } from '@cdktf/provider-aws/lib/subnet';
import { Vpc } from '@cdktf/provider-aws/lib/vpc';
import { Construct } from 'constructs';
import { Fn } from '../core/cdktf';
import { BlueprintError, show } from '../../model/errors';
import type { SubnetLayout } from '../../model/subnet-layout';

/** How private subnets reach the internet. */
export type NatStrategy = 'none' | 'single' | 'per-az';

export interface NetworkProps {
  /** Prefix of every `Name` tag, e.g. `dev`. */
  readonly namePrefix: string;
  /** VPC CIDR. */
  readonly cidr: string;
  /** Subnet CIDRs per tier; each tier has one entry per zone. */
  readonly layout: SubnetLayout;
  /** @default - the first zones reported available by the region at plan time */
  readonly availabilityZones?: readonly string[];
  readonly natStrategy: NatStrategy;
  /**
   * EKS cluster that will use the subnets: tags them for the AWS Load Balancer Controller
   * (`kubernetes.io/role/*`) and Karpenter discovery (`karpenter.sh/discovery`).
   */
  readonly clusterName: string;
}

/**
 * A VPC with private (nodes and pods), public (load balancers, NAT) and data (databases,
 * caches; no internet route) subnets in each zone, NAT gateways per the strategy, and a
 * default security group that admits nothing.
 */
export class Network extends Construct {
  /** The VPC. */
  readonly resource: Vpc;
  readonly vpcId: string;
  readonly cidr: string;
  readonly privateSubnetIds: string[];
  readonly publicSubnetIds: string[];
  readonly dataSubnetIds: string[];
  /** Route tables of the private subnets (gateway endpoints attach here). */
  readonly privateRouteTableIds: string[];
  /** CIDRs of the data subnets (known at synth). */
  readonly dataSubnetCidrs: readonly string[];
  /** Route table of the data subnets (gateway endpoints attach here too). */
  readonly dataRouteTableId: string;
  readonly natGatewayCount: number;

  constructor(scope: Construct, id: string, props: NetworkProps) {
    super(scope, id);
    const zoneCount = props.layout.private.length;
    for (const tier of ['public', 'data'] as const) {
      if (props.layout[tier].length !== zoneCount) {
        throw new BlueprintError(
          `Network '${id}': layout.${tier} has ${props.layout[tier].length} subnets but layout.private has ${zoneCount}; give every tier one subnet per zone`,
        );
      }
    }
    if (props.availabilityZones && props.availabilityZones.length !== zoneCount) {
      throw new BlueprintError(
        `Network '${id}': 'availabilityZones' ${show(props.availabilityZones)} must list ${zoneCount} zones, one per subnet`,
      );
    }
    const p = props.namePrefix;
    const zone = this.zoneResolver(props.availabilityZones);

    this.resource = new Vpc(this, 'Resource', {
      cidrBlock: props.cidr,
      enableDnsHostnames: true,
      enableDnsSupport: true,
      tags: { Name: `${p}-vpc` },
    });
    this.vpcId = this.resource.id;
    this.cidr = props.cidr;
    this.dataSubnetCidrs = [...props.layout.data];

    // Nothing may use the default security group by accident (CIS 5.4).
    new DefaultSecurityGroup(this, 'DefaultSecurityGroup', {
      vpcId: this.vpcId,
      tags: { Name: `${p}-default-deny` },
    });

    const igw = new InternetGateway(this, 'InternetGateway', {
      vpcId: this.vpcId,
      tags: { Name: `${p}-igw` },
    });

    const publicRt = new RouteTable(this, 'PublicRouteTable', { vpcId: this.vpcId, tags: { Name: `${p}-public` } });
    new Route(this, 'PublicDefaultRoute', {
      routeTableId: publicRt.id,
      destinationCidrBlock: '0.0.0.0/0',
      gatewayId: igw.id,
    });
    const dataRt = new RouteTable(this, 'DataRouteTable', { vpcId: this.vpcId, tags: { Name: `${p}-data` } });
    this.dataRouteTableId = dataRt.id;

    const publicSubnets = props.layout.public.map((cidr, i) => {
      const subnet = new Subnet(this, `PublicSubnet${i}`, {
        vpcId: this.vpcId,
        cidrBlock: cidr,
        availabilityZone: zone(i),
        mapPublicIpOnLaunch: false,
        tags: {
          Name: `${p}-public-${i}`,
          'gpb.io/tier': 'public',
          'kubernetes.io/role/elb': '1',
          [`kubernetes.io/cluster/${props.clusterName}`]: 'shared',
        },
      });
      new RouteTableAssociation(this, `PublicSubnet${i}RouteTable`, { subnetId: subnet.id, routeTableId: publicRt.id });
      return subnet;
    });
    this.publicSubnetIds = publicSubnets.map((s) => s.id);

    const natCount = { none: 0, single: 1, 'per-az': zoneCount }[props.natStrategy];
    this.natGatewayCount = natCount;
    const nats = [...Array(natCount).keys()].map((i) => {
      const eip = new Eip(this, `NatEip${i}`, { domain: 'vpc', tags: { Name: `${p}-nat-${i}` } });
      return new NatGateway(this, `NatGateway${i}`, {
        allocationId: eip.id,
        subnetId: publicSubnets[i].id,
        tags: { Name: `${p}-nat-${i}` },
        dependsOn: [igw],
      });
    });

    this.privateRouteTableIds = [];
    this.privateSubnetIds = props.layout.private.map((cidr, i) => {
      const subnet = new Subnet(this, `PrivateSubnet${i}`, {
        vpcId: this.vpcId,
        cidrBlock: cidr,
        availabilityZone: zone(i),
        tags: {
          Name: `${p}-private-${i}`,
          'gpb.io/tier': 'private',
          'kubernetes.io/role/internal-elb': '1',
          [`kubernetes.io/cluster/${props.clusterName}`]: 'shared',
          'karpenter.sh/discovery': props.clusterName,
        },
      });
      const rt = new RouteTable(this, `PrivateRouteTable${i}`, { vpcId: this.vpcId, tags: { Name: `${p}-private-${i}` } });
      if (nats.length > 0) {
        new Route(this, `PrivateSubnet${i}DefaultRoute`, {
          routeTableId: rt.id,
          destinationCidrBlock: '0.0.0.0/0',
          natGatewayId: nats[Math.min(i, nats.length - 1)].id,
        });
      }
      new RouteTableAssociation(this, `PrivateSubnet${i}RouteTable`, { subnetId: subnet.id, routeTableId: rt.id });
      this.privateRouteTableIds.push(rt.id);
      return subnet.id;
    });

    this.dataSubnetIds = props.layout.data.map((cidr, i) => {
      const subnet = new Subnet(this, `DataSubnet${i}`, {
        vpcId: this.vpcId,
        cidrBlock: cidr,
        availabilityZone: zone(i),
        tags: { Name: `${p}-data-${i}`, 'gpb.io/tier': 'data' },
      });
      new RouteTableAssociation(this, `DataSubnet${i}RouteTable`, { subnetId: subnet.id, routeTableId: dataRt.id });
      return subnet.id;
    });
  }

  /** Zone of subnet i: the configured name, or the i-th available zone looked up at plan time. */
  private zoneResolver(explicit: readonly string[] | undefined): (i: number) => string {
    if (explicit) return (i) => explicit[i];
    const zones = new DataAwsAvailabilityZones(this, 'AvailabilityZones', {
      state: 'available',
      filter: [{ name: 'opt-in-status', values: ['opt-in-not-required'] }],
    });
    return (i) => Fn.element(zones.names, i);
  }
}
