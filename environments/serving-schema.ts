import { z } from 'zod';
import { type GpuConfig, instanceTypeResolver } from './gpu-schema';
import type { GpuInstanceType } from '../constructs/gpu/gpu-instance-type';

const dnsLabel = z.string().regex(/^[a-z]([-a-z0-9]{0,38}[a-z0-9])?$/, 'must be a lowercase DNS label of at most 40 characters');

/** Bytes per parameter of each weight format. */
export const BYTES_PER_PARAMETER = { bf16: 2, fp16: 2, fp8: 1, int8: 1, int4: 0.5 } as const;

export const modelSchema = z.strictObject({
  /** Served model name (OpenAI `model` field) and Kubernetes name. */
  name: dnsLabel,
  /** vLLM (LLMs, OpenAI API) or Triton (any framework, model repository in S3). @default 'vllm' */
  engine: z.enum(['vllm', 'triton']).default('vllm'),
  /** The GPU pool or node group the model runs on. */
  pool: dnsLabel,
  /** Parameters in billions (e.g. 8 for Llama 3.1 8B). */
  parametersBillions: z.number().positive('must be a positive number of billions'),
  dtype: z.enum(['bf16', 'fp16', 'fp8', 'int8', 'int4']),
  /** GPUs per replica = tensor-parallel size. @default 1 */
  gpusPerReplica: z.number().int().min(1).max(8).default(1),
  /** Share of GPU memory kept for the KV cache, activations and CUDA graphs. @default 0.3 */
  kvCacheHeadroom: z.number().min(0.05, 'must be 0.05-0.9').max(0.9, 'must be 0.05-0.9').default(0.3),
  /** @default 1 */
  minReplicas: z.number().int().min(0).default(1),
  maxReplicas: z.number().int().min(1),
  /** Must not run on interruptible (spot-only) capacity. @default false */
  critical: z.boolean().default(false),
});

export const autoscalingSchema = z.strictObject({
  /** vLLM: requests in flight (running + waiting) per replica KEDA aims for. @default 16 */
  targetInFlightPerReplica: z.number().int().min(1, 'must be at least 1').max(1024, 'must be at most 1024').default(16),
  /** Triton: mean queue time per request, in milliseconds, above which replicas are added. @default 100 */
  targetQueueMilliseconds: z.number().positive('must be a positive number of milliseconds').default(100),
  /** Seconds between KEDA's queries. @default 15 */
  pollingSeconds: z.number().int().min(5, 'must be 5-300').max(300, 'must be 5-300').default(15),
  /** Seconds without load before a model drops to minReplicas. @default 300 */
  cooldownSeconds: z.number().int().min(60, 'must be 60-3600').max(3600, 'must be 60-3600').default(300),
});

export const servingSchema = z.strictObject({
  /** Models to serve. @default [] */
  models: z.array(modelSchema).default([]),
  /** How KEDA scales model servers between minReplicas and maxReplicas. */
  autoscaling: autoscalingSchema.prefault({}),
});

export type ServingConfig = z.output<typeof servingSchema>;
export type ModelConfig = ServingConfig['models'][number];

/** Weight memory of a model in GiB. */
export function weightsGiB(m: Pick<ModelConfig, 'parametersBillions' | 'dtype'>): number {
  return (m.parametersBillions * 1e9 * BYTES_PER_PARAMETER[m.dtype]) / 2 ** 30;
}

interface Capacity {
  readonly name: string;
  readonly types: readonly GpuInstanceType[];
  readonly maxGpus: number;
  readonly interruptible: boolean;
  readonly timeSliced: boolean;
}

/** The environment's GPU capacities by name, as sizing needs them. */
export function capacitiesOf(gpu: GpuConfig): Map<string, Capacity> {
  const resolve = instanceTypeResolver(gpu);
  const out = new Map<string, Capacity>();
  for (const p of gpu.pools) {
    const types = p.instanceTypes.map(resolve).filter((t): t is GpuInstanceType => !!t);
    out.set(p.name, { name: p.name, types, maxGpus: p.gpuLimit, interruptible: p.capacityTypes.every((c) => c === 'spot'), timeSliced: p.sharing.mode === 'time-slicing' });
  }
  for (const g of gpu.nodeGroups) {
    const t = resolve(g.instanceType);
    if (t) out.set(g.name, { name: g.name, types: [t], maxGpus: g.maxSize * t.gpus, interruptible: g.capacityType === 'SPOT', timeSliced: false });
  }
  return out;
}

type Issue = (path: (string | number)[], input: unknown, message: string) => void;

/**
 * Sizing at synth: weights plus headroom fit the GPUs of a replica on every instance type the
 * pool may launch; the tensor-parallel size divides the GPUs per node; the replicas fit under
 * the pool's GPU cap; critical models stay off spot-only capacity.
 */
export function servingRules(serving: ServingConfig, gpu: GpuConfig, issue: Issue): void {
  const capacities = capacitiesOf(gpu);
  const names = new Set<string>();
  serving.models.forEach((m, i) => {
    const at = (...rest: (string | number)[]) => ['serving', 'models', i, ...rest];
    if (names.has(m.name)) issue(at('name'), m.name, 'is used by another model; names must be unique');
    names.add(m.name);
    const cap = capacities.get(m.pool);
    if (!cap) {
      issue(at('pool'), m.pool, `must name a GPU pool or node group of this environment (${[...capacities.keys()].map((n) => `'${n}'`).join(', ') || 'none declared'})`);
      return;
    }
    if (m.maxReplicas < m.minReplicas) issue(at('maxReplicas'), m.maxReplicas, `must be >= minReplicas (${m.minReplicas})`);
    const tp = m.gpusPerReplica;
    if (cap.timeSliced && tp > 1) issue(at('gpusPerReplica'), tp, `must be 1 on time-sliced pool '${cap.name}' (a slice is not a whole GPU)`);
    const badTp = cap.types.filter((t) => t.gpus < tp || t.gpus % tp !== 0);
    if (badTp.length > 0) {
      issue(at('gpusPerReplica'), tp, `must divide the GPUs per node of every instance type in pool '${cap.name}': ${badTp.map((t) => `${t.name} has ${t.gpus}`).join(', ')}`);
    }
    const need = weightsGiB(m) * (1 + m.kvCacheHeadroom);
    const tooSmall = cap.types.filter((t) => t.gpuMemoryGiB * tp < need);
    if (tooSmall.length > 0) {
      issue(
        at('gpusPerReplica'),
        tp,
        `gives ${tooSmall.map((t) => `${tp} x ${t.gpuMemoryGiB} GiB (${t.name})`).join(', ')}, but ${m.name} needs ${need.toFixed(1)} GiB (${weightsGiB(m).toFixed(1)} GiB of ${m.dtype} weights + ${Math.round(m.kvCacheHeadroom * 100)}% headroom); use more GPUs per replica, a smaller dtype or larger GPUs`,
      );
    }
    if (m.maxReplicas * tp > cap.maxGpus) {
      issue(at('maxReplicas'), m.maxReplicas, `needs ${m.maxReplicas * tp} GPUs (${m.maxReplicas} x ${tp}) but pool '${cap.name}' is capped at ${cap.maxGpus}`);
    }
    if (m.critical && cap.interruptible) issue(at('pool'), m.pool, `is spot-only; critical model '${m.name}' needs on-demand or reserved capacity`);
  });
}
