import type { Problem } from './problem';

/**
 * The replica range of a model, written once: the environment schema reports it at
 * `serving.models[i].<field>`, ModelAutoscaling under its prop names.
 */
export function replicaRangeProblems(r: { readonly minReplicas: number; readonly maxReplicas: number }): Problem[] {
  const out: Problem[] = [];
  if (!Number.isInteger(r.minReplicas) || r.minReplicas < 0)
    out.push({ field: ['minReplicas'], value: r.minReplicas, message: 'must be a whole number of at least 0' });
  if (!Number.isInteger(r.maxReplicas) || r.maxReplicas < Math.max(1, r.minReplicas)) {
    out.push({
      field: ['maxReplicas'],
      value: r.maxReplicas,
      message: `must be a whole number >= minReplicas (${r.minReplicas}) and at least 1`,
    });
  }
  return out;
}
