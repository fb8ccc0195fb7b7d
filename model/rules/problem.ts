import { BlueprintError, show } from '../errors';

/**
 * One problem with one field: written once as a pure rule, reported by the environment schema
 * at the field's path in the environment file and by a construct under its prop name.
 */
export interface Problem {
  /** Path of the field below the checked object, e.g. `['instanceTypes', 1]`. */
  readonly field: readonly (string | number)[];
  /** The value as given. */
  readonly value: unknown;
  /** What is wrong and what is allowed, completing "<field> <value> ...". */
  readonly message: string;
}

/** `instanceTypes[1]`: a field path as a prop name. */
export const propName = (field: readonly (string | number)[]): string =>
  field.map((f, i) => (typeof f === 'number' ? `[${f}]` : i === 0 ? f : `.${f}`)).join('');

/** Throws one BlueprintError naming `who` and every problem, one per line; nothing when there is none. */
export function throwProblems(who: string, problems: readonly Problem[]): void {
  if (problems.length === 0) return;
  throw new BlueprintError(problems.map((p) => `${who}: '${propName(p.field)}' ${show(p.value)} ${p.message}`).join('\n'));
}
