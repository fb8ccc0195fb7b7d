/**
 * The Terraform tier of `npm test`: real Terraform, offline.
 *
 * 1. Synthesizes every registered environment as users deploy it (S3 backend) and runs
 *    `terraform init -backend=false` and `terraform validate` on every AWS-only stack.
 *    In-cluster stacks cannot be validated (no kubernetes or helm provider offline), but the
 *    literal text they pass to Helm and Kubernetes is checked: Terraform must turn escaped
 *    templates (`$${env:VAR}`, `$${datasource}`) back into exactly the text the collector and
 *    Grafana expect (`terraform console`, no provider needed).
 * 2. Rehearses every AWS-only stack of every environment against one moto_server on 127.0.0.1:
 *    plan (every synthesized resource must be planned for creation), apply what moto can stand
 *    in for (tools/terraform/moto-gaps.ts names the rest), and plan again: only the left-out
 *    resources may remain to create.
 *
 * Where Terraform, the provider mirror or moto is missing it prints a loud SKIPPED line; with
 * GPB_REQUIRE_TERRAFORM=1 (set in CI) a missing prerequisite fails instead.
 */
import { createHash } from 'node:crypto';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { ENVIRONMENTS } from '../environments';
import { runCli, synthesize, type SynthesizedStack } from './synthesize';
import { MOTO_PLAN_ONLY, splitForMoto, unkeptOverrides } from './terraform/moto-gaps';
import { motoAvailable, rehearsalOverride, startMoto } from './terraform/moto-server';
import { missingPrerequisites, TerraformCli, type TerraformResult } from './terraform/terraform-cli';

/** GPB_REHEARSAL_ENVS=dev,staging narrows the rehearsal (default: every registered environment). */
const REHEARSAL_ENVS = process.env.GPB_REHEARSAL_ENVS?.split(',').filter((e) => e.length > 0);
/** GPB_TERRAFORM_ONLY=rehearsal skips validation (to iterate on the rehearsal). */
const ONLY = process.env.GPB_TERRAFORM_ONLY;
const required = process.env.GPB_REQUIRE_TERRAFORM === '1';

interface Check {
  readonly name: string;
  readonly ok: boolean;
  readonly seconds: number;
  readonly detail?: string;
}

runCli(async () => {
  const binary = process.env.GPB_TERRAFORM ?? 'terraform';
  const mirror = process.env.GPB_TF_PLUGIN_MIRROR ?? '/opt/tf-plugins';
  const missing = missingPrerequisites(binary, mirror);
  if (!motoAvailable()) missing.push('moto_server (pip install "moto[server]==5.2.1")');
  if (missing.length > 0) {
    const line = `SKIPPED: Terraform tier did not run. Missing: ${missing.join('; ')}`;
    console.log(`\n${'!'.repeat(line.length)}\n${line}\n${'!'.repeat(line.length)}\n`);
    if (required) {
      console.error('GPB_REQUIRE_TERRAFORM=1: a missing prerequisite fails the tier.');
      process.exitCode = 1;
    }
    return;
  }

  const work = mkdtempSync(path.join(tmpdir(), 'gpb-terraform-tier-'));
  const checks: Check[] = [];
  try {
    const tf = new TerraformCli(binary, mirror, work);
    if (ONLY !== 'rehearsal') validateAll(tf, path.join(work, 'validate'), checks);
    if (ONLY !== 'validate') await rehearse(tf, path.join(work, 'rehearsal'), checks);
  } finally {
    rmSync(work, { recursive: true, force: true });
  }

  const failed = checks.filter((c) => !c.ok);
  console.log('');
  for (const c of checks) console.log(`${c.ok ? 'PASS' : 'FAIL'}  ${c.name}  (${c.seconds.toFixed(1)} s)`);
  for (const c of failed) console.log(`\n--- ${c.name} ---\n${c.detail ?? ''}`);
  console.log(`\nterraform tier: ${checks.length - failed.length} passed, ${failed.length} failed`);
  if (failed.length > 0) process.exitCode = 1;
});

function validateAll(tf: TerraformCli, outdir: string, checks: Check[]): void {
  const { stacks } = synthesize({ outdir, backend: 's3' });
  const awsOnly = stacks.filter(isAwsOnly);
  const others = stacks.filter((s) => !isAwsOnly(s));
  if (others.length > 0) {
    console.log(`not validated here (their providers are not in the offline mirror): ${others.map((s) => s.id).join(', ')}`);
  }
  for (const stack of awsOnly) {
    const init = tf.run(stack.dir, ['init', '-backend=false', '-no-color']);
    if (!record(checks, `init ${stack.id}`, init)) continue;
    const validate = tf.run(stack.dir, ['validate', '-no-color']);
    record(checks, `validate ${stack.id}`, validate);
    process.stdout.write('.');
  }
  literalTemplates(tf, others, path.join(outdir, 'literals'), checks);
  const expected = Object.keys(ENVIRONMENTS).length * 2;
  checks.push({
    name: `every environment's AWS-only stacks validated (${awsOnly.length} of at least ${expected})`,
    ok: awsOnly.length >= expected,
    seconds: 0,
    detail: `stacks: ${stacks.map((s) => s.id).join(', ')}`,
  });
}

/**
 * Every Helm values string and ConfigMap value of the in-cluster stacks that holds escaped
 * templates and no reference: Terraform must evaluate it to the unescaped text.
 */
function literalTemplates(tf: TerraformCli, stacks: readonly SynthesizedStack[], dir: string, checks: Check[]): void {
  const literals: { where: string; text: string }[] = [];
  for (const stack of stacks) {
    const json = JSON.parse(readFileSync(path.join(stack.dir, 'cdk.tf.json'), 'utf8')) as {
      resource?: Record<string, Record<string, Record<string, unknown>>>;
    };
    for (const [type, instances] of Object.entries(json.resource ?? {})) {
      for (const [name, r] of Object.entries(instances)) {
        const texts =
          type === 'helm_release'
            ? ((r.values as string[] | undefined) ?? [])
            : type === 'kubernetes_config_map_v1'
              ? Object.values((r.data as Record<string, string> | undefined) ?? {})
              : [];
        for (const text of texts) {
          if (text.includes('$${') && !/(^|[^$])\$\{/.test(text)) literals.push({ where: `${stack.id} ${type}.${name}`, text });
        }
      }
    }
  }
  mkdirSync(dir, { recursive: true });
  writeFileSync(path.join(dir, 'main.tf.json'), JSON.stringify({ locals: Object.fromEntries(literals.map((l, i) => [`l${i}`, l.text])) }));
  const sha = (s: string) => createHash('sha256').update(s).digest('hex');
  // One expression: console prints only the value of the last line it reads.
  const result = tf.run(dir, ['console', '-no-color'], `join(",", [${literals.map((_l, i) => `sha256(local.l${i})`).join(', ')}])\n`);
  const line = result.output.split('\n').find((l) => /^"[0-9a-f,]+"$/.test(l.trim())) ?? '""';
  const got = line
    .trim()
    .slice(1, -1)
    .split(',')
    .filter((h) => h.length > 0);
  const wrong = literals.filter((l, i) => got[i] !== sha(l.text.replace(/\$\$\{/g, '${').replace(/%%\{/g, '%{')));
  checks.push({
    name: `escaped templates reach Helm and Kubernetes literally (${literals.length} values)`,
    ok: result.ok && literals.length > 0 && got.length === literals.length && wrong.length === 0,
    seconds: result.seconds,
    detail: `${wrong.map((w) => w.where).join('\n')}\n${tail(result.output, 20)}`,
  });
}

async function rehearse(tf: TerraformCli, outdir: string, checks: Check[]): Promise<void> {
  // Every AWS-only stack of every environment, in deploy order. Each environment gets its own
  // moto: moto gives every EKS cluster of a region
  // the same OIDC issuer, so a second cluster in one moto collides where AWS would not. Names
  // that must be unique per account are checked in test/stacks/terraform-conventions.test.ts.
  const envNames = REHEARSAL_ENVS ?? Object.keys(ENVIRONMENTS);
  const stacks = synthesize({ outdir, envNames, backend: 'local' }).stacks.filter(isAwsOnly);
  for (const env of envNames) {
    const moto = await startMoto();
    try {
      const mine = stacks.filter((s) => s.environment === env);
      for (const stack of mine) {
        const json = JSON.parse(readFileSync(path.join(stack.dir, 'cdk.tf.json'), 'utf8')) as Parameters<typeof unkeptOverrides>[0];
        const resources = unkeptOverrides(json);
        const override = { ...rehearsalOverride(moto.endpoint), ...(Object.keys(resources).length > 0 ? { resource: resources } : {}) };
        writeFileSync(path.join(stack.dir, 'zz_rehearsal_override.tf.json'), JSON.stringify(override, null, 2));
      }
      for (const stack of mine) {
        if (!rehearseStack(tf, stack, checks)) break; // later layers read this one's state
      }
    } finally {
      await moto.stop();
    }
  }
}

/**
 * Plan (every synthesized resource to create), apply what moto can stand in for, then plan
 * again: only the resources left out may remain to create, and nothing applied may change.
 */
function rehearseStack(tf: TerraformCli, stack: SynthesizedStack, checks: Check[]): boolean {
  if (!planStack(tf, stack, checks)) return false;
  const planOnly = MOTO_PLAN_ONLY[stack.id];
  if (planOnly) {
    console.log(`rehearsal: ${stack.id} planned, not applied: ${planOnly}`);
    return true;
  }
  const json = JSON.parse(readFileSync(path.join(stack.dir, 'cdk.tf.json'), 'utf8')) as Parameters<typeof splitForMoto>[0];
  const { applied, leftOut } = splitForMoto(json);
  const apply =
    leftOut.size === 0
      ? tf.run(stack.dir, ['apply', '-auto-approve', '-no-color', 'plan.tfplan'])
      : tf.run(stack.dir, ['apply', '-auto-approve', '-no-color', '-compact-warnings', ...applied.map((a) => `-target=${a}`)]);
  const gapTypes = [...new Set([...leftOut.values()].filter((why) => !why.startsWith('depends on')))];
  const applyName = `rehearsal: apply ${stack.id} against moto (${applied.length} of ${applied.length + leftOut.size} resources${leftOut.size > 0 ? `; left out ${leftOut.size}: ${gapTypes.join(', ')}` : ''})`;
  if (!record(checks, applyName, apply)) return false;
  const again = tf.run(stack.dir, ['plan', '-no-color', '-out=again.tfplan']);
  if (!record(checks, `rehearsal: plan ${stack.id} again`, again)) return false;
  const show = tf.run(stack.dir, ['show', '-json', 'again.tfplan']);
  if (!record(checks, `rehearsal: read second plan of ${stack.id}`, show)) return false;
  const changes = ((JSON.parse(show.output) as PlanJson).resource_changes ?? []).filter(
    (r) => r.mode === 'managed' && !r.change.actions.every((a) => a === 'no-op' || a === 'read'),
  );
  const unexpected = changes.filter((r) => !(r.change.actions.length === 1 && r.change.actions[0] === 'create' && leftOut.has(r.address)));
  const missing = [...leftOut.keys()].filter((a) => !changes.some((r) => r.address === a));
  // What changed, in Terraform's own words, for each unexpected change.
  const diff = unexpected.length > 0 ? tf.run(stack.dir, ['show', '-no-color', 'again.tfplan']).output : '';
  const diffOf = (address: string) => diff.split(/\n(?= {2}# )/).find((block) => block.startsWith(`  # ${address} `)) ?? '';
  checks.push({
    name: `rehearsal: ${stack.id} converged (second plan: ${leftOut.size === 0 ? 'no changes' : `only the ${leftOut.size} left-out resources to create`})`,
    ok: unexpected.length === 0 && missing.length === 0,
    seconds: again.seconds,
    detail: [
      ...unexpected.map((r) => `unexpected: ${r.change.actions.join('/')} ${r.address}\n${diffOf(r.address)}`),
      ...missing.map((a) => `not planned: ${a}`),
    ].join('\n'),
  });
  return true;
}

interface PlanJson {
  resource_changes?: { address: string; mode: string; change: { actions: string[] } }[];
}

/** init + plan; then every resource in the synthesized JSON must be planned for creation. */
function planStack(tf: TerraformCli, stack: SynthesizedStack, checks: Check[]): boolean {
  const init = tf.run(stack.dir, ['init', '-no-color']);
  if (!record(checks, `rehearsal: init ${stack.id}`, init)) return false;
  const plan = tf.run(stack.dir, ['plan', '-no-color', '-out=plan.tfplan']);
  if (!record(checks, `rehearsal: plan ${stack.id} against moto`, plan)) return false;
  const show = tf.run(stack.dir, ['show', '-json', 'plan.tfplan']);
  if (!record(checks, `rehearsal: read plan of ${stack.id}`, show)) return false;
  const planned = JSON.parse(show.output) as PlanJson;
  const creates = (planned.resource_changes ?? []).filter((r) => r.mode === 'managed' && r.change.actions.includes('create')).length;
  const ok = creates === stack.resourceCount;
  checks.push({
    name: `rehearsal: ${stack.id} plans all ${stack.resourceCount} synthesized resources (planned ${creates})`,
    ok,
    seconds: 0,
  });
  return ok;
}

function record(checks: Check[], name: string, result: TerraformResult): boolean {
  checks.push({ name, ok: result.ok, seconds: result.seconds, detail: tail(result.output, 80) });
  return result.ok;
}

function isAwsOnly(stack: SynthesizedStack): boolean {
  const json = JSON.parse(readFileSync(path.join(stack.dir, 'cdk.tf.json'), 'utf8')) as {
    terraform?: { required_providers?: Record<string, unknown> };
  };
  const providers = Object.keys(json.terraform?.required_providers ?? {});
  return providers.length > 0 && providers.every((p) => p === 'aws');
}

function tail(text: string, lines: number): string {
  return text.split('\n').slice(-lines).join('\n');
}
