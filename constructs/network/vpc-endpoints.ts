import { SecurityGroup } from '@cdktf/provider-aws/lib/security-group';
import { VpcEndpoint } from '@cdktf/provider-aws/lib/vpc-endpoint';
import { VpcSecurityGroupIngressRule } from '@cdktf/provider-aws/lib/vpc-security-group-ingress-rule';
import { Construct } from 'constructs';
import type { Network } from './network';

export interface VpcEndpointsProps {
  readonly network: Network;
  readonly region: string;
  /** Interface endpoint services, e.g. `ecr.api`, `sts`, `eks-auth`. */
  readonly interfaceServices: readonly string[];
  /** Prefix of `Name` tags. */
  readonly namePrefix: string;
}

/**
 * Private access to AWS APIs: the S3 gateway endpoint (free; image layers from ECR come from
 * S3) on the private and data route tables, and interface endpoints with private DNS in the
 * private subnets, reachable on 443 from inside the VPC only.
 */
export class VpcEndpoints extends Construct {
  /** Security group of the interface endpoints. */
  readonly resource: SecurityGroup;
  readonly s3Gateway: VpcEndpoint;
  /** Interface endpoints keyed by service suffix. */
  readonly interfaceEndpoints: Readonly<Record<string, VpcEndpoint>>;

  constructor(scope: Construct, id: string, props: VpcEndpointsProps) {
    super(scope, id);
    const { network } = props;
    this.s3Gateway = new VpcEndpoint(this, 'S3Gateway', {
      vpcId: network.vpcId,
      serviceName: `com.amazonaws.${props.region}.s3`,
      vpcEndpointType: 'Gateway',
      routeTableIds: [...network.privateRouteTableIds, network.dataRouteTableId],
      tags: { Name: `${props.namePrefix}-s3` },
    });

    this.resource = new SecurityGroup(this, 'Resource', {
      vpcId: network.vpcId,
      name: `${props.namePrefix}-vpc-endpoints`,
      description: 'Interface VPC endpoints: HTTPS from inside the VPC',
      tags: { Name: `${props.namePrefix}-vpc-endpoints` },
    });
    new VpcSecurityGroupIngressRule(this, 'HttpsFromVpc', {
      securityGroupId: this.resource.id,
      description: 'HTTPS from the VPC',
      ipProtocol: 'tcp',
      fromPort: 443,
      toPort: 443,
      cidrIpv4: network.cidr,
    });

    const endpoints: Record<string, VpcEndpoint> = {};
    for (const service of props.interfaceServices) {
      endpoints[service] = new VpcEndpoint(this, `Endpoint-${service}`, {
        vpcId: network.vpcId,
        serviceName: `com.amazonaws.${props.region}.${service}`,
        vpcEndpointType: 'Interface',
        privateDnsEnabled: true,
        subnetIds: network.privateSubnetIds,
        securityGroupIds: [this.resource.id],
        tags: { Name: `${props.namePrefix}-${service}` },
      });
    }
    this.interfaceEndpoints = endpoints;
  }
}
