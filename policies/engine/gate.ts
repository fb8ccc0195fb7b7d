import { Construct, type IConstruct } from 'constructs';
import type { TerraformStack } from '../../constructs/core/cdktf';
import { ALL_RULES } from '../index';
import { blocking, evaluateEnvironment, evaluateStack, formatFinding, unusedSuppressions } from './evaluate';
import type { Finding, Rule, RuleContext } from './rule';
import { type JsonObject, StackView } from './stack-view';
import { constructSuppressions, type Suppression } from './suppressions';

/**
 * `enforce`: a stack with an unsuppressed error finding fails its validation, so a plain
 * `app.synth()` throws. `collect`: findings are only recorded; the caller (tools/synthesize.ts)
 * writes the reports first and then fails.
 */
export type GateMode = 'enforce' | 'collect';

export interface PolicyReport {
  /** Environments whose stacks were evaluated. */
  readonly environments: readonly string[];
  readonly rules: readonly Rule[];
  readonly findings: readonly Finding[];
  readonly unusedSuppressions: readonly Suppression[];
}

/**
 * Evaluates the policy rules on every attached stack's final Terraform JSON during synthesis
 * (as a construct validation, after aspects and escape hatches). One gate per app.
 */
export class PolicyGate extends Construct {
  static of(scope: IConstruct): PolicyGate {
    const root = scope.node.root;
    const existing = root.node.tryFindChild(PolicyGate.ID);
    return existing instanceof PolicyGate ? existing : new PolicyGate(root as Construct, PolicyGate.ID);
  }

  private static readonly ID = 'PolicyGate';

  mode: GateMode = 'enforce';
  readonly rules: readonly Rule[] = ALL_RULES;
  private readonly results = new Map<string, { environment: string; findings: Finding[]; suppressions: Suppression[]; view: StackView }>();
  /** Findings of the environment-wide rules, per environment. */
  private readonly environmentResults = new Map<string, Finding[]>();
  private readonly attached = new Map<string, { stack: TerraformStack; ctx: RuleContext; configSuppressions: readonly Suppression[] }>();

  private constructor(scope: Construct, id: string) {
    super(scope, id);
  }

  /**
   * Checks `stack` at synthesis, in the context of its environment. In `enforce` mode a
   * validation evaluates the stack's final JSON and fails synthesis on an error; in `collect`
   * mode the caller evaluates the written JSON with {@link evaluateSynthesized} instead, so the
   * stack is resolved once, not twice.
   */
  attach(stack: TerraformStack, ctx: RuleContext, configSuppressions: readonly Suppression[] = []): void {
    this.attached.set(stack.node.id, { stack, ctx, configSuppressions });
    stack.node.addValidation({
      validate: () => {
        if (this.mode === 'collect') return [];
        const findings = this.evaluateSynthesized(stack.node.id, stack.toTerraform() as JsonObject);
        const across = this.evaluateEnvironment(ctx.environment).filter((f) => f.stack === stack.node.id);
        return blocking([...findings, ...across]).map(formatFinding);
      },
    });
  }

  /** Evaluates an attached stack's synthesized JSON and records the findings. */
  evaluateSynthesized(stackId: string, json: JsonObject): Finding[] {
    const entry = this.attached.get(stackId);
    if (!entry) throw new Error(`stack '${stackId}' is not attached to the policy gate`);
    const suppressions = [...constructSuppressions(entry.stack), ...entry.configSuppressions];
    const view = new StackView(stackId, json);
    const findings = evaluateStack(view, this.rules, entry.ctx, suppressions);
    this.results.set(stackId, { environment: entry.ctx.environment, findings, suppressions, view });
    return findings;
  }

  /**
   * Runs the environment-wide rules over every attached stack of `environment` (once; later
   * calls return the same findings). A stack not yet evaluated is resolved here (enforce mode,
   * where each stack's validation runs on its own); in collect mode the caller evaluates every
   * written stack first.
   */
  evaluateEnvironment(environment: string): Finding[] {
    const cached = this.environmentResults.get(environment);
    if (cached) return cached;
    const entries = [...this.attached.entries()].filter(([, e]) => e.ctx.environment === environment);
    if (entries.length === 0) return [];
    const views = entries.map(([id, e]) => this.results.get(id)?.view ?? new StackView(id, e.stack.toTerraform() as JsonObject));
    const suppressionsOf = (id: string) => {
      const e = this.attached.get(id);
      return e ? [...constructSuppressions(e.stack), ...e.configSuppressions] : [];
    };
    const findings = evaluateEnvironment(views, this.rules, entries[0][1].ctx, suppressionsOf);
    this.environmentResults.set(environment, findings);
    return findings;
  }

  /** What the last synthesis found, across all attached stacks. */
  report(): PolicyReport {
    const all = [...this.results.values()];
    const findings = [...all.flatMap((r) => r.findings), ...[...this.environmentResults.values()].flat()];
    return {
      environments: [...new Set(all.map((r) => r.environment))],
      rules: this.rules,
      findings,
      unusedSuppressions: unusedSuppressions(
        findings,
        all.flatMap((r) => r.suppressions),
      ),
    };
  }
}
