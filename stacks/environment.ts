import type { Construct } from 'constructs';
import type { IGpuCapacity } from '../model/gpu-capacity';
import type { EnvironmentConfig } from '../environments/schema';
import { ClusterStack } from './cluster-stack';
import { DataStack } from './data-stack';
import { GpuStack } from './gpu-stack';
import type { BackendMode, LayerStack } from './layer-stack';
import { NetworkStack } from './network-stack';
import { PlatformStack } from './platform-stack';
import { ServingStack } from './serving-stack';

export interface EnvironmentStacks {
  readonly network: NetworkStack;
  readonly cluster: ClusterStack;
  readonly data: DataStack;
  readonly platform: PlatformStack;
  /** Present when the environment declares GPU pools. */
  readonly gpu?: GpuStack;
  /** Present when the environment runs in-cluster workloads (today: Qdrant). */
  readonly serving?: ServingStack;
}

/** Builds every layer stack of one (already validated) environment. */
export function buildEnvironment(app: Construct, env: EnvironmentConfig, backend: BackendMode): EnvironmentStacks {
  const network = new NetworkStack(app, { env, backend });
  const cluster = new ClusterStack(app, { env, backend, network: network.network });
  const data = new DataStack(app, { env, backend, network: network.network, cluster: cluster.cluster });
  const platform = new PlatformStack(app, {
    env,
    backend,
    cluster: cluster.cluster,
    network: network.network,
    karpenter: cluster.karpenter,
    telemetry: data.telemetry,
  });
  const gpu = cluster.karpenter
    ? new GpuStack(app, { env, backend, cluster: cluster.cluster, karpenter: cluster.karpenter, platform })
    : undefined;
  const capacities = new Map<string, IGpuCapacity>([...(gpu?.pools ?? []), ...cluster.gpuNodeGroups]);
  const serving =
    data.qdrant || env.serving.models.length > 0
      ? new ServingStack(app, { env, backend, cluster: cluster.cluster, platform, data, capacities })
      : undefined;
  return { network, cluster, data, platform, gpu, serving };
}

/** The stacks of an environment in apply order. */
export function stacksInOrder(stacks: EnvironmentStacks): LayerStack[] {
  return [
    stacks.network,
    stacks.cluster,
    stacks.data,
    stacks.platform,
    ...(stacks.gpu ? [stacks.gpu] : []),
    ...(stacks.serving ? [stacks.serving] : []),
  ];
}
