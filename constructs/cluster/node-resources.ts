import { IamRole } from '@cdktf/provider-aws/lib/iam-role';
import { IamRolePolicyAttachment } from '@cdktf/provider-aws/lib/iam-role-policy-attachment';
import { LaunchTemplate } from '@cdktf/provider-aws/lib/launch-template';
import type { EksNodeGroup } from '@cdktf/provider-aws/lib/eks-node-group';
import type { Construct } from 'constructs';
import { AwsContext } from '../core/aws-context';
import { dependable, type ITerraformDependable } from '../core/cdktf';

/** Managed policies every node role has: join the cluster, pull images. Nothing else. */
export const NODE_BASE_POLICIES = ['AmazonEKSWorkerNodePolicy', 'AmazonEC2ContainerRegistryPullOnly'] as const;

/**
 * The IAM role of a group of nodes (children `NodeRole` and `NodeRole-<policy>` of `scope`).
 * Returns the role and the attachments, which node groups should depend on.
 */
export function createNodeRole(
  scope: Construct,
  namePrefix: string,
  extraPolicies: readonly string[] = [],
): { role: IamRole; attachments: IamRolePolicyAttachment[] } {
  const aws = AwsContext.of(scope);
  const role = new IamRole(scope, 'NodeRole', {
    namePrefix,
    assumeRolePolicy: JSON.stringify({
      Version: '2012-10-17',
      Statement: [{ Effect: 'Allow', Principal: { Service: 'ec2.amazonaws.com' }, Action: 'sts:AssumeRole' }],
    }),
  });
  const attachments = [...NODE_BASE_POLICIES, ...extraPolicies].map(
    (name) =>
      new IamRolePolicyAttachment(scope, `NodeRole-${name}`, {
        role: role.name,
        policyArn: `arn:${aws.partition}:iam::aws:policy/${name}`,
      }),
  );
  return { role, attachments };
}

export interface NodeLaunchTemplateProps {
  readonly namePrefix: string;
  readonly description: string;
  /** Name tag of instances and volumes. */
  readonly nameTag: string;
  readonly rootVolumeGiB: number;
  /** Launch into a capacity reservation (capacity blocks). @default - none */
  readonly capacityBlockReservationId?: string;
}

/**
 * A launch template (child `LaunchTemplate` of `scope`) with IMDSv2 required and a hop limit of
 * 1, so pods cannot reach node credentials, and an encrypted gp3 root volume.
 */
export function createNodeLaunchTemplate(scope: Construct, props: NodeLaunchTemplateProps): LaunchTemplate {
  return new LaunchTemplate(scope, 'LaunchTemplate', {
    namePrefix: props.namePrefix,
    description: props.description,
    updateDefaultVersion: true,
    metadataOptions: {
      httpTokens: 'required',
      httpPutResponseHopLimit: 1,
      httpEndpoint: 'enabled',
    },
    blockDeviceMappings: [
      {
        deviceName: '/dev/xvda',
        ebs: {
          volumeSize: props.rootVolumeGiB,
          volumeType: 'gp3',
          encrypted: 'true',
          deleteOnTermination: 'true',
        },
      },
    ],
    ...(props.capacityBlockReservationId
      ? {
          instanceMarketOptions: { marketType: 'capacity-block' },
          capacityReservationSpecification: {
            capacityReservationTarget: { capacityReservationId: props.capacityBlockReservationId },
          },
        }
      : {}),
    tagSpecifications: [
      { resourceType: 'instance', tags: { Name: props.nameTag } },
      { resourceType: 'volume', tags: { Name: props.nameTag } },
    ],
  });
}

/**
 * Makes a node group wait for `deps` as well (the add-ons a node needs to become Ready), for
 * node groups built before the add-ons that other add-ons in turn wait for.
 */
export function startNodesAfter(nodeGroup: EksNodeGroup, deps: readonly ITerraformDependable[]): void {
  // As cdktf writes its own depends_on: the bare address, not an interpolation (Terraform
  // refuses `${...}` there, "A single static variable reference is required").
  nodeGroup.dependsOn = [...(nodeGroup.dependsOn ?? []), ...deps.map((d) => dependable(d))];
}
