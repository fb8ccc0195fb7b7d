import { SecurityGroup } from '@cdktf/provider-aws/lib/security-group';
import { VpcSecurityGroupIngressRule } from '@cdktf/provider-aws/lib/vpc-security-group-ingress-rule';
import type { Construct } from 'constructs';

/**
 * A security group (child `SecurityGroup` of `scope`) admitting `port` from the cluster's
 * security group only: no CIDR ranges, no egress rules needed by a managed data service.
 */
export function createDataSecurityGroup(
  scope: Construct,
  props: { name: string; vpcId: string; port: number; clientSecurityGroupId: string; description: string },
): SecurityGroup {
  const sg = new SecurityGroup(scope, 'SecurityGroup', {
    name: props.name,
    vpcId: props.vpcId,
    description: props.description,
    tags: { Name: props.name },
  });
  new VpcSecurityGroupIngressRule(scope, 'FromCluster', {
    securityGroupId: sg.id,
    description: 'From the EKS cluster security group (nodes and pods)',
    ipProtocol: 'tcp',
    fromPort: props.port,
    toPort: props.port,
    referencedSecurityGroupId: props.clientSecurityGroupId,
  });
  return sg;
}
