/**
 * `npm run review -- --base <git-ref>`: synthesizes the base ref (in a temporary git worktree)
 * and the working tree, and prints what changes per environment, stack and resource, GPU
 * capacity and cost, and policy findings, as Markdown for a pull request (or JSON with --json).
 * `--base-dir A --head-dir B` compares two existing synth outputs without git. `--identical`
 * prints instead whether the two outputs are the same byte for byte (every file), and exits 1
 * naming the files that differ: the check for a refactor that must not change the output.
 * Offline: no credentials, no state, no network.
 */
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { parseArgs } from 'node:util';
import { BlueprintError } from '../model/errors';
import { toMarkdown } from './review/markdown';
import { buildReview, type Review } from './review/review';
import { loadSynthOutput } from './review/synth-output';
import { PolicyError, runCli, synthesize } from './synthesize';

const ROOT = path.resolve(__dirname, '..');

const progress = (message: string) => process.stderr.write(`review: ${message}\n`);

runCli(async () => {
  let args;
  try {
    args = parseArgs({
      options: {
        base: { type: 'string' },
        'base-dir': { type: 'string' },
        'head-dir': { type: 'string' },
        json: { type: 'boolean', default: false },
        identical: { type: 'boolean', default: false },
        out: { type: 'string' },
      },
      strict: true,
    });
  } catch (e) {
    throw new BlueprintError(
      `${(e as Error).message}\nUsage: npm run review -- (--base <git-ref> | --base-dir <dir>) [--head-dir <dir>] [--json | --identical] [--out <file>]`,
    );
  }
  const v = args.values;
  if (!v.base === !v['base-dir']) throw new BlueprintError('review: give exactly one of --base <git-ref> or --base-dir <dir>');

  const work = mkdtempSync(path.join(tmpdir(), 'gpb-review-'));
  try {
    const started = Date.now();
    // The base synthesizes in a child process while the working tree synthesizes here.
    const base = v['base-dir'] !== undefined ? Promise.resolve(v['base-dir']) : synthesizeRef(v.base!, work);
    let headDir: string;
    try {
      headDir = v['head-dir'] ?? synthesizeWorkingTree(path.join(work, 'head'));
    } finally {
      await base.catch(() => undefined); // never leave the child (and its worktree) behind
    }
    const baseDir = await base;
    if (v.identical) {
      const differ = differingFiles(baseDir, headDir);
      const files = filesUnder(headDir).length;
      if (differ.length > 0) {
        throw new BlueprintError(
          `review: the synth output is not byte-identical to ${v.base ?? baseDir}: ${differ.length} of ${files} files differ:\n${differ.map((f) => `  ${f}`).join('\n')}`,
        );
      }
      process.stdout.write(`byte-identical: all ${files} files of the synth output match ${v.base ?? baseDir}\n`);
      return;
    }
    progress('comparing');
    const review: Review = buildReview(loadSynthOutput(baseDir), loadSynthOutput(headDir), {
      base: v.base ?? path.basename(path.resolve(baseDir)),
      head: v['head-dir'] ? path.basename(path.resolve(headDir)) : 'working tree',
    });
    const text = v.json ? `${JSON.stringify(review, null, 2)}\n` : toMarkdown(review);
    if (v.out) writeFileSync(v.out, text);
    else process.stdout.write(text);
    progress(`done in ${((Date.now() - started) / 1000).toFixed(1)} s`);
  } finally {
    rmSync(work, { recursive: true, force: true });
    git(['worktree', 'prune'], ROOT, true);
  }
});

/** Relative paths of every file under `dir`, sorted. */
function filesUnder(dir: string, at = ''): string[] {
  return readdirSync(path.join(dir, at), { withFileTypes: true })
    .flatMap((e) => (e.isDirectory() ? filesUnder(dir, path.join(at, e.name)) : [path.join(at, e.name)]))
    .sort();
}

/** Files only one side has, and files whose bytes differ, each with why. */
export function differingFiles(baseDir: string, headDir: string): string[] {
  const base = new Set(filesUnder(baseDir));
  const head = new Set(filesUnder(headDir));
  const out: string[] = [];
  for (const f of [...new Set([...base, ...head])].sort()) {
    if (!head.has(f)) out.push(`${f} (only in the base)`);
    else if (!base.has(f)) out.push(`${f} (only in the head)`);
    else if (!readFileSync(path.join(baseDir, f)).equals(readFileSync(path.join(headDir, f)))) out.push(`${f} (content differs)`);
  }
  return out;
}

function synthesizeWorkingTree(outdir: string): string {
  progress('synthesizing the working tree');
  try {
    synthesize({ outdir });
  } catch (e) {
    if (!(e instanceof PolicyError)) throw e; // policy errors still produce output worth reviewing
  }
  return outdir;
}

/** Checks `ref` out in a temporary worktree and starts synthesizing it in a child process. */
function synthesizeRef(ref: string, work: string): Promise<string> {
  const sha = git(['rev-parse', '--verify', '--quiet', `${ref}^{commit}`], ROOT, true).trim();
  if (!sha) throw new BlueprintError(`review: '${ref}' is not a commit in this repository`);
  const tree = path.join(work, 'base');
  progress(`checking out ${ref} (${sha.slice(0, 12)}) in a temporary worktree`);
  git(['worktree', 'add', '--detach', '--quiet', tree, sha], ROOT);
  // The base is synthesized with this checkout's installed dependencies.
  if (!existsSync(path.join(tree, 'node_modules'))) symlinkSync(path.join(ROOT, 'node_modules'), path.join(tree, 'node_modules'), 'dir');
  const outdir = path.join(work, 'base-out');
  progress(`synthesizing ${ref}`);
  const child = spawn(process.execPath, ['--import', 'tsx', 'tools/synth.ts', '--outdir', outdir], {
    cwd: tree,
    env: { ...process.env, GPB_BACKEND: '' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stdout.on('data', (d: Buffer) => (output += d.toString()));
  child.stderr.on('data', (d: Buffer) => (output += d.toString()));
  return new Promise<string>((resolve, reject) => {
    child.on('error', reject);
    child.on('close', (code) => {
      git(['worktree', 'remove', '--force', tree], ROOT, true);
      if (!existsSync(path.join(outdir, 'manifest.json'))) {
        reject(
          new BlueprintError(`review: synthesizing ${ref} failed (exit ${code}):\n${output.trim().split('\n').slice(-15).join('\n')}`),
        );
      } else resolve(outdir);
    });
  });
}

function git(args: string[], cwd: string, allowFailure = false): string {
  const r = spawnSync('git', args, { cwd, encoding: 'utf8' });
  if (r.status !== 0 && !allowFailure) {
    throw new BlueprintError(`review: git ${args.join(' ')} failed: ${(r.stderr || '').trim()}`);
  }
  return r.stdout ?? '';
}
