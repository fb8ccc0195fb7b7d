import { run } from '@bufbuild/cel';
import { strings } from '@bufbuild/cel/ext';
import { WORKLOAD_VALIDATIONS, WORKLOAD_VARIABLES } from '../../../constructs/guardrails/workload-admission';

/** Converts a JSON object to CEL input: objects become maps, whole numbers ints. */
function toCel(v: unknown): unknown {
  if (Array.isArray(v)) return v.map(toCel);
  if (v && typeof v === 'object') return new Map(Object.entries(v).map(([k, x]) => [k, toCel(x)]));
  if (typeof v === 'number' && Number.isInteger(v)) return BigInt(v);
  return v;
}

/**
 * Evaluates the in-cluster admission policy the way the API server does (variables in order,
 * then each validation) on a pod (`{ spec }`); returns the names of the validations it fails.
 */
export function admit(pod: object): string[] {
  const object = toCel(pod);
  const variables = new Map<string, unknown>();
  const bindings = () => ({ object, variables }) as never;
  for (const v of WORKLOAD_VARIABLES) variables.set(v.name, run(v.expression, bindings(), { funcs: strings } as never));
  return WORKLOAD_VALIDATIONS.filter((v) => run(v.expression, bindings(), { funcs: strings } as never) !== true).map((v) => v.name);
}
