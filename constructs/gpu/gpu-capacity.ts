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
