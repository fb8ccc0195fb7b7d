/**
 * The shape of a policy rule and of what it finds. Rules read a stack's final synthesized JSON
 * (after aspects and escape hatches), so nothing an `addOverride` does can hide from them.
 */
import type { ResourceView, StackView } from './stack-view';

export type Severity = 'error' | 'warning';

/** Rule packs, by what they protect. */
export type RulePack = 'aws' | 'kubernetes' | 'platform' | 'cost';

/** What a rule knows about the environment whose stack it reads. */
export interface RuleContext {
  readonly environment: string;
  readonly stage: 'dev' | 'staging' | 'prod';
  /** The environment's monthly GPU budget in USD, when set. */
  readonly monthlyGpuBudgetUsd?: number;
}

export interface Violation {
  /** The offending resource; absent for findings about the stack as a whole. */
  readonly resource?: ResourceView;
  /** What is wrong, with the values involved. */
  readonly message: string;
}

export interface Rule {
  /** Stable id, e.g. `GPB-AWS-001`. Never reused for another check. */
  readonly id: string;
  readonly pack: RulePack;
  readonly severity: Severity;
  readonly title: string;
  /** Why it matters. */
  readonly rationale: string;
  /** How to fix it. */
  readonly remediation: string;
  /** The matching checkov check, where one exists. */
  readonly checkov?: string;
  evaluate(stack: StackView, ctx: RuleContext): Violation[];
  /**
   * For rules about relations across an environment's stacks (one Pod Identity association per
   * service account, a role in the data layer matching a server in the serving layer): all of
   * the environment's stacks at once. Each violation names the stack its resource is in.
   */
  evaluateEnvironment?(stacks: readonly StackView[], ctx: RuleContext): EnvironmentViolation[];
}

/** A violation found by looking at several stacks: the stack its resource belongs to. */
export interface EnvironmentViolation extends Violation {
  readonly stack: StackView;
}

export type RuleSpec = Omit<Rule, 'evaluate' | 'evaluateEnvironment'>;

/**
 * A rule that looks at each resource of the given types on its own. `check` returns the
 * problems of one resource as messages (none: an empty array or undefined).
 */
export function resourceRule(
  spec: RuleSpec & {
    readonly types: readonly string[];
    check(resource: ResourceView, ctx: RuleContext): string | readonly string[] | undefined;
  },
): Rule {
  const { types, check, ...meta } = spec;
  return {
    ...meta,
    evaluate(stack, ctx) {
      return types.flatMap((type) =>
        stack.resourcesOf(type).flatMap((resource) => {
          const out = check(resource, ctx);
          const messages = out === undefined ? [] : typeof out === 'string' ? [out] : out;
          return messages.map((message) => ({ resource, message }));
        }),
      );
    },
  };
}

/** A rule over the whole stack (relations between resources). */
export function stackRule(spec: RuleSpec & { evaluate(stack: StackView, ctx: RuleContext): Violation[] }): Rule {
  return spec;
}

/** A rule over all stacks of an environment (relations between layers). */
export function environmentRule(
  spec: RuleSpec & { evaluateEnvironment(stacks: readonly StackView[], ctx: RuleContext): EnvironmentViolation[] },
): Rule {
  return { ...spec, evaluate: () => [] };
}

/** One finding of one rule, as reported. */
export interface Finding {
  readonly ruleId: string;
  readonly severity: Severity;
  readonly environment: string;
  readonly stack: string;
  /** Terraform address, e.g. `aws_vpc.Network_4E4B6D0A`; the stack id for stack-level findings. */
  readonly address: string;
  /** Construct path, e.g. `dev-network/Network/Resource`. */
  readonly constructPath: string;
  readonly message: string;
  /** Present when a suppression covers the finding: it is reported, but does not fail synth. */
  readonly suppressed?: { readonly reason: string; readonly source: string };
}
