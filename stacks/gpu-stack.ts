import type { Construct } from 'constructs';
import { GpuNodePool } from '../constructs/gpu/gpu-node-pool';
import type { KarpenterAws } from '../constructs/gpu/karpenter-aws';
import { KubernetesLayerStack, type KubernetesLayerStackProps } from './kubernetes-layer-stack';
import type { PlatformStack } from './platform-stack';

export interface GpuStackProps extends KubernetesLayerStackProps {
  /** Karpenter's AWS side (node role, from the cluster stack's state). */
  readonly karpenter: KarpenterAws;
  /** The layer that installs Karpenter's CRDs; this stack deploys after it. */
  readonly platform: PlatformStack;
}

/** The gpu layer (in-cluster, after platform): the environment's Karpenter GPU pools (NodePools and EC2NodeClasses). */
export class GpuStack extends KubernetesLayerStack {
  /** The pools by name: workloads take these objects. */
  readonly pools: ReadonlyMap<string, GpuNodePool>;

  constructor(scope: Construct, props: GpuStackProps) {
    super(scope, 'gpu', props);
    this.addDependency(props.platform);
    const { env } = props;
    this.pools = new Map(
      env.gpu.pools.map((p) => [
        p.name,
        new GpuNodePool(this, `Pool-${p.name}`, {
          name: p.name,
          instanceTypes: p.capacity.instanceTypes,
          capacityTypes: p.capacityTypes,
          gpuLimit: p.gpuLimit,
          nodeRoleName: props.karpenter.nodeRole.name,
          clusterName: env.cluster.name,
          securityGroupId: props.cluster.clusterSecurityGroupId,
          consolidationPolicy: p.consolidation.policy,
          consolidateAfterSeconds: p.consolidation.afterSeconds,
          disruptionBudget: p.disruptionBudget,
          expireAfterHours: p.expireAfterHours,
          amiFamily: p.amiFamily,
          rootVolumeGiB: p.rootVolumeGiB,
          dataVolumeGiB: p.dataVolumeGiB,
          efa: p.efa,
          capacityReservationIds: p.capacityReservationIds,
          sharing: p.sharing,
          weight: p.weight,
          labels: p.labels,
        }),
      ]),
    );
  }
}
