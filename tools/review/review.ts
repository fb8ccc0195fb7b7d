import type { Finding } from '../../policies/engine/rule';
import type { EnvironmentGpuSummary } from '../synthesize';
import { diffOutputs, type StackDiff } from './diff';
import type { SynthOutput } from './synth-output';

export interface CapacityDelta {
  readonly name: string;
  readonly gpusBefore: number;
  readonly gpusAfter: number;
}

export interface EnvironmentReview {
  readonly environment: string;
  readonly status: 'added' | 'removed' | 'changed' | 'unchanged';
  readonly stacks: readonly StackDiff[];
  readonly counts: { readonly added: number; readonly changed: number; readonly removed: number; readonly replaced: number };
  /** Removals and replacements of stateful or disruptive resources. */
  readonly disruptive: readonly {
    stack: string;
    address: string;
    what: string;
    how: 'destroyed' | 'replaced';
    because: readonly string[];
  }[];
  readonly gpu: {
    readonly before?: EnvironmentGpuSummary;
    readonly after?: EnvironmentGpuSummary;
    readonly capacities: readonly CapacityDelta[];
  };
  readonly policy: { readonly new: readonly Finding[]; readonly fixed: readonly Finding[] };
}

export interface Review {
  readonly base: string;
  readonly head: string;
  readonly environments: readonly EnvironmentReview[];
}

/** Everything a reviewer needs from two synth outputs, per environment. */
export function buildReview(base: SynthOutput, head: SynthOutput, labels: { base: string; head: string }): Review {
  const stacks = diffOutputs(base, head);
  const envNames = [...new Set(stacks.map((s) => s.environment))];
  return {
    ...labels,
    environments: envNames.map((env) =>
      environmentReview(
        env,
        stacks.filter((s) => s.environment === env),
        base,
        head,
      ),
    ),
  };
}

function environmentReview(environment: string, stacks: StackDiff[], base: SynthOutput, head: SynthOutput): EnvironmentReview {
  const all = stacks.flatMap((s) => s.changes.map((c) => ({ stack: s.id, c })));
  const disruptive = all
    .filter(({ c }) => c.disruption && (c.kind === 'removed' || c.replacedBecause.length > 0))
    .map(({ stack, c }) => ({
      stack,
      address: c.address,
      what: c.disruption!,
      how: c.kind === 'removed' ? ('destroyed' as const) : ('replaced' as const),
      because: c.replacedBecause,
    }));
  const before = base.gpu?.find((g) => g.environment === environment);
  const after = head.gpu?.find((g) => g.environment === environment);
  const capacityNames = [...new Set([...(before?.capacities ?? []), ...(after?.capacities ?? [])].map((c) => c.name))];
  const key = (f: Finding) => `${f.ruleId}|${f.stack}|${f.address}|${f.message}`;
  const active = (fs: readonly Finding[] | undefined) => (fs ?? []).filter((f) => f.environment === environment && !f.suppressed);
  const baseKeys = new Set(active(base.findings).map(key));
  const headKeys = new Set(active(head.findings).map(key));
  const statuses = new Set(stacks.map((s) => s.status));
  return {
    environment,
    status:
      statuses.size === 1 && (statuses.has('added') || statuses.has('removed'))
        ? [...statuses][0]
        : stacks.some((s) => s.status !== 'unchanged')
          ? 'changed'
          : 'unchanged',
    stacks,
    counts: {
      added: all.filter(({ c }) => c.kind === 'added').length,
      changed: all.filter(({ c }) => c.kind === 'changed').length,
      removed: all.filter(({ c }) => c.kind === 'removed').length,
      replaced: all.filter(({ c }) => c.replacedBecause.length > 0).length,
    },
    disruptive,
    gpu: {
      before,
      after,
      capacities: capacityNames.map((name) => ({
        name,
        gpusBefore: before?.capacities.find((c) => c.name === name)?.maxGpus ?? 0,
        gpusAfter: after?.capacities.find((c) => c.name === name)?.maxGpus ?? 0,
      })),
    },
    policy: {
      new: active(head.findings).filter((f) => !baseKeys.has(key(f))),
      fixed: active(base.findings).filter((f) => !headKeys.has(key(f))),
    },
  };
}
