import type { IConstruct } from 'constructs';
import { BlueprintError } from '../../model/errors';

/** A decision to accept a rule's findings somewhere, with the reason on record. */
export interface Suppression {
  readonly ruleId: string;
  readonly reason: string;
  /** Construct path prefix the suppression covers, e.g. `dev-network/Endpoints`. */
  readonly pathPrefix: string;
  /** Where it was declared, for the report: `construct` or `environment <name>`. */
  readonly source: string;
}

export const MIN_REASON_LENGTH = 10;

const declared = new WeakMap<IConstruct, { ruleId: string; reason: string }[]>();

/**
 * Suppresses a rule for a construct and everything below it. Findings are still reported, as
 * suppressed, with the reason. Throws for an unknown rule or a reason shorter than 10 characters.
 */
export function suppress(scope: IConstruct, ruleId: string, reason: string, knownRules: ReadonlySet<string>): void {
  checkSuppression(ruleId, reason, knownRules, `suppression on '${scope.node.path}'`);
  declared.set(scope, [...(declared.get(scope) ?? []), { ruleId, reason }]);
}

export function checkSuppression(ruleId: string, reason: string, knownRules: ReadonlySet<string>, where: string): void {
  if (!knownRules.has(ruleId)) {
    throw new BlueprintError(`${where}: rule '${ruleId}' does not exist; see docs/policies.md for rule ids`);
  }
  if (reason.trim().length < MIN_REASON_LENGTH) {
    throw new BlueprintError(
      `${where}: reason '${reason}' for ${ruleId} is too short: say why in at least ${MIN_REASON_LENGTH} characters`,
    );
  }
}

/** Suppressions declared on constructs in `root`'s subtree. */
export function constructSuppressions(root: IConstruct): Suppression[] {
  return root.node.findAll().flatMap((c) => (declared.get(c) ?? []).map((s) => ({ ...s, pathPrefix: c.node.path, source: 'construct' })));
}

/** True when `path` is `prefix` or below it. */
export function pathCovers(prefix: string, path: string): boolean {
  return path === prefix || path.startsWith(`${prefix}/`);
}
