import { GpuInstanceType } from '../gpu-instance-type';
import type { Problem } from './problem';

/** The fields of a GPU pool the rules read, with its instance types resolved (unknown ones undefined). */
export interface GpuPoolRuleInput {
  readonly name: string;
  readonly instanceTypes: readonly (GpuInstanceType | undefined)[];
  readonly capacityTypes: readonly string[];
  readonly capacityReservationIds: readonly string[];
  readonly gpuLimit: number;
  readonly efa: boolean;
  readonly sharing: { readonly mode: string };
  readonly amiFamily: string;
}

/** GPUs whose MIG the GPU operator's MIG manager can partition. */
const MIG_GPUS = ['NVIDIA A100', 'NVIDIA H100', 'NVIDIA H200'];

/**
 * The rules of one Karpenter GPU pool, written once: the environment schema reports them at
 * `gpu.pools[i].<field>`, GpuNodePool under its prop names. Instance types that did not resolve
 * are the caller's to report (the schema names the catalog's sizes).
 */
export function gpuPoolProblems(p: GpuPoolRuleInput): Problem[] {
  const out: Problem[] = [];
  const types = p.instanceTypes.filter((t): t is GpuInstanceType => t !== undefined);
  if (!Number.isInteger(p.gpuLimit) || p.gpuLimit < 1)
    out.push({ field: ['gpuLimit'], value: p.gpuLimit, message: 'must be a positive whole number of GPUs' });
  if (p.instanceTypes.length === 0) out.push({ field: ['instanceTypes'], value: [], message: 'must list at least one instance type' });
  if (p.capacityTypes.length === 0) out.push({ field: ['capacityTypes'], value: [], message: 'must list at least one capacity type' });
  p.instanceTypes.forEach((t, j) => {
    if (t && p.efa && !t.efa) {
      out.push({
        field: ['instanceTypes', j],
        value: t.name,
        message: `does not support EFA, which pool '${p.name}' asks for; use an EFA type (for example ${efaTypes(t.family)}) or set efa: false`,
      });
    }
    if (t && p.sharing.mode === 'mig' && !MIG_GPUS.includes(t.gpuModel.name)) {
      out.push({
        field: ['instanceTypes', j],
        value: t.name,
        message: `has ${t.gpuModel.name} GPUs, which do not support MIG (A100, H100 and H200 do)`,
      });
    }
  });
  const kinds = [...new Set(types.map((t) => t.gpuModel.resourceName))];
  if (kinds.length > 1)
    out.push({
      field: ['instanceTypes'],
      value: types.map((t) => t.name),
      message: `mixes accelerator kinds (${kinds.join(', ')}); use one pool per kind`,
    });
  if (p.capacityTypes.includes('reserved') && p.capacityReservationIds.length === 0) {
    out.push({
      field: ['capacityReservationIds'],
      value: p.capacityReservationIds,
      message: "must list the reservations when capacityTypes includes 'reserved'",
    });
  }
  if (p.capacityReservationIds.length > 0 && !p.capacityTypes.includes('reserved')) {
    out.push({
      field: ['capacityReservationIds'],
      value: p.capacityReservationIds,
      message: "has no effect unless capacityTypes includes 'reserved'",
    });
  }
  if (p.sharing.mode === 'mig' && p.amiFamily !== 'al2023') {
    out.push({
      field: ['sharing'],
      value: p.sharing,
      message: "MIG needs amiFamily 'al2023' (the GPU operator's MIG manager partitions the GPUs)",
    });
  }
  const smallest = Math.min(...types.map((t) => t.gpus));
  if (Number.isInteger(p.gpuLimit) && Number.isFinite(smallest) && p.gpuLimit >= 1 && p.gpuLimit < smallest) {
    out.push({
      field: ['gpuLimit'],
      value: p.gpuLimit,
      message: `is below the ${smallest} GPUs of the smallest instance type; the pool could never launch a node`,
    });
  }
  return out;
}

/** Up to three EFA-capable types, of the same family when it has any. */
function efaTypes(family: string): string {
  const same = GpuInstanceType.all()
    .filter((t) => t.efa && t.family === family)
    .map((t) => t.name);
  return (
    same.length > 0
      ? same
      : GpuInstanceType.all()
          .filter((t) => t.efa)
          .map((t) => t.name)
  )
    .slice(0, 3)
    .join(', ');
}
