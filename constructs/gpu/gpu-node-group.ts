import { EksNodeGroup } from '@cdktf/provider-aws/lib/eks-node-group';
import type { IamRole } from '@cdktf/provider-aws/lib/iam-role';
import { Construct } from 'constructs';
import type { EksCluster } from '../cluster/eks-cluster';
import { createNodeLaunchTemplate, createNodeRole } from '../cluster/node-resources';
import { BlueprintError } from '../../model/errors';
import { GPU_TAINT, gpuTolerations, type IGpuCapacity, POOL_LABEL, type Toleration } from '../../model/gpu-capacity';
import type { GpuInstanceType } from '../../model/gpu-instance-type';
import { DEFAULTS } from '../../model/defaults';

export interface GpuNodeGroupProps {
  readonly cluster: EksCluster;
  readonly subnetIds: string[];
  /** Group name; nodes are labelled `gpb.io/pool=<name>`. */
  readonly name: string;
  readonly instanceType: GpuInstanceType;
  readonly minSize: number;
  readonly maxSize: number;
  /** @default - minSize */
  readonly desiredSize?: number;
  /** @default 'ON_DEMAND' */
  readonly capacityType?: 'ON_DEMAND' | 'SPOT' | 'CAPACITY_BLOCK';
  /** Required for CAPACITY_BLOCK. */
  readonly capacityReservationId?: string;
  /** @default 200 */
  readonly diskSizeGiB?: number;
}

/**
 * Static or reserved GPU capacity as an EKS managed node group: the EKS AL2023 NVIDIA AMI
 * (driver and container toolkit included), tainted `nvidia.com/gpu:NoSchedule`, IMDSv2 with hop
 * limit 1, encrypted gp3. Use it for an always-on baseline or a capacity block; use GpuNodePool
 * for capacity that follows demand.
 */
export class GpuNodeGroup extends Construct implements IGpuCapacity {
  readonly resource: EksNodeGroup;
  readonly nodeRole: IamRole;
  readonly name: string;
  readonly instanceTypes: readonly GpuInstanceType[];
  readonly maxGpus: number;
  readonly gpuResourceName: string;
  readonly nodeSelector: Readonly<Record<string, string>>;
  readonly tolerations: readonly Toleration[];
  readonly interruptible: boolean;
  /** Managed node groups are not set up for EFA here (use a GPU pool). */
  readonly efa = false;
  readonly kind = 'nodeGroup';

  constructor(scope: Construct, id: string, props: GpuNodeGroupProps) {
    super(scope, id);
    const capacityType = props.capacityType ?? DEFAULTS.gpuNodeGroup.capacityType;
    const desired = props.desiredSize ?? props.minSize;
    if (props.minSize < 0 || props.maxSize < 1 || props.maxSize < props.minSize || desired < props.minSize || desired > props.maxSize) {
      throw new BlueprintError(
        `GpuNodeGroup '${props.name}': sizes must satisfy 0 <= minSize (${props.minSize}) <= desiredSize (${desired}) <= maxSize (${props.maxSize}), maxSize >= 1`,
      );
    }
    if (capacityType === 'CAPACITY_BLOCK' && !props.capacityReservationId) {
      throw new BlueprintError(`GpuNodeGroup '${props.name}': 'capacityReservationId' is required when 'capacityType' is 'CAPACITY_BLOCK'`);
    }
    this.name = props.name;
    this.instanceTypes = [props.instanceType];
    this.maxGpus = props.maxSize * props.instanceType.gpus;
    this.gpuResourceName = props.instanceType.gpuModel.resourceName;
    this.nodeSelector = { [POOL_LABEL]: props.name };
    this.tolerations = gpuTolerations();
    this.interruptible = capacityType === 'SPOT';

    const clusterName = props.cluster.clusterName;
    const { role, attachments } = createNodeRole(this, `gpb-gpu-${props.name.slice(0, 16)}-`);
    this.nodeRole = role;
    const launchTemplate = createNodeLaunchTemplate(this, {
      namePrefix: `gpb-gpu-${props.name.slice(0, 16)}-`,
      description: `GPU node group ${props.name}: IMDSv2 only, encrypted gp3 root volume`,
      nameTag: `${props.name}`,
      rootVolumeGiB: props.diskSizeGiB ?? DEFAULTS.gpuNodeGroup.diskSizeGiB,
      capacityBlockReservationId: capacityType === 'CAPACITY_BLOCK' ? props.capacityReservationId : undefined,
    });

    this.resource = new EksNodeGroup(this, 'Resource', {
      clusterName,
      nodeGroupNamePrefix: `${props.name.slice(0, 30)}-`,
      nodeRoleArn: role.arn,
      subnetIds: props.subnetIds,
      amiType: 'AL2023_x86_64_NVIDIA',
      capacityType,
      instanceTypes: [props.instanceType.name],
      scalingConfig: { minSize: props.minSize, desiredSize: desired, maxSize: props.maxSize },
      updateConfig: { maxUnavailable: 1 },
      labels: { [POOL_LABEL]: props.name, 'gpb.io/gpu': 'true' },
      taint: [{ key: GPU_TAINT.key, value: GPU_TAINT.value, effect: 'NO_SCHEDULE' }],
      launchTemplate: { id: launchTemplate.id, version: launchTemplate.latestVersion.toString() },
      dependsOn: attachments,
      lifecycle: { ignoreChanges: ['scaling_config[0].desired_size'], createBeforeDestroy: true },
    });
  }

  schedulableGpusPerNode(type: GpuInstanceType): number {
    return type.gpus;
  }
}
