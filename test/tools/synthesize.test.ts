import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { REFERENCE_ENVIRONMENTS as ENVIRONMENTS } from '../../environments';
import { ConfigError } from '../../environments/validate';
import { backendFromEnv, synthesize } from '../../tools/synthesize';
import { devWith, registeredForEntryPoints } from '../helpers';

const DEV_ENTRY = registeredForEntryPoints('dev');

const ROOT = path.resolve(__dirname, '../..');
const WORK = mkdtempSync(path.join(tmpdir(), 'gpb-synth-test-'));
afterAll(() => rmSync(WORK, { recursive: true, force: true }));

function run(args: string[], env: Record<string, string> = {}) {
  const r = spawnSync(process.execPath, [path.join(ROOT, 'node_modules/tsx/dist/cli.mjs'), ...args], {
    cwd: ROOT,
    encoding: 'utf8',
    env: { ...process.env, ...env },
  });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

describe('synthesize', () => {
  it('writes one directory per <env>-<layer> stack and counts resources by type', () => {
    const outdir = path.join(WORK, 'ok');
    const result = synthesize({ outdir, envNames: ['dev'], registry: ENVIRONMENTS });
    expect(result.stacks.map((s) => s.id)).toEqual(['dev-network', 'dev-cluster', 'dev-data', 'dev-platform', 'dev-gpu', 'dev-serving']);
    const network = result.stacks[0];
    expect(network.resourcesByType.aws_vpc).toBe(1);
    expect(network.resourceCount).toBe(Object.values(network.resourcesByType).reduce((a, b) => a + b, 0));
    expect(existsSync(path.join(outdir, 'manifest.json'))).toBe(true);
    // Grafana dashboards for import: dev scrapes DCGM, vLLM, the gateway and its semantic cache; no Triton.
    const dashboards = path.join(outdir, 'dashboards', 'dev');
    expect(readdirSync(dashboards).sort()).toEqual([
      'gpb-gateway.json',
      'gpb-gpu-fleet.json',
      'gpb-model-serving.json',
      'gpb-semantic-cache.json',
    ]);
    const fleet = JSON.parse(readFileSync(path.join(dashboards, 'gpb-gpu-fleet.json'), 'utf8')) as { uid: string; panels: unknown[] };
    expect(fleet.uid).toBe('gpb-gpu-fleet');
    expect(readFileSync(path.join(dashboards, 'gpb-gpu-fleet.json'), 'utf8')).toContain('"uid": "${datasource}"'); // unescaped in files
  });

  it('fails on bad config before writing anything, leaving an earlier output untouched', () => {
    // given an output directory from an earlier run
    const outdir = path.join(WORK, 'kept');
    mkdirSync(outdir, { recursive: true });
    writeFileSync(path.join(outdir, 'marker'), 'earlier');
    // when one of two environments is invalid
    const registry = { dev: ENVIRONMENTS.dev, broken: devWith({ name: 'broken', network: { cidr: 'nope' } }) };
    // then synthesis throws a ConfigError naming it, and the directory is as it was
    expect(() => synthesize({ outdir, registry })).toThrow(ConfigError);
    expect(() => synthesize({ outdir, registry })).toThrow(/environment 'broken': network\.cidr: 'nope' is not allowed/);
    expect(readFileSync(path.join(outdir, 'marker'), 'utf8')).toBe('earlier');
    expect(existsSync(path.join(outdir, 'stacks'))).toBe(false);
    expect(existsSync(`${outdir}.tmp-${process.pid}`)).toBe(false);
  });

  it('throws when asked for an environment that is not registered', () => {
    expect(() => synthesize({ outdir: path.join(WORK, 'x'), envNames: ['qa'], registry: ENVIRONMENTS })).toThrow(
      /Unknown environment 'qa'; registered environments: 'dev', 'staging', 'prod'/,
    );
  });

  it('reads the backend switch strictly', () => {
    expect(backendFromEnv(undefined)).toBe('s3');
    expect(backendFromEnv('local')).toBe('local');
    expect(() => backendFromEnv('s4')).toThrow(/GPB_BACKEND: 's4' is not allowed: must be 's3' \(default\) or 'local'/);
  });
});

describe('command line', () => {
  it('synthesizes every environment with no terraform binary on PATH (nothing shells out at synth)', () => {
    const outdir = path.join(WORK, 'no-terraform');
    const bin = mkdtempSync(path.join(tmpdir(), 'gpb-empty-path-'));
    const r = run(['tools/synth.ts', '--outdir', outdir], { PATH: bin });
    expect(r.stderr).not.toMatch(/terraform/i);
    expect(r.code).toBe(0);
    rmSync(bin, { recursive: true, force: true });
  });

  it.skipIf(!DEV_ENTRY)('npm run synth prints a resource table per stack', () => {
    const outdir = path.join(WORK, 'cli');
    const r = run(['tools/synth.ts', '--env', 'dev', '--outdir', outdir]);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/^dev-network {2}\(\d+ resources\)$/m);
    expect(r.stdout).toMatch(/^ {2}aws_nat_gateway +1$/m);
    expect(r.stdout).toMatch(/Synthesized 6 stacks/);
    expect(r.stdout).toMatch(/^ {2}dev +\(total\) +4 +\$0 +\$2,350 +\$3,000$/m);
    expect(r.stdout).toMatch(/^Policy: 0 error\(s\)/m);
  });

  it('the cdktf app exits 1 with a one-line reason and no stack trace, writing nothing', () => {
    const outdir = path.join(WORK, 'app-error');
    const r = run(['main.ts'], { GPB_ENV: 'nope', CDKTF_OUTDIR: outdir });
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/Unknown environment 'nope'/);
    expect(r.stderr).not.toMatch(/\n\s+at /);
    expect(existsSync(outdir)).toBe(false);
  });

  it.skipIf(!DEV_ENTRY)('the cdktf app honours CDKTF_OUTDIR and GPB_BACKEND', () => {
    const outdir = path.join(WORK, 'app-ok');
    const r = run(['main.ts'], { GPB_ENV: 'dev', CDKTF_OUTDIR: outdir, GPB_BACKEND: 'local' });
    expect(r.code).toBe(0);
    const json = JSON.parse(readFileSync(path.join(outdir, 'stacks/dev-network/cdk.tf.json'), 'utf8'));
    expect(json.terraform.backend).toHaveProperty('local');
  });
});

describe('compiled entry points (what npm run synth and npx cdktf synth run)', () => {
  it.skipIf(!DEV_ENTRY)('build, synthesize, and fail cleanly on a bad environment name', () => {
    const build = spawnSync('npm', ['run', 'build', '--silent'], { cwd: ROOT, encoding: 'utf8' });
    expect(build.status).toBe(0);
    const outdir = path.join(WORK, 'compiled');
    const ok = spawnSync(process.execPath, ['.build/tools/synth.js', '--env', 'dev', '--outdir', outdir], { cwd: ROOT, encoding: 'utf8' });
    expect(ok.status).toBe(0);
    expect(ok.stdout).toMatch(/^dev-network {2}\(\d+ resources\)$/m);
    const bad = spawnSync(process.execPath, ['.build/main.js'], {
      cwd: ROOT,
      encoding: 'utf8',
      env: { ...process.env, GPB_ENV: 'nope', CDKTF_OUTDIR: path.join(WORK, 'compiled-bad') },
    });
    expect(bad.status).toBe(1);
    expect(bad.stderr).toContain("Unknown environment 'nope'");
    expect(bad.stderr).not.toMatch(/\n\s+at /);
  });
});

describe('the output directory between commands (README: npm run synth, then cdktf diff)', () => {
  it("keeps what Terraform put in a stack's folder and drops other environments' stacks", () => {
    const outdir = path.join(WORK, 'between');
    synthesize({ outdir, registry: ENVIRONMENTS });
    const cluster = path.join(outdir, 'stacks', 'dev-cluster');
    mkdirSync(path.join(cluster, '.terraform', 'providers'), { recursive: true });
    writeFileSync(path.join(cluster, 'terraform.dev-cluster.tfstate'), '{"version":4}');
    writeFileSync(path.join(cluster, 'cdk.tf.json'), 'stale');
    synthesize({ outdir, envNames: ['dev'], registry: ENVIRONMENTS });
    expect(existsSync(path.join(cluster, '.terraform', 'providers'))).toBe(true);
    expect(readFileSync(path.join(cluster, 'terraform.dev-cluster.tfstate'), 'utf8')).toBe('{"version":4}');
    expect(readFileSync(path.join(cluster, 'cdk.tf.json'), 'utf8')).not.toBe('stale');
    expect(readdirSync(path.join(outdir, 'stacks')).sort()).toEqual([
      'dev-cluster',
      'dev-data',
      'dev-gpu',
      'dev-network',
      'dev-platform',
      'dev-serving',
    ]);
  });

  it.skipIf(!DEV_ENTRY)(
    'npx cdktf synth for one environment after npm run synth of all of them (the CLI removes the other stacks itself)',
    () => {
      const outdir = path.join(WORK, 'cdktf-cli');
      synthesize({ outdir, registry: ENVIRONMENTS });
      mkdirSync(path.join(outdir, 'stacks', 'dev-network', '.terraform'), { recursive: true });
      // The CLI lists the stack folders, runs the app, then removes those the app did not
      // write; it failed with "ENOENT ... lstat 'cdktf.out/stacks/prod-cluster'" when
      // synthesis had replaced the whole directory.
      const r = spawnSync(process.execPath, [path.join(ROOT, 'node_modules/cdktf-cli/bundle/bin/cdktf'), 'synth', '--output', outdir], {
        cwd: ROOT,
        encoding: 'utf8',
        env: { ...process.env, GPB_ENV: 'dev', CHECKPOINT_DISABLE: '1', CI: 'true' },
      });
      expect(`${r.stdout}\n${r.stderr}`).not.toMatch(/ENOENT/);
      expect(r.status).toBe(0);
      expect(readdirSync(path.join(outdir, 'stacks')).sort()).toEqual([
        'dev-cluster',
        'dev-data',
        'dev-gpu',
        'dev-network',
        'dev-platform',
        'dev-serving',
      ]);
      expect(existsSync(path.join(outdir, 'stacks', 'dev-network', '.terraform'))).toBe(true);
    },
  );
});
