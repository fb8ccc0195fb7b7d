import { z } from 'zod';
import { AWS_LIMITS } from '../model/aws-names';
import { nodesQuotaMessage } from './fields';
import { gpuCapacities } from '../model/gpu-capacity';
import { gpuPoolProblems } from '../model/rules/gpu-pool';
import { capacityCost, type EnvironmentGpuCost, totalCost, usd } from '../model/gpu-cost';
import { GpuInstanceType, GpuModel } from '../model/gpu-instance-type';
import { DEFAULTS } from '../model/defaults';

const dnsLabel = z.string().regex(/^[a-z]([-a-z0-9]{0,30}[a-z0-9])?$/, 'must be a lowercase DNS label of at most 32 characters');
const instanceTypeName = z.string().regex(/^[a-z][a-z0-9-]*\d[a-z0-9-]*\.[a-z0-9]+$/, 'must be an EC2 instance type such as g6.xlarge');

/** How the GPUs of a node are shared between pods. */
export const sharingSchema = z.discriminatedUnion('mode', [
  z.strictObject({ mode: z.literal('none') }),
  z.strictObject({
    mode: z.literal('time-slicing'),
    /** Pods per physical GPU (no memory isolation between them). */
    replicas: z.number().int().min(2, 'must be 2-16').max(16, 'must be 2-16'),
  }),
  z.strictObject({
    mode: z.literal('mig'),
    /** A MIG configuration of the GPU operator's mig-parted, e.g. `all-1g.10gb`, `all-balanced`. */
    profile: z
      .string()
      .regex(/^all-(balanced|disabled|enabled|\d+g\.\d+gb)$/, "must be a mig-parted configuration such as 'all-1g.10gb' or 'all-balanced'"),
  }),
]);

export const gpuPoolSchema = z.strictObject({
  /** NodePool name; workloads select it (karpenter.sh/nodepool). */
  name: dnsLabel,
  /** Instance types Karpenter may launch (catalog or gpu.customInstanceTypes). */
  instanceTypes: z.array(instanceTypeName).min(1, 'must list at least one instance type'),
  /** In order of preference is not implied: Karpenter picks the cheapest available. */
  capacityTypes: z.array(z.enum(['spot', 'on-demand', 'reserved'])).min(1, 'must list at least one capacity type'),
  /** Hard cap on GPUs the pool may hold (NodePool limits). Required: no uncapped GPU pools. */
  gpuLimit: z.number().int('must be a whole number of GPUs').positive('must be a positive number of GPUs'),
  /** Serves workloads that must not be interrupted: spot-only is refused. @default false */
  critical: z.boolean().default(false),
  /** Karpenter preference between pools (higher first), e.g. on-demand baseline over spot burst. @default - none */
  weight: z.number().int().min(1).max(100).optional(),
  consolidation: z
    .strictObject({
      /** @default 'WhenEmptyOrUnderutilized' */
      policy: z.enum(['WhenEmpty', 'WhenEmptyOrUnderutilized']).default(DEFAULTS.gpuPool.consolidationPolicy),
      /** @default 300 */
      afterSeconds: z.number().int().min(0).max(86_400).default(DEFAULTS.gpuPool.consolidateAfterSeconds),
    })
    .prefault({}),
  /** Nodes that may be disrupted at once, as a count or a percentage. @default '10%' */
  disruptionBudget: z
    .string()
    .regex(/^(\d+|\d{1,3}%)$/, "must be a count such as '1' or a percentage such as '10%'")
    .refine((b) => !b.endsWith('%') || Number(b.slice(0, -1)) <= 100, 'must be a percentage of at most 100%')
    .default(DEFAULTS.gpuPool.disruptionBudget),
  /** Replace nodes after this many hours (fresh AMIs, no drift); 0 = never. @default 720 */
  expireAfterHours: z.number().int().min(0).max(8760).default(DEFAULTS.gpuPool.expireAfterHours),
  /** @default 'al2023' */
  amiFamily: z.enum(['al2023', 'bottlerocket']).default(DEFAULTS.gpuPool.amiFamily),
  /** @default 50 */
  rootVolumeGiB: z.number().int().min(20).max(1000).default(DEFAULTS.gpuPool.rootVolumeGiB),
  /** Container images and model cache. @default 200 */
  dataVolumeGiB: z.number().int().min(50).max(16_000).default(DEFAULTS.gpuPool.dataVolumeGiB),
  /** Elastic Fabric Adapter interfaces for multi-node models. @default false */
  efa: z.boolean().default(DEFAULTS.gpuPool.efa),
  /** Capacity reservations (ODCRs, capacity blocks) the pool may use; required with 'reserved'. @default [] */
  capacityReservationIds: z
    .array(z.string().regex(/^cr-[0-9a-f]{8,17}$/, 'must be a capacity reservation id such as cr-0123456789abcdef0'))
    .default([]),
  sharing: sharingSchema.default({ mode: 'none' }),
  /** Extra node labels. @default {} */
  labels: z.record(z.string(), z.string()).default({}),
});

export const gpuNodeGroupSchema = z.strictObject({
  /** Managed node group name. */
  name: dnsLabel,
  instanceType: instanceTypeName,
  /** @default 'ON_DEMAND' */
  capacityType: z.enum(['ON_DEMAND', 'SPOT', 'CAPACITY_BLOCK']).default(DEFAULTS.gpuNodeGroup.capacityType),
  minSize: z.number().int().min(0),
  maxSize: z.number().int().positive('must be at least 1').max(AWS_LIMITS.nodesPerManagedNodeGroup, nodesQuotaMessage),
  /** @default - minSize */
  desiredSize: z.number().int().min(0).optional(),
  /** @default false */
  critical: z.boolean().default(false),
  /** @default 200 */
  diskSizeGiB: z.number().int().min(50).max(16_000).default(DEFAULTS.gpuNodeGroup.diskSizeGiB),
  /** Required for CAPACITY_BLOCK. */
  capacityReservationId: z
    .string()
    .regex(/^cr-[0-9a-f]{8,17}$/, 'must be a capacity reservation id')
    .optional(),
});

export const gpuSchema = z.strictObject({
  /** Karpenter-managed GPU pools (scale with demand, up to their cap). @default [] */
  pools: z.array(gpuPoolSchema).default([]),
  /** Managed node groups with GPUs: static or reserved capacity. @default [] */
  nodeGroups: z.array(gpuNodeGroupSchema).default([]),
  /** Instance types the catalog lacks. @default [] */
  customInstanceTypes: z
    .array(
      z.strictObject({
        name: instanceTypeName,
        gpuModel: z.string().min(1),
        gpus: z.number().int().positive(),
        gpuMemoryGiB: z.number().positive(),
        vcpus: z.number().int().positive(),
        memoryGiB: z.number().positive(),
        efa: z.boolean().default(false),
        onDemandUsdPerHour: z.number().positive(),
      }),
    )
    .default([]),
  /** Price adjustments for cost estimates (docs/gpu.md). */
  pricing: z
    .strictObject({
      discountPercent: z.number().min(0).max(90).default(0),
      regionFactor: z.number().min(0.5).max(3).default(1),
      hourlyUsd: z.record(instanceTypeName, z.number().positive()).default({}),
    })
    .prefault({}),
});

export type GpuConfig = z.output<typeof gpuSchema>;
export type GpuPoolConfig = GpuConfig['pools'][number];
export type GpuNodeGroupConfig = GpuConfig['nodeGroups'][number];

/** Catalog plus the environment's custom instance types. */
export function instanceTypeResolver(gpu: GpuConfig): (name: string) => GpuInstanceType | undefined {
  const custom = new Map(
    gpu.customInstanceTypes.map((c) => [c.name, GpuInstanceType.custom({ ...c, gpuModel: GpuModel.custom(c.gpuModel) })]),
  );
  return (name) => custom.get(name) ?? GpuInstanceType.find(name);
}

/** Idle and capped monthly GPU cost of the environment's pools and node groups. */
export function environmentGpuCost(gpu: GpuConfig): EnvironmentGpuCost {
  const resolve = instanceTypeResolver(gpu);
  return totalCost(gpuCapacities(gpu, resolve).map((c) => capacityCost(c, gpu.pricing)));
}

type Issue = (path: (string | number)[], input: unknown, message: string) => void;

/** Cross-field rules of the gpu section (and the budget that bounds it). */
export function gpuRules(gpu: GpuConfig, budgetUsd: number | undefined, issue: Issue): void {
  const resolve = instanceTypeResolver(gpu);
  const names = new Set<string>();
  let typesOk = true;
  // A cap already refused is not priced again against the budget.
  let capsOk = true;

  gpu.pools.forEach((pool, i) => {
    const at = (...rest: (string | number)[]) => ['gpu', 'pools', i, ...rest];
    if (names.has(pool.name)) issue(at('name'), pool.name, 'is used by another pool or node group; names must be unique');
    names.add(pool.name);
    pool.instanceTypes.forEach((t, j) => {
      if (!resolve(t)) {
        typesOk = false;
        issue(at('instanceTypes', j), t, unknownTypeMessage(t));
      }
    });
    for (const p of gpuPoolProblems({ ...pool, instanceTypes: pool.instanceTypes.map(resolve) })) issue(at(...p.field), p.value, p.message);
    if (pool.critical && pool.capacityTypes.every((c) => c === 'spot')) {
      issue(
        at('capacityTypes'),
        pool.capacityTypes,
        `must include 'on-demand' or 'reserved': pool '${pool.name}' is critical and spot capacity can be reclaimed with two minutes' notice`,
      );
    }
    const largest = Math.max(0, ...pool.instanceTypes.map((t) => resolve(t)?.gpus ?? 0));
    if (largest > 0 && pool.gpuLimit > largest * AWS_LIMITS.nodesPerManagedNodeGroup) {
      capsOk = false;
      issue(
        at('gpuLimit'),
        pool.gpuLimit,
        `must be at most ${largest * AWS_LIMITS.nodesPerManagedNodeGroup}: ${AWS_LIMITS.nodesPerManagedNodeGroup} nodes of its largest type (${largest} GPUs each), the bound this blueprint puts on one pool (the EKS quota of nodes per managed node group; change AWS_LIMITS in model/aws-names.ts for more)`,
      );
    }
  });

  gpu.nodeGroups.forEach((ng, i) => {
    const at = (...rest: (string | number)[]) => ['gpu', 'nodeGroups', i, ...rest];
    if (names.has(ng.name)) issue(at('name'), ng.name, 'is used by another pool or node group; names must be unique');
    names.add(ng.name);
    if (!resolve(ng.instanceType)) {
      typesOk = false;
      issue(at('instanceType'), ng.instanceType, unknownTypeMessage(ng.instanceType));
    }
    if (ng.maxSize < ng.minSize) issue(at('maxSize'), ng.maxSize, `must be >= minSize (${ng.minSize})`);
    if (ng.desiredSize !== undefined && (ng.desiredSize < ng.minSize || ng.desiredSize > ng.maxSize)) {
      issue(at('desiredSize'), ng.desiredSize, `must be between minSize (${ng.minSize}) and maxSize (${ng.maxSize})`);
    }
    if (ng.critical && ng.capacityType === 'SPOT') {
      issue(at('capacityType'), ng.capacityType, `must not be 'SPOT': node group '${ng.name}' is critical`);
    }
    if (ng.capacityType === 'CAPACITY_BLOCK' && !ng.capacityReservationId) {
      issue(at('capacityReservationId'), ng.capacityReservationId, "is required when capacityType is 'CAPACITY_BLOCK'");
    }
  });

  if (typesOk && capsOk && budgetUsd !== undefined) {
    const cost = environmentGpuCost(gpu);
    if (cost.cappedMonthlyUsd > budgetUsd) {
      const parts = cost.capacities.map((c) => `${c.name} ${c.maxGpus} GPUs ${usd(c.cappedMonthlyUsd)}`).join(', ');
      issue(
        ['budget', 'monthlyGpuUsd'],
        budgetUsd,
        `is below the capped GPU cost of ${usd(cost.cappedMonthlyUsd)}/month (${parts}); raise the budget or lower gpuLimit / maxSize`,
      );
    }
  }
}

function unknownTypeMessage(name: string): string {
  const family = name.split('.')[0];
  const sizes = GpuInstanceType.all()
    .filter((t) => t.family === family)
    .map((t) => t.name);
  return sizes.length > 0
    ? `is not in the GPU catalog; ${family} sizes are ${sizes.join(', ')}`
    : `is not in the GPU catalog (families: ${[...new Set(GpuInstanceType.all().map((t) => t.family))].join(', ')}); declare it in gpu.customInstanceTypes`;
}
