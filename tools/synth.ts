import { parseArgs } from 'node:util';
import { usd } from '../model/gpu-cost';
import { BlueprintError } from '../model/errors';
import { backendFromEnv, PolicyError, policySummaryLine, runCli, synthesize, type SynthResult } from './synthesize';

/**
 * `npm run synth [-- --env NAME ...] [--outdir DIR]`: synthesizes the environments into
 * cdktf.out/ (the same output as `npx cdktf synth`) and prints what each stack holds.
 */
runCli(() => {
  let args;
  try {
    args = parseArgs({
      options: {
        env: { type: 'string', multiple: true },
        outdir: { type: 'string', default: 'cdktf.out' },
      },
      strict: true,
    });
  } catch (e) {
    throw new BlueprintError(`${(e as Error).message}\nUsage: npm run synth -- [--env NAME]... [--outdir DIR]`);
  }
  const started = process.hrtime.bigint();
  let result: SynthResult;
  try {
    result = synthesize({ outdir: args.values.outdir, envNames: args.values.env, backend: backendFromEnv() });
  } catch (e) {
    // The output was written; show what it holds before the policy failure.
    if (e instanceof PolicyError) console.log(`${formatSummary(e.result)}\n${formatGpu(e.result)}\n${policySummaryLine(e.result)}`);
    throw e;
  }
  const ms = Number(process.hrtime.bigint() - started) / 1e6;
  console.log(formatSummary(result));
  console.log(formatGpu(result));
  console.log(`Synthesized ${result.stacks.length} stacks into ${result.outdir} in ${(ms / 1000).toFixed(2)} s`);
  console.log(policySummaryLine(result));
});

export function formatSummary(result: SynthResult): string {
  const lines: string[] = [];
  for (const stack of result.stacks) {
    lines.push('', `${stack.id}  (${stack.resourceCount} resources)`);
    const rows = Object.entries(stack.resourcesByType).sort(([a], [b]) => a.localeCompare(b));
    const width = Math.max(...rows.map(([t]) => t.length), 8);
    for (const [type, count] of rows) lines.push(`  ${type.padEnd(width)}  ${String(count).padStart(3)}`);
  }
  return lines.join('\n');
}

/** GPUs (max) and estimated monthly cost (idle / capped) per environment and capacity. */
export function formatGpu(result: SynthResult): string {
  const rows: string[][] = [['environment', 'capacity', 'max GPUs', 'idle/month', 'capped/month', 'budget']];
  for (const env of result.gpu) {
    for (const c of env.capacities) rows.push(['', c.name, String(c.maxGpus), usd(c.idleMonthlyUsd), usd(c.cappedMonthlyUsd), '']);
    rows.push([
      env.environment,
      '(total)',
      String(env.maxGpus),
      usd(env.idleMonthlyUsd),
      usd(env.cappedMonthlyUsd),
      env.budgetUsd === undefined ? '-' : usd(env.budgetUsd),
    ]);
  }
  const widths = rows[0].map((_, i) => Math.max(...rows.map((r) => r[i].length)));
  const line = (r: string[]) => `  ${r.map((c, i) => (i < 2 ? c.padEnd(widths[i]) : c.padStart(widths[i]))).join('  ')}`;
  const planes = result.gpu.map(
    (env) =>
      `  ${env.environment.padEnd(widths[0])}  Kubernetes ${env.controlPlane.kubernetesVersion}, ${env.controlPlane.supportType} support: ${usd(env.controlPlane.monthlyUsd)}/month`,
  );
  return [
    '',
    'GPU capacity and estimated cost (on-demand list prices, docs/gpu.md):',
    ...rows.map(line),
    '',
    'EKS control plane (per cluster hour, docs/deploy.md "Kubernetes versions"):',
    ...planes,
  ].join('\n');
}
