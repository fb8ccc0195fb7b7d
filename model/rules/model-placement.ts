import type { GpuInstanceType } from '../gpu-instance-type';
import type { Problem } from './problem';

/** What the placement rules read of a model and the capacity it runs on. */
export interface ModelPlacementInput {
  readonly engine: 'vllm' | 'triton';
  readonly task: 'generate' | 'embed';
  /** GPUs per node of a replica (the tensor-parallel size). */
  readonly gpusPerReplica: number;
  readonly nodesPerReplica: number;
  /** The pool or node group it names; undefined when it names none (only the other rules run). */
  readonly capacity?: {
    readonly name: string;
    readonly kind: 'pool' | 'nodeGroup';
    readonly instanceTypes: readonly GpuInstanceType[];
    readonly efa: boolean;
    readonly timeSliced: boolean;
  };
}

/**
 * Where a model can run, written once: the environment schema reports these at
 * `serving.models[i].<field>`, ModelServer under its prop names (`nodesPerReplica` is its
 * `nodes`). Fields: task, nodesPerReplica, gpusPerReplica.
 */
export function modelPlacementProblems(m: ModelPlacementInput): Problem[] {
  const out: Problem[] = [];
  const cap = m.capacity;
  const tp = m.gpusPerReplica;
  const nodes = m.nodesPerReplica;
  if (m.task === 'embed' && m.engine !== 'vllm')
    out.push({ field: ['task'], value: m.task, message: 'is built for vLLM only (Triton models serve their own protocol)' });
  if (!Number.isInteger(nodes) || nodes < 1)
    out.push({ field: ['nodesPerReplica'], value: nodes, message: 'must be a whole number of at least 1' });
  if (nodes > 1 && m.engine !== 'vllm')
    out.push({ field: ['nodesPerReplica'], value: nodes, message: 'is built for vLLM only (Ray across the nodes of a LeaderWorkerSet)' });
  if (!cap) return out;
  if (nodes > 1) {
    if (!cap.efa)
      out.push({
        field: ['nodesPerReplica'],
        value: nodes,
        message: `needs a GPU pool with efa: true; '${cap.name}' ${cap.kind === 'pool' ? 'has no EFA' : 'is a node group'}`,
      });
    const partial = cap.instanceTypes.filter((t) => t.gpus !== tp);
    if (partial.length > 0) {
      out.push({
        field: ['gpusPerReplica'],
        value: tp,
        message: `must equal the GPUs per node of every instance type in pool '${cap.name}' when a replica spans ${nodes} nodes (whole nodes): ${partial.map((t) => `${t.name} has ${t.gpus}`).join(', ')}`,
      });
    }
  }
  if (cap.timeSliced && tp > 1)
    out.push({ field: ['gpusPerReplica'], value: tp, message: `must be 1 on time-sliced pool '${cap.name}' (a slice is not a whole GPU)` });
  const badTp = cap.instanceTypes.filter((t) => t.gpus < tp || t.gpus % tp !== 0);
  if (badTp.length > 0) {
    out.push({
      field: ['gpusPerReplica'],
      value: tp,
      message: `must divide the GPUs per node of every instance type in pool '${cap.name}': ${badTp.map((t) => `${t.name} has ${t.gpus}`).join(', ')}`,
    });
  }
  return out;
}
