import { existsSync, mkdirSync, readdirSync, readFileSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
import * as path from 'node:path';
import { App } from '../constructs/core/cdktf';
import { BlueprintError } from '../model/errors';
import { ENVIRONMENTS, REGISTRY_CLASHES } from '../environments';
import type { EnvironmentGpuCost } from '../model/gpu-cost';
import { environmentGpuCost } from '../environments/gpu-schema';
import { controlPlaneMonthlyUsd, type SupportType } from '../model/kubernetes-support';
import { defaultClusterName, type EnvironmentConfig, type EnvironmentInput } from '../environments/schema';
import { type ConfigProblem, ConfigError, validateEnvironments } from '../environments/validate';
import { blocking, formatFinding } from '../policies/engine/evaluate';
import { PolicyGate, type PolicyReport } from '../policies/engine/gate';
import type { JsonObject } from '../policies/engine/stack-view';
import { summarize } from '../policies/reports/json-report';
import { REPORT_FILES, writeReports } from '../policies/reports/write-reports';
import { dashboardsFor, grafanaJson } from '../model/telemetry/dashboards';
import { expectedMetricSources } from '../stacks/telemetry-sources';
import { buildEnvironment, stacksInOrder } from '../stacks/environment';
import type { BackendMode, Layer } from '../stacks/layer-stack';

/** GPU capacity and cost per environment, beside the stacks (read by `npm run review`). */
export const GPU_SUMMARY_FILE = 'gpu/summary.json';
/** Grafana dashboards per environment, for import (docs/observability.md). */
export const DASHBOARDS_DIR = 'dashboards';

export interface SynthOptions {
  /** Output directory (cdktf.out); replaced only when synthesis succeeds. */
  readonly outdir: string;
  /** Environments to build. @default - every registered environment */
  readonly envNames?: readonly string[];
  /** @default 's3' */
  readonly backend?: BackendMode;
  /** @default - the registry in environments/index.ts */
  readonly registry?: Readonly<Record<string, EnvironmentInput>>;
}

export interface SynthesizedStack {
  readonly id: string;
  readonly environment: string;
  readonly layer: Layer;
  /** Directory holding cdk.tf.json. */
  readonly dir: string;
  /** Resource count by Terraform resource type. */
  readonly resourcesByType: Readonly<Record<string, number>>;
  readonly resourceCount: number;
}

export interface SynthResult {
  readonly outdir: string;
  readonly stacks: readonly SynthesizedStack[];
  readonly policy: PolicyReport;
  /** GPU capacity and estimated monthly cost per environment. */
  readonly gpu: readonly EnvironmentGpuSummary[];
}

export interface EnvironmentGpuSummary extends EnvironmentGpuCost {
  readonly environment: string;
  readonly budgetUsd?: number;
  /** The EKS control plane: its Kubernetes version, support type and monthly price. */
  readonly controlPlane: { readonly kubernetesVersion: string; readonly supportType: SupportType; readonly monthlyUsd: number };
}

/** Synthesis finished and was written, but policy rules found unsuppressed errors. */
export class PolicyError extends BlueprintError {
  constructor(readonly result: SynthResult) {
    const errors = blocking(result.policy.findings);
    super(
      `Policy check failed: ${errors.length} error finding(s) (reports in ${path.join(result.outdir, 'policy')}):\n` +
        errors.map((f) => `  - ${formatFinding(f)}`).join('\n') +
        '\nFix them, or suppress one with a reason (docs/policies.md).',
    );
    this.name = 'PolicyError';
  }
}

/**
 * Validates the selected environments, builds their stacks, synthesizes them and evaluates the
 * policy rules on every stack's final JSON. A configuration or construct error leaves the output
 * directory as it was. Policy errors fail too (PolicyError), but only after the complete output
 * and the reports (`policy/report.{json,sarif,md}`) are written, so a pull request can show them.
 */
export function synthesize(options: SynthOptions): SynthResult {
  if (!options.registry && REGISTRY_CLASHES.length > 0) {
    throw new BlueprintError(
      `environments/local.ts registers ${REGISTRY_CLASHES.map((n) => `'${n}'`).join(', ')}, which is also a reference environment; rename it or set INCLUDE_REFERENCE_ENVIRONMENTS = false`,
    );
  }
  const registry = options.registry ?? ENVIRONMENTS;
  const selected = selectEnvironments(registry, options.envNames);
  const configs = validateEnvironments(selected);
  const clashes = registryClashes(registry, configs);
  if (clashes.length > 0) throw new ConfigError(clashes);
  const backend = options.backend ?? 's3';

  const outdir = path.resolve(options.outdir);
  const staging = `${outdir}.tmp-${process.pid}`;
  rmSync(staging, { recursive: true, force: true });
  try {
    const app = new App({ outdir: staging, stackTraces: false });
    const gate = PolicyGate.of(app);
    gate.mode = 'collect';
    const built = configs.map((env) => ({ env, stacks: stacksInOrder(buildEnvironment(app, env, backend)) }));
    app.synth();
    // Each stack's JSON is read once: the policy gate and the resource table both use it.
    const written = built.flatMap(({ env, stacks: layerStacks }) =>
      layerStacks.map((s) => {
        const json = JSON.parse(readFileSync(path.join(staging, 'stacks', s.node.id, 'cdk.tf.json'), 'utf8')) as JsonObject;
        gate.evaluateSynthesized(s.node.id, json);
        return { id: s.node.id, environment: env.name, layer: s.layer, json };
      }),
    );
    // Rules about relations between an environment's stacks, once every stack is read.
    for (const { env } of built) gate.evaluateEnvironment(env.name);
    const policy = gate.report();
    writeReports(policy, staging, path.relative(process.cwd(), outdir) || '.');
    const gpu = configs.map((env) => ({
      environment: env.name,
      budgetUsd: env.budget?.monthlyGpuUsd,
      controlPlane: {
        kubernetesVersion: env.cluster.kubernetesVersion,
        supportType: env.cluster.supportType,
        monthlyUsd: controlPlaneMonthlyUsd(env.cluster.supportType),
      },
      ...environmentGpuCost(env.gpu),
    }));
    mkdirSync(path.join(staging, 'gpu'), { recursive: true });
    writeFileSync(path.join(staging, GPU_SUMMARY_FILE), `${JSON.stringify(gpu, null, 2)}\n`);
    for (const env of configs) {
      const dir = path.join(staging, DASHBOARDS_DIR, env.name);
      mkdirSync(dir, { recursive: true });
      for (const d of dashboardsFor(expectedMetricSources(env)))
        writeFileSync(path.join(dir, `${d.uid}.json`), `${JSON.stringify(grafanaJson(d), null, 2)}\n`);
    }
    installOutput(staging, outdir, { removeOtherStacks: process.env.CDKTF_OUTDIR === undefined });
    const stacks = written.map((w) => describeStack(outdir, w.id, w.environment, w.layer, w.json));
    const result = { outdir, stacks, policy, gpu };
    if (blocking(policy.findings).length > 0) throw new PolicyError(result);
    return result;
  } finally {
    rmSync(staging, { recursive: true, force: true });
  }
}

/**
 * Moves a complete synthesis from `staging` into `outdir`. Everything synthesis writes is
 * replaced; what Terraform keeps in a stack's folder (`.terraform`, the lock file, a local
 * backend's state, plan files) stays, so `npm run synth` between two `cdktf diff`s does not
 * wipe a stack's providers or local state. Stack folders of environments not synthesized this
 * time are removed, as `cdktf synth` does; under the cdktf CLI (which sets CDKTF_OUTDIR) they
 * are left for the CLI, which lists them before it runs the app and removes them itself after
 * (it fails with ENOENT when they are gone already).
 */
export function installOutput(staging: string, outdir: string, options: { readonly removeOtherStacks: boolean }): void {
  mkdirSync(outdir, { recursive: true });
  const replace = (from: string, to: string) => {
    rmSync(to, { recursive: true, force: true });
    renameSync(from, to);
  };
  for (const entry of readdirSync(staging)) {
    if (entry !== 'stacks') replace(path.join(staging, entry), path.join(outdir, entry));
  }
  const stagedStacks = path.join(staging, 'stacks');
  const stacksDir = path.join(outdir, 'stacks');
  const fresh = existsSync(stagedStacks) ? readdirSync(stagedStacks) : [];
  if (existsSync(stacksDir) && !statSync(stacksDir).isDirectory()) rmSync(stacksDir, { force: true });
  mkdirSync(stacksDir, { recursive: true });
  for (const id of fresh) {
    const target = path.join(stacksDir, id);
    if (!existsSync(target)) {
      renameSync(path.join(stagedStacks, id), target);
      continue;
    }
    for (const entry of readdirSync(path.join(stagedStacks, id))) replace(path.join(stagedStacks, id, entry), path.join(target, entry));
  }
  if (options.removeOtherStacks) {
    for (const id of readdirSync(stacksDir)) {
      if (!fresh.includes(id)) rmSync(path.join(stacksDir, id), { recursive: true, force: true });
    }
  }
}

/**
 * Cluster names that an environment being synthesized shares with another registered one in
 * the same region (the rule validateEnvironments applies among those it validates), whether or
 * not that one is synthesized now:
 * deploying both would fight over one cluster. Read from the other's raw input, so a broken
 * sibling does not block this check.
 */
function registryClashes(registry: Readonly<Record<string, EnvironmentInput>>, configs: readonly EnvironmentConfig[]): ConfigProblem[] {
  const problems: ConfigProblem[] = [];
  for (const c of configs) {
    for (const [key, other] of Object.entries(registry)) {
      if (key === c.name || configs.some((x) => x.name === key)) continue; // validateEnvironments compared those
      const input = other as { name?: unknown; region?: unknown; cluster?: { name?: unknown } };
      const name = input.cluster?.name ?? defaultClusterName(String(input.name ?? key));
      if (name === c.cluster.name && input.region === c.region) {
        problems.push({
          environment: c.name,
          path: 'cluster.name',
          value: c.cluster.name,
          allowed: `must differ from environment '${key}' in the same region (registered, though not synthesized now)`,
        });
      }
    }
  }
  return problems;
}

function selectEnvironments(
  registry: Readonly<Record<string, EnvironmentInput>>,
  names: readonly string[] | undefined,
): Record<string, EnvironmentInput> {
  if (!names || names.length === 0) return { ...registry };
  const unknown = names.filter((n) => !(n in registry));
  if (unknown.length > 0) {
    throw new BlueprintError(
      `Unknown environment ${unknown.map((n) => `'${n}'`).join(', ')}; registered environments: ${Object.keys(registry)
        .map((n) => `'${n}'`)
        .join(', ')} (environments/index.ts and environments/local.ts)`,
    );
  }
  return Object.fromEntries(names.map((n) => [n, registry[n]]));
}

function describeStack(outdir: string, id: string, environment: string, layer: Layer, json: JsonObject): SynthesizedStack {
  const dir = path.join(outdir, 'stacks', id);
  const resourcesByType: Record<string, number> = {};
  let resourceCount = 0;
  for (const [type, instances] of Object.entries((json.resource ?? {}) as Record<string, Record<string, unknown>>)) {
    resourcesByType[type] = Object.keys(instances).length;
    resourceCount += resourcesByType[type];
  }
  return { id, environment, layer, dir, resourcesByType, resourceCount };
}

/** One line on the policy outcome, for the command line. */
export function policySummaryLine(result: SynthResult): string {
  const s = summarize(result.policy);
  return `Policy: ${s.errors} error(s), ${s.warnings} warning(s), ${s.suppressed} suppressed, ${s.unusedSuppressions} unused suppression(s) -> ${path.join(result.outdir, REPORT_FILES.markdown)}`;
}

/** Reads the backend switch: GPB_BACKEND=local for offline rehearsal, s3 (default) otherwise. */
export function backendFromEnv(value = process.env.GPB_BACKEND): BackendMode {
  if (value === undefined || value === '' || value === 's3') return 's3';
  if (value === 'local') return 'local';
  throw new BlueprintError(`GPB_BACKEND: '${value}' is not allowed: must be 's3' (default) or 'local'`);
}

/** Runs an entry point: user errors print their message alone and exit 1; bugs keep their stack. */
export function runCli(main: () => void | Promise<void>): void {
  Promise.resolve()
    .then(main)
    .catch((err: unknown) => {
      if (err instanceof BlueprintError) {
        console.error(`\n${err.message}\n`);
      } else if (err instanceof Error && /^Validation failed/.test(err.message)) {
        console.error(`\n${err.message}\n`);
      } else {
        console.error(err);
      }
      process.exitCode = 1;
    });
}
