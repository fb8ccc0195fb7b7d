import type { GpuInstanceType } from './gpu-instance-type';

/** The taint every GPU node carries, so only pods that ask for GPUs land there. */
export const GPU_TAINT = { key: 'nvidia.com/gpu', value: 'true', effect: 'NoSchedule' } as const;

/** Label naming the pool or node group a GPU node belongs to. */
export const POOL_LABEL = 'gpb.io/pool';

export interface Toleration {
  readonly key: string;
  readonly operator: 'Exists' | 'Equal';
  readonly value?: string;
  readonly effect: 'NoSchedule' | 'PreferNoSchedule' | 'NoExecute';
}

/**
 * GPU capacity a workload can be placed on: a Karpenter GpuNodePool or a managed GpuNodeGroup.
 * Workloads take this object (never a label string) and derive their placement from it, so a
 * renamed or removed pool changes both sides or fails to compile.
 */
export interface IGpuCapacity {
  readonly name: string;
  /** A Karpenter pool or a managed node group. */
  readonly kind: 'pool' | 'nodeGroup';
  readonly instanceTypes: readonly GpuInstanceType[];
  /** Most GPUs the capacity can hold at once. */
  readonly maxGpus: number;
  /** Extended resource a container requests per GPU (or GPU slice). */
  readonly gpuResourceName: string;
  /** GPUs one node exposes to pods (after time-slicing), per instance type. */
  schedulableGpusPerNode(type: GpuInstanceType): number;
  readonly nodeSelector: Readonly<Record<string, string>>;
  readonly tolerations: readonly Toleration[];
  /** Spot capacity only: interruptions expected. */
  readonly interruptible: boolean;
  /** Nodes have Elastic Fabric Adapter interfaces (multi-node models need them). */
  readonly efa: boolean;
}

export const gpuTolerations = (): Toleration[] => [{ key: GPU_TAINT.key, operator: 'Exists', effect: GPU_TAINT.effect }];

/** What derives a capacity from a GPU pool of an environment. */
export interface GpuPoolSpec {
  readonly name: string;
  readonly instanceTypes: readonly string[];
  readonly gpuLimit: number;
  readonly capacityTypes: readonly string[];
  readonly sharing: { readonly mode: string };
  readonly efa: boolean;
}

/** What derives a capacity from a managed GPU node group of an environment. */
export interface GpuNodeGroupSpec {
  readonly name: string;
  readonly instanceType: string;
  readonly minSize: number;
  readonly maxSize: number;
  readonly capacityType: string;
}

/**
 * One GPU pool or node group of an environment, derived once: what the cost table, model sizing
 * and placement read (a pool's cap is its gpuLimit; a node group's is maxSize x GPUs per node).
 */
export interface GpuCapacitySpec {
  readonly name: string;
  readonly kind: 'pool' | 'nodeGroup';
  /** The instance types that resolved (validation reports the others). */
  readonly instanceTypes: readonly GpuInstanceType[];
  /** Most GPUs the capacity can hold at once. */
  readonly maxGpus: number;
  /** Instances that run even when idle (Karpenter pools: 0). */
  readonly minInstances: number;
  /** Spot capacity only: interruptions expected. */
  readonly interruptible: boolean;
  /** GPUs are time-sliced (a slice is not a whole GPU). */
  readonly timeSliced: boolean;
  /** Nodes have Elastic Fabric Adapter interfaces (pools only). */
  readonly efa: boolean;
}

/**
 * The environment's GPU capacities, pools first, in declaration order. A node group whose
 * instance type does not resolve is left out (validation reports it at its field).
 */
export function gpuCapacities(
  gpu: { readonly pools: readonly GpuPoolSpec[]; readonly nodeGroups: readonly GpuNodeGroupSpec[] },
  resolve: (name: string) => GpuInstanceType | undefined,
): GpuCapacitySpec[] {
  const out: GpuCapacitySpec[] = gpu.pools.map((p) => ({
    name: p.name,
    kind: 'pool',
    instanceTypes: p.instanceTypes.map(resolve).filter((t): t is GpuInstanceType => t !== undefined),
    maxGpus: p.gpuLimit,
    minInstances: 0,
    interruptible: p.capacityTypes.every((c) => c === 'spot'),
    timeSliced: p.sharing.mode === 'time-slicing',
    efa: p.efa,
  }));
  for (const g of gpu.nodeGroups) {
    const t = resolve(g.instanceType);
    if (!t) continue;
    out.push({
      name: g.name,
      kind: 'nodeGroup',
      instanceTypes: [t],
      maxGpus: g.maxSize * t.gpus,
      minInstances: g.minSize,
      interruptible: g.capacityType === 'SPOT',
      timeSliced: false,
      efa: false,
    });
  }
  return out;
}
