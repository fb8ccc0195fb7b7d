import { execFileSync, spawnSync } from 'node:child_process';
import { readFileSync, rmSync, writeFileSync } from 'node:fs';
import * as path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { registeredForEntryPoints } from '../../helpers';
import { copyRepository, TSX } from '../repo-copy';

const REPO = copyRepository('gpb-review-e2e-');

function git(...args: string[]) {
  return execFileSync('git', args, { cwd: REPO, encoding: 'utf8' });
}

function review(...args: string[]) {
  const r = spawnSync(process.execPath, [TSX, 'tools/review-cli.ts', ...args], { cwd: REPO, encoding: 'utf8' });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

beforeAll(() => {
  // given a copy of this repository as its own git repository, with one commit
  git('init', '--quiet', '--initial-branch=main');
  git('-c', 'user.email=t@example.com', '-c', 'user.name=t', 'add', '-A');
  git('-c', 'user.email=t@example.com', '-c', 'user.name=t', 'commit', '--quiet', '-m', 'base');
  // when the working tree raises dev's GPU cap
  const devFile = path.join(REPO, 'environments/dev.ts');
  writeFileSync(devFile, readFileSync(devFile, 'utf8').replace('gpuLimit: 4,', 'gpuLimit: 5,'));
}, 120_000);

afterAll(() => rmSync(REPO, { recursive: true, force: true }));

// The working tree raises dev's cap, and the review builds the registered environments.
describe.skipIf(!registeredForEntryPoints('dev'))('npm run review (end to end, temporary git repository)', () => {
  it('compares HEAD with the working tree and prints the PR comment, with progress on stderr', () => {
    const r = review('--base', 'HEAD');
    expect(r.stderr).toMatch(/review: checking out HEAD \([0-9a-f]{12}\) in a temporary worktree/);
    expect(r.stderr).toMatch(/review: done in/);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/^## Infrastructure review: `HEAD` → `working tree`/);
    expect(r.stdout).toContain('| dev | 0 / 1 / 0 | 0 | 4 → 5 (+1) | $0 | $2,350 → $2,938 (+$588) | $3,000 | 0 / 0 |');
    expect(r.stdout).toContain('`manifest.spec.limits.nvidia.com/gpu` | "4" | "5" |');
    // and leaves no worktree behind
    expect(git('worktree', 'list').trim().split('\n')).toHaveLength(1);
  });

  it('writes JSON to a file', () => {
    const out = path.join(REPO, 'review.json');
    const r = review('--base', 'HEAD', '--json', '--out', out);
    expect(r.code).toBe(0);
    const json = JSON.parse(readFileSync(out, 'utf8'));
    expect(json.environments.find((e: { environment: string }) => e.environment === 'dev').gpu.capacities).toEqual([
      { name: 'dev-l4', gpusBefore: 4, gpusAfter: 5 },
    ]);
  });

  it('compares two existing synth outputs without git', () => {
    const a = path.join(REPO, 'a');
    const b = path.join(REPO, 'b');
    execFileSync(process.execPath, [TSX, 'tools/synth.ts', '--env', 'dev', '--outdir', a], { cwd: REPO });
    execFileSync(process.execPath, [TSX, 'tools/synth.ts', '--env', 'dev', '--outdir', b], { cwd: REPO });
    const r = review('--base-dir', a, '--head-dir', b);
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('No infrastructure changes in any environment.');

    // --identical: the refactor check, byte for byte over every file
    const same = review('--base-dir', a, '--head-dir', b, '--identical');
    expect(same.code).toBe(0);
    expect(same.stdout).toMatch(/^byte-identical: all \d+ files of the synth output match /);
    const stack = path.join(b, 'stacks/dev-gpu/cdk.tf.json');
    writeFileSync(stack, `${readFileSync(stack, 'utf8')} `);
    writeFileSync(path.join(b, 'extra.txt'), 'x');
    const differ = review('--base-dir', a, '--head-dir', b, '--identical');
    expect(differ.code).toBe(1);
    expect(differ.stderr).toContain('2 of');
    expect(differ.stderr).toContain('extra.txt (only in the head)');
    expect(differ.stderr).toContain('stacks/dev-gpu/cdk.tf.json (content differs)');
    expect(differ.stderr).not.toMatch(/\n\s+at /);
  });

  it('fails with a clear message for an unknown ref or missing arguments', () => {
    const bad = review('--base', 'no-such-ref');
    expect(bad.code).toBe(1);
    expect(bad.stderr).toContain("review: 'no-such-ref' is not a commit in this repository");
    expect(bad.stderr).not.toMatch(/\n\s+at /);
    expect(review().stderr).toContain('give exactly one of --base <git-ref> or --base-dir <dir>');
  });
});
