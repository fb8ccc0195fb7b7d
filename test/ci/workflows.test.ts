import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { registeredForEntryPoints } from '../helpers';
import { copyRepository } from '../tools/repo-copy';

const dir = path.resolve(__dirname, '../../.github/workflows');
type Step = { uses?: string; run?: string; with?: Record<string, unknown>; if?: string };
type Workflow = {
  on: unknown;
  permissions: Record<string, string>;
  jobs: Record<string, { steps: Step[]; environment?: string; strategy?: Record<string, unknown>; needs?: string; 'runs-on'?: string }>;
};
const load = (file: string) => parse(readFileSync(path.join(dir, file), 'utf8')) as Workflow;
const steps = (w: Workflow) => Object.values(w.jobs).flatMap((j) => j.steps);

describe('GitHub workflows', () => {
  const pr = load('pull-request.yml');
  const deploy = load('deploy.yml');
  const pins = load('pins.yml');

  it('check every pin weekly and on pull requests that change one, actions pinned', () => {
    const on = pins.on as { schedule: { cron: string }[]; pull_request: { paths: string[] } };
    expect(on.schedule).toHaveLength(1);
    expect(on.pull_request.paths).toEqual(expect.arrayContaining(['model/pins.ts', 'model/addon-catalog.ts']));
    expect(
      steps(pins)
        .map((st) => st.run ?? '')
        .join('\n'),
    ).toMatch(/npm run pins:check/);
    for (const st of steps(pins).filter((st) => st.uses)) expect(st.uses).toMatch(/@(v\d+\.\d+\.\d+|[0-9a-f]{40})$/);
    expect(pins.permissions).toEqual({ contents: 'read', 'id-token': 'write' });
  });

  it('run Node 22, which the dev dependencies declare (kubernetes-models), on every workflow', () => {
    for (const w of [pr, deploy, pins]) {
      const node = steps(w).find((st) => st.uses?.startsWith('actions/setup-node'));
      expect(node?.with?.['node-version']).toBe('22.12.0');
    }
    const engines = (JSON.parse(readFileSync(path.resolve(__dirname, '../../package.json'), 'utf8')) as { engines: { node: string } })
      .engines.node;
    expect(engines).toBe('>=20.19.0');
  });

  it('pin every action to an exact version', () => {
    for (const s of [...steps(pr), ...steps(deploy)].filter((s) => s.uses)) {
      expect(s.uses).toMatch(/@(v\d+\.\d+\.\d+|[0-9a-f]{40})$/);
    }
  });

  it('on pull requests: test, synth, review against the base branch, comment, upload SARIF', () => {
    const runs = steps(pr)
      .map((s) => s.run ?? '')
      .join('\n');
    expect(runs).toContain('npm ci');
    expect(runs).toContain('npm test');
    expect(runs).toContain('npm run synth');
    expect(runs).toMatch(/npm run review -- --base "origin\/\$\{\{ github\.base_ref \}\}" --out review\.md/);
    const sarif = steps(pr).find((s) => s.uses?.startsWith('github/codeql-action/upload-sarif'))!;
    expect(sarif.with?.sarif_file).toBe('cdktf.out/policy/report.sarif');
    expect(sarif.if).toContain('always()');
    expect(steps(pr).find((s) => s.uses?.startsWith('actions/github-script'))).toBeDefined();
    expect(pr.permissions).toMatchObject({ 'pull-requests': 'write', 'security-events': 'write', contents: 'read' });
  });

  it('deploys with GitHub OIDC, one environment at a time, diff before deploy, each behind its GitHub environment', () => {
    expect(deploy.permissions).toEqual({ contents: 'read', 'id-token': 'write' });
    const job = deploy.jobs.deploy;
    expect(job.environment).toBe('${{ matrix.environment }}');
    expect(job.strategy).toMatchObject({ 'max-parallel': 1, 'fail-fast': true });
    const aws = job.steps.find((s) => s.uses?.startsWith('aws-actions/configure-aws-credentials'))!;
    expect(aws.with?.['role-to-assume']).toBe('${{ vars.AWS_DEPLOY_ROLE_ARN }}');
    expect(JSON.stringify(aws.with)).not.toMatch(/aws-access-key-id|aws-secret-access-key/);
    const runs = job.steps.map((s) => s.run ?? '');
    const synth = runs.findIndex((r) => r.includes('npm run synth -- --env "$GPB_ENV"'));
    const loop = runs.findIndex((r) => r.includes('cdktf diff'));
    expect(synth).toBeGreaterThan(-1);
    expect(loop).toBeGreaterThan(synth);
    // cdktf diff takes one stack: no glob may reach it (it refused 'dev-*').
    for (const r of runs) expect(r).not.toMatch(/cdktf (diff|deploy) [^\n]*\*/);
  });

  it.skipIf(!registeredForEntryPoints('prod'))(
    'plans a runner per environment: GitHub-hosted, or CodeBuild in the VPC for a private endpoint',
    () => {
      const plan = deploy.jobs.plan.steps.find((st) => st.run?.includes('deploy-plan'))!;
      expect(deploy.jobs.deploy).toMatchObject({ needs: 'plan', 'runs-on': '${{ matrix.runsOn }}' });
      const work = mkdtempSync(path.join(tmpdir(), 'gpb-plan-'));
      const output = path.join(work, 'out');
      const exec = (vars: Record<string, string>) =>
        spawnSync('bash', ['-e', '-c', plan.run!], {
          cwd: path.resolve(__dirname, '../..'),
          encoding: 'utf8',
          env: { ...process.env, GITHUB_OUTPUT: output, GITHUB_RUN_ID: '77', GITHUB_RUN_ATTEMPT: '2', ...vars },
        });
      try {
        // prod's endpoint is private: without a runner for it the plan fails, naming the fix
        const refused = exec({ GPB_PRIVATE_RUNNERS: '' });
        expect(refused.status).not.toBe(0);
        expect(refused.stderr).toContain("environment 'prod' has a private cluster endpoint");
        const ok = exec({ GPB_PRIVATE_RUNNERS: '{"prod":"gpb-prod-deploy"}' });
        expect(ok.status, ok.stderr).toBe(0);
        const matrix = JSON.parse(
          readFileSync(output, 'utf8')
            .trim()
            .replace(/^matrix=/, ''),
        ) as { include: { environment: string; runsOn: string }[] };
        expect(matrix.include).toEqual([
          { environment: 'dev', runsOn: 'ubuntu-24.04' },
          { environment: 'staging', runsOn: 'ubuntu-24.04' },
          { environment: 'prod', runsOn: 'codebuild-gpb-prod-deploy-77-2' },
        ]);
      } finally {
        rmSync(work, { recursive: true, force: true });
      }
    },
  );

  it.skipIf(!registeredForEntryPoints('dev'))(
    "runs the deploy job's commands in order: one diff then one deploy per stack, dependencies first",
    () => {
      // The job's own shell, with a recording npx on PATH instead of the cdktf CLI (no AWS here).
      const repo = copyRepository('gpb-deploy-workflow-');
      const bin = path.join(repo, '.fake-bin');
      mkdirSync(bin);
      const log = path.join(repo, 'npx.log');
      writeFileSync(path.join(bin, 'npx'), `#!/bin/sh\necho "$*" >> '${log}'\n`, { mode: 0o755 });
      try {
        const env = { ...process.env, PATH: `${bin}:${process.env.PATH}`, GPB_ENV: 'dev', CHECKPOINT_DISABLE: '1' };
        for (const step of deploy.jobs.deploy.steps.filter((s) => s.run && !s.run.startsWith('npm ci'))) {
          const r = spawnSync('bash', ['-e', '-c', step.run!], { cwd: repo, env, encoding: 'utf8' });
          expect(r.status, `${step.run}\n${r.stderr}`).toBe(0);
        }
        const calls = readFileSync(log, 'utf8').trim().split('\n');
        const order = ['dev-network', 'dev-cluster', 'dev-data', 'dev-platform', 'dev-gpu', 'dev-serving'];
        expect(calls).toEqual(
          order.flatMap((s) => [
            `cdktf diff ${s}`,
            `cdktf deploy ${s} --auto-approve --ignore-missing-stack-dependencies --outputs-file outputs/${s}.json`,
          ]),
        );
      } finally {
        rmSync(repo, { recursive: true, force: true });
      }
    },
  );
});
