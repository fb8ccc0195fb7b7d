import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import * as path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { copyRepository, TSX } from './repo-copy';

/**
 * The fork owner's life, in a temporary git repository: fork, add an environment with
 * new-env, run the suite npm test runs, then merge an upstream change to a default and run it
 * again. The Terraform tier (the last part of npm test) is left out here: it rehearses AWS
 * stacks against moto for about 15 minutes and is run by npm test itself.
 */

const NESTED = process.env.GPB_FORK_SIMULATION === '1';
const ANSI = new RegExp(`${String.fromCharCode(27)}\\[[0-9;]*m`, 'g');
const REPO = NESTED ? '' : copyRepository('gpb-fork-');
afterAll(() => {
  if (REPO) rmSync(REPO, { recursive: true, force: true });
});

const git = (...args: string[]) =>
  execFileSync('git', ['-c', 'user.email=t@example.com', '-c', 'user.name=t', ...args], { cwd: REPO, encoding: 'utf8' });
const run = (cmd: string, args: string[], env: Record<string, string> = {}) => {
  // The owner's machine, not CI (vitest writes new snapshots only outside CI), unless `env` says CI.
  const { CI: _ci, ...inherited } = process.env;
  const r = spawnSync(cmd, args, {
    cwd: REPO,
    encoding: 'utf8',
    env: { ...inherited, GPB_FORK_SIMULATION: '1', NO_COLOR: '1', FORCE_COLOR: '0', ...env },
    maxBuffer: 64 * 1024 * 1024,
  });
  // Colours off: the assertions read the runner's FAIL lines.
  return { code: r.status, out: `${r.stdout}\n${r.stderr}`.replace(ANSI, '') };
};
/** What `npm test` runs before the Terraform tier. */
const suite = (env: Record<string, string> = {}) => {
  for (const script of ['typecheck', 'lint']) {
    const r = run('npm', ['run', '--silent', script], env);
    if (r.code !== 0) return r;
  }
  return run(process.execPath, [path.join(REPO, 'node_modules/vitest/vitest.mjs'), 'run'], env);
};

describe.skipIf(NESTED)('a fork, as its owner lives it', () => {
  it('adds an environment, stays green, and merges an upstream default change without conflicts', () => {
    // given a fork of upstream
    git('init', '--quiet', '--initial-branch=main');
    git('add', '-A');
    git('commit', '--quiet', '-m', 'upstream');
    git('branch', 'upstream');

    // when the owner adds an environment and runs the suite (snapshots are written the first time)
    const created = run(process.execPath, [TSX, 'tools/new-env.ts', 'acme', '--from', 'dev']);
    expect(created.code, created.out).toBe(0);
    const first = suite();
    expect(
      first.code,
      first.out
        .split('\n')
        .filter((l) => /FAIL|Error:|error/.test(l))
        .slice(0, 40)
        .join('\n'),
    ).toBe(0);
    expect(existsSync(path.join(REPO, 'test/stacks/__snapshots__/local/acme/network.json'))).toBe(true);
    git('add', '-A');
    git('commit', '--quiet', '-m', 'fork: acme');
    // only fork-owned files changed
    const forkFiles = git('diff', '--name-only', 'upstream', 'main').trim().split('\n');
    expect(
      forkFiles.every(
        (f) => f === 'environments/local.ts' || f === 'environments/acme.ts' || f.startsWith('test/stacks/__snapshots__/local/acme/'),
      ),
      forkFiles.join('\n'),
    ).toBe(true);

    // and upstream changes a default (a pool may disrupt 20% of its nodes at once, not 10%) and its own snapshots
    git('checkout', '--quiet', 'upstream');
    const defaults = path.join(REPO, 'model/defaults.ts');
    const before = readFileSync(defaults, 'utf8');
    const after = before.replace("disruptionBudget: '10%',", "disruptionBudget: '20%',");
    expect(after).not.toBe(before);
    writeFileSync(defaults, after);
    const updated = run(process.execPath, [
      path.join(REPO, 'node_modules/vitest/vitest.mjs'),
      'run',
      'test/stacks/environment.test.ts',
      '-u',
    ]);
    expect(updated.code, updated.out.slice(-3000)).toBe(0);
    git('commit', '--quiet', '-am', 'upstream: disrupt up to 20% of a pool at once');

    // then the fork merges it without conflicts
    git('checkout', '--quiet', 'main');
    const merge = spawnSync('git', ['-c', 'user.email=t@example.com', '-c', 'user.name=t', 'merge', '--no-edit', 'upstream'], {
      cwd: REPO,
      encoding: 'utf8',
    });
    expect(merge.status, merge.stdout + merge.stderr).toBe(0);

    // and the suite fails only on the fork's own snapshot, saying how to accept the change
    const second = suite({ CI: 'true' });
    expect(second.code).not.toBe(0);
    const failed = [...second.out.matchAll(/FAIL\s+(\S+\.test\.ts)/g)].map((m) => m[1]);
    const failLines = second.out
      .split('\n')
      .filter((l) => /FAIL|Error:/.test(l))
      .slice(0, 40)
      .join('\n');
    expect([...new Set(failed)], failLines).toEqual(['test/stacks/local-environments.test.ts']);
    expect(second.out).toMatch(/20%/);

    // and once the owner accepts it, it is green again
    const accepted = run(process.execPath, [
      path.join(REPO, 'node_modules/vitest/vitest.mjs'),
      'run',
      'test/stacks/local-environments.test.ts',
      '-u',
    ]);
    expect(accepted.code, accepted.out.slice(-3000)).toBe(0);
    const third = run(
      process.execPath,
      [path.join(REPO, 'node_modules/vitest/vitest.mjs'), 'run', 'test/stacks/local-environments.test.ts'],
      { CI: 'true' },
    );
    expect(third.code, third.out.slice(-3000)).toBe(0);
  }, 900_000);
});
