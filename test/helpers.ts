import { ENVIRONMENTS as DEFAULT_REGISTRY } from '../environments';
import { Testing, TerraformStack } from '../constructs/core/cdktf';
import type { Construct } from 'constructs';
import { AwsProvider } from '@cdktf/provider-aws/lib/provider';
import type { KubernetesVersion } from '../model/addon-catalog';
import { EksCluster } from '../constructs/cluster/eks-cluster';
import devInput from '../environments/dev';
import type { EnvironmentConfig, EnvironmentInput } from '../environments/schema';
import { checkEnvironment } from '../environments/validate';

/** Synthesized Terraform JSON of one stack. */
export interface TfJson {
  '//'?: unknown;
  terraform?: Record<string, unknown> & { backend?: Record<string, Record<string, unknown>> };
  provider?: Record<string, Record<string, unknown>[]>;
  resource?: Record<string, Record<string, Record<string, unknown>>>;
  data?: Record<string, Record<string, Record<string, unknown>>>;
  output?: Record<string, { value: unknown; sensitive?: boolean }>;
}

export function synthJson(stack: TerraformStack): TfJson {
  return JSON.parse(Testing.synth(stack)) as TfJson;
}

/** A stack with an AWS provider, for constructs under test. */
export function testStack(): TerraformStack {
  const app = Testing.app();
  const stack = new TerraformStack(app, 'test');
  new AwsProvider(stack, 'aws', { region: 'us-west-2' });
  return stack;
}

/** Builds constructs into a fresh stack and returns its synthesized JSON. */
export function synthWith(build: (scope: Construct) => void): TfJson {
  const stack = testStack();
  build(stack);
  return synthJson(stack);
}

/** All instances of a resource type, in synthesis order. */
export function resourcesOf(json: TfJson, type: string): Record<string, unknown>[] {
  return Object.values(json.resource?.[type] ?? {});
}

/** The single instance of a resource type; fails when there is not exactly one. */
export function onlyResource(json: TfJson, type: string): Record<string, unknown> {
  const all = resourcesOf(json, type);
  if (all.length !== 1) throw new Error(`expected exactly one ${type}, found ${all.length}`);
  return all[0];
}

/** Parses a JSON policy document attribute. */
export function policyOf(
  resource: Record<string, unknown>,
  attribute = 'policy',
): {
  Statement: Record<string, unknown>[];
} {
  return JSON.parse(resource[attribute] as string) as { Statement: Record<string, unknown>[] };
}

/** Deep-merges `patch` onto `base`; arrays and scalars in patch replace; `null` removes a key. */
export function merge<T>(base: T, patch: unknown): T {
  if (patch === undefined) return base;
  if (
    typeof base !== 'object' ||
    base === null ||
    Array.isArray(base) ||
    typeof patch !== 'object' ||
    patch === null ||
    Array.isArray(patch)
  ) {
    return patch as T;
  }
  const out: Record<string, unknown> = { ...(base as Record<string, unknown>) };
  for (const [k, v] of Object.entries(patch as Record<string, unknown>)) {
    if (v === null) delete out[k];
    else out[k] = merge((base as Record<string, unknown>)[k], v);
  }
  return out as T;
}

/** The dev environment with a patch applied, as input (not yet validated). */
export function devWith(patch: unknown): EnvironmentInput {
  return merge(structuredClone(devInput), patch);
}

/**
 * A serving patch removing dev's semantic cache and tenants, for tests that replace dev's models
 * (its embedding model among them) or want no gateway at all.
 */
export const BARE_GATEWAY = { gateway: { semanticCache: null, tenants: [] } } as const;

/**
 * The dev environment moved to stage prod with everything prod requires except what a test
 * wants to fail on: its API endpoint stays public (policy GPB-AWS-013 fires).
 */
/**
 * Keeps a prod-stage public endpoint past validation (the rule is suppressed in the cluster
 * layer) while the policy gate still fails it: the suppression names another construct.
 */
export const MISSCOPED_ENDPOINT_SUPPRESSION = {
  suppressions: [{ rule: 'GPB-AWS-013', path: 'cluster/NotTheCluster', reason: 'scoped to the wrong construct on purpose (test)' }],
};

export function prodLikeDev(patch: Record<string, unknown> = {}): EnvironmentInput {
  return devWith({
    stage: 'prod',
    network: { flowLogs: { retentionDays: 365 } },
    cluster: { logRetentionDays: 365 },
    data: { vectorStore: { replicas: 3 }, cache: { replicas: 1 } },
    observability: { logs: { retentionDays: 365 }, alerts: { emails: ['oncall@example.com'] } },
    serving: {
      gateway: { replicas: 2 },
      autoscaling: { scaleToZero: false },
      models: [
        { name: 'llama-8b', pool: 'dev-l4', parametersBillions: 8, dtype: 'bf16', minReplicas: 1, maxReplicas: 2 },
        { name: 'bge-m3', task: 'embed', pool: 'dev-l4', parametersBillions: 0.57, dtype: 'fp16', minReplicas: 1, maxReplicas: 1 },
      ],
    },
    ...patch,
  });
}

/** Validates an environment input; fails the test with the problems if it is invalid. */
export function validEnv(input: EnvironmentInput = devInput): EnvironmentConfig {
  const checked = checkEnvironment(input, input.name);
  if (Array.isArray(checked)) throw new Error(`invalid test environment: ${JSON.stringify(checked)}`);
  return checked;
}

/** A small EKS cluster for constructs that need one (`gpb-test`, Kubernetes 1.33 unless given). */
export function testCluster(scope: Construct, kubernetesVersion: KubernetesVersion = '1.33'): EksCluster {
  return new EksCluster(scope, 'Cluster', {
    clusterName: 'gpb-test',
    kubernetesVersion,
    subnetIds: ['subnet-a', 'subnet-b'],
    logRetentionDays: 30,
    logsKey: { keyArn: 'arn:aws:kms:us-west-2:111122223333:key/logs' },
  });
}

/**
 * For tests that run the real entry points (npm run synth, the cdktf app, the CLI), which build
 * the registry environments/index.ts exports: true when `name` is registered there. A fork that
 * sets INCLUDE_REFERENCE_ENVIRONMENTS = false skips them, saying so; its own environments are
 * tested by test/stacks/local-environments.test.ts.
 */
export function registeredForEntryPoints(name: string): boolean {
  const registered = name in DEFAULT_REGISTRY;
  if (!registered)
    console.warn(
      `SKIPPED: entry-point tests that build '${name}': it is not registered (INCLUDE_REFERENCE_ENVIRONMENTS = false in environments/local.ts)`,
    );
  return registered;
}
