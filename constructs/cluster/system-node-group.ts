import { EksNodeGroup } from '@cdktf/provider-aws/lib/eks-node-group';
import type { IamRole } from '@cdktf/provider-aws/lib/iam-role';
import { Construct } from 'constructs';
import { type ITerraformDependable, Token } from '../core/cdktf';
import { BlueprintError } from '../../model/errors';
import type { EksCluster } from './eks-cluster';
import { createNodeLaunchTemplate, createNodeRole, startNodesAfter } from './node-resources';
import { DEFAULTS } from '../../model/defaults';

export interface SystemNodeGroupProps {
  readonly cluster: EksCluster;
  readonly subnetIds: string[];
  readonly instanceTypes: readonly string[];
  readonly minSize: number;
  readonly desiredSize: number;
  readonly maxSize: number;
  /** @default 50 */
  readonly diskSizeGiB?: number;
  /** @default 'ON_DEMAND' */
  readonly capacityType?: 'ON_DEMAND' | 'SPOT';
}

/** Label every system node carries; controllers select it, GPU pools never have it. */
export const SYSTEM_POOL_LABEL = { key: 'gpb.io/pool', value: 'system' } as const;

/**
 * The managed node group that runs cluster controllers (CoreDNS, Karpenter, KEDA, collectors):
 * never GPU, AL2023, IMDSv2 only with a hop limit of 1 (pods cannot reach node credentials),
 * encrypted gp3 root volumes. The node role can join the cluster and pull images, nothing
 * more: the VPC CNI gets its permissions through Pod Identity.
 */
export class SystemNodeGroup extends Construct {
  readonly resource: EksNodeGroup;
  readonly nodeRole: IamRole;

  constructor(scope: Construct, id: string, props: SystemNodeGroupProps) {
    super(scope, id);
    const sizes = [props.minSize, props.desiredSize, props.maxSize];
    if (!sizes.some((s) => Token.isUnresolved(s))) {
      if (props.minSize < 1 || props.desiredSize < props.minSize || props.maxSize < props.desiredSize) {
        throw new BlueprintError(
          `SystemNodeGroup '${id}': sizes must satisfy 1 <= minSize (${props.minSize}) <= desiredSize (${props.desiredSize}) <= maxSize (${props.maxSize})`,
        );
      }
    }
    if (props.instanceTypes.length === 0) {
      throw new BlueprintError(`SystemNodeGroup '${id}': 'instanceTypes' must list at least one instance type`);
    }
    const clusterName = props.cluster.clusterName;
    const { role, attachments } = createNodeRole(this, 'gpb-system-node-');
    this.nodeRole = role;
    const launchTemplate = createNodeLaunchTemplate(this, {
      namePrefix: 'gpb-system-',
      description: 'System node group: IMDSv2 only, encrypted gp3 root volume',
      nameTag: `${clusterName}-system`,
      rootVolumeGiB: props.diskSizeGiB ?? DEFAULTS.systemNodeGroup.diskSizeGiB,
    });

    this.resource = new EksNodeGroup(this, 'Resource', {
      clusterName,
      nodeGroupNamePrefix: 'system-',
      nodeRoleArn: this.nodeRole.arn,
      subnetIds: props.subnetIds,
      amiType: 'AL2023_x86_64_STANDARD',
      capacityType: props.capacityType ?? DEFAULTS.systemNodeGroup.capacityType,
      instanceTypes: [...props.instanceTypes],
      scalingConfig: { minSize: props.minSize, desiredSize: props.desiredSize, maxSize: props.maxSize },
      updateConfig: { maxUnavailable: 1 },
      labels: { [SYSTEM_POOL_LABEL.key]: SYSTEM_POOL_LABEL.value },
      launchTemplate: { id: launchTemplate.id, version: launchTemplate.latestVersion.toString() },
      dependsOn: attachments,
      lifecycle: { ignoreChanges: ['scaling_config[0].desired_size'], createBeforeDestroy: true },
    });
  }

  /**
   * Creates the nodes only after `deps` (the add-ons a node needs to become Ready, which in
   * turn wait for nothing but the cluster). A collection that grows, so the add-ons that need
   * running nodes (CoreDNS, the EBS CSI controller) can still be given this node group.
   */
  startAfter(...deps: readonly ITerraformDependable[]): void {
    startNodesAfter(this.resource, deps);
  }
}
