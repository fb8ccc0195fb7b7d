import type { Rule } from './engine/rule';
import { AWS_COMPUTE_RULES } from './rules/aws/compute';
import { AWS_ENCRYPTION_RULES } from './rules/aws/encryption';
import { AWS_IAM_RULES } from './rules/aws/iam';
import { AWS_LOGGING_RULES } from './rules/aws/logging';
import { AWS_NETWORK_RULES } from './rules/aws/network';
import { AWS_RESILIENCE_RULES } from './rules/aws/resilience';
import { AWS_STORAGE_RULES } from './rules/aws/storage';
import { COST_RULES } from './rules/cost/cost';
import { CHART_SECURITY_RULES } from './rules/kubernetes/chart-security';
import { KUBERNETES_CLUSTER_RULES } from './rules/kubernetes/cluster-objects';
import { KUBERNETES_WORKLOAD_RULES } from './rules/kubernetes/workloads';
import { ACROSS_STACK_RULES } from './rules/platform/across-stacks';
import { PLATFORM_RULES } from './rules/platform/platform';

/** Every rule the blueprint evaluates, in report order. */
export const ALL_RULES: readonly Rule[] = [
  ...AWS_ENCRYPTION_RULES,
  ...AWS_NETWORK_RULES,
  ...AWS_IAM_RULES,
  ...AWS_LOGGING_RULES,
  ...AWS_COMPUTE_RULES,
  ...AWS_STORAGE_RULES,
  ...AWS_RESILIENCE_RULES,
  ...KUBERNETES_WORKLOAD_RULES,
  ...KUBERNETES_CLUSTER_RULES,
  ...CHART_SECURITY_RULES,
  ...PLATFORM_RULES,
  ...ACROSS_STACK_RULES,
  ...COST_RULES,
];

export const RULE_IDS: ReadonlySet<string> = new Set(ALL_RULES.map((r) => r.id));

export function findRule(id: string): Rule | undefined {
  return ALL_RULES.find((r) => r.id === id);
}
