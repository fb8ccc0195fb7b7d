import type { Finding, Rule, RuleContext } from './rule';
import type { StackView } from './stack-view';
import { pathCovers, type Suppression } from './suppressions';

/** Runs every rule over one stack and marks findings covered by a suppression. */
export function evaluateStack(stack: StackView, rules: readonly Rule[], ctx: RuleContext, suppressions: readonly Suppression[]): Finding[] {
  return rules.flatMap((rule) =>
    rule.evaluate(stack, ctx).map((v) => {
      const constructPath = v.resource?.path ?? stack.id;
      const match = suppressions.find((s) => s.ruleId === rule.id && pathCovers(s.pathPrefix, constructPath));
      return {
        ruleId: rule.id,
        severity: rule.severity,
        environment: ctx.environment,
        stack: stack.id,
        address: v.resource?.address ?? stack.id,
        constructPath,
        message: v.message,
        ...(match ? { suppressed: { reason: match.reason, source: match.source } } : {}),
      };
    }),
  );
}

/**
 * Runs the environment-wide rules over all of an environment's stacks. Suppressions are looked
 * up per stack (the stack of the resource a violation names).
 */
export function evaluateEnvironment(
  stacks: readonly StackView[],
  rules: readonly Rule[],
  ctx: RuleContext,
  suppressionsOf: (stackId: string) => readonly Suppression[],
): Finding[] {
  return rules.flatMap((rule) =>
    (rule.evaluateEnvironment?.(stacks, ctx) ?? []).map((v) => {
      const constructPath = v.resource?.path ?? v.stack.id;
      const match = suppressionsOf(v.stack.id).find((s) => s.ruleId === rule.id && pathCovers(s.pathPrefix, constructPath));
      return {
        ruleId: rule.id,
        severity: rule.severity,
        environment: ctx.environment,
        stack: v.stack.id,
        address: v.resource?.address ?? v.stack.id,
        constructPath,
        message: v.message,
        ...(match ? { suppressed: { reason: match.reason, source: match.source } } : {}),
      };
    }),
  );
}

/** Findings that fail synthesis: errors not covered by a suppression. */
export function blocking(findings: readonly Finding[]): Finding[] {
  return findings.filter((f) => f.severity === 'error' && !f.suppressed);
}

/** Suppressions that matched no finding (stale: the problem is gone or the path is wrong). */
export function unusedSuppressions(findings: readonly Finding[], suppressions: readonly Suppression[]): Suppression[] {
  return suppressions.filter(
    (s) => !findings.some((f) => f.ruleId === s.ruleId && f.suppressed && pathCovers(s.pathPrefix, f.constructPath)),
  );
}

export function formatFinding(f: Finding): string {
  const status = f.suppressed ? `suppressed (${f.suppressed.reason})` : f.severity.toUpperCase();
  return `${status} ${f.ruleId} ${f.stack} ${f.address}: ${f.message}`;
}
