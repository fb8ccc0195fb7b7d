import { BlueprintError } from './errors';
import type { GpuInstanceType } from './gpu-instance-type';

/** Hours in an average month (365 * 24 / 12). */
export const HOURS_PER_MONTH = 730;

export interface GpuPricing {
  /** Percent off on-demand (savings plans, EDP). @default 0 */
  readonly discountPercent?: number;
  /** Multiplier for regions priced differently from the catalog's region. @default 1 */
  readonly regionFactor?: number;
  /** Exact hourly prices that replace the catalog's, by instance type. @default {} */
  readonly hourlyUsd?: Readonly<Record<string, number>>;
}

/** The hourly price the environment pays for one instance. */
export function hourlyPrice(type: GpuInstanceType, pricing: GpuPricing = {}): number {
  const base = pricing.hourlyUsd?.[type.name] ?? type.onDemandUsdPerHour * (pricing.regionFactor ?? 1);
  return base * (1 - (pricing.discountPercent ?? 0) / 100);
}

/** Capacity whose cost can be bounded: a pool with a GPU limit or a node group with a size range. */
export interface CostedCapacity {
  readonly name: string;
  readonly instanceTypes: readonly GpuInstanceType[];
  /** GPUs the capacity can reach at most. */
  readonly maxGpus: number;
  /** Instances that run even when idle (Karpenter pools: 0). */
  readonly minInstances: number;
}

export interface CapacityCost {
  readonly name: string;
  readonly maxGpus: number;
  /** What the capacity costs per month doing nothing (minimum instances, cheapest type). */
  readonly idleMonthlyUsd: number;
  /** What it costs per month at its cap, at the cheapest price per GPU among its types. */
  readonly cappedMonthlyUsd: number;
  readonly cheapestPerGpu: string;
}

/**
 * Idle and capped monthly cost. Capped = GPU cap x cheapest hourly price per GPU x 730: the
 * least the cap can cost when fully used (on-demand prices; spot is usually cheaper, so treat
 * it as a ceiling for a spot-first pool only if prices hold).
 */
export function capacityCost(c: CostedCapacity, pricing: GpuPricing = {}): CapacityCost {
  if (c.instanceTypes.length === 0) throw new BlueprintError(`GPU capacity '${c.name}' has no instance types to price`);
  const perGpu = c.instanceTypes.map((t) => ({ t, usd: hourlyPrice(t, pricing) / t.gpus }));
  const cheapest = perGpu.reduce((a, b) => (b.usd < a.usd ? b : a));
  const cheapestInstance = Math.min(...c.instanceTypes.map((t) => hourlyPrice(t, pricing)));
  return {
    name: c.name,
    maxGpus: c.maxGpus,
    idleMonthlyUsd: c.minInstances * cheapestInstance * HOURS_PER_MONTH,
    cappedMonthlyUsd: c.maxGpus * cheapest.usd * HOURS_PER_MONTH,
    cheapestPerGpu: cheapest.t.name,
  };
}

export interface EnvironmentGpuCost {
  readonly capacities: readonly CapacityCost[];
  readonly maxGpus: number;
  readonly idleMonthlyUsd: number;
  readonly cappedMonthlyUsd: number;
}

export function totalCost(capacities: readonly CapacityCost[]): EnvironmentGpuCost {
  return {
    capacities,
    maxGpus: capacities.reduce((s, c) => s + c.maxGpus, 0),
    idleMonthlyUsd: capacities.reduce((s, c) => s + c.idleMonthlyUsd, 0),
    cappedMonthlyUsd: capacities.reduce((s, c) => s + c.cappedMonthlyUsd, 0),
  };
}

export const usd = (n: number): string => `$${Math.round(n).toLocaleString('en-US')}`;
