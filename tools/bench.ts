/**
 * `npm run bench`: how long synthesis of every reference environment takes and how much memory
 * it needs, each run in a fresh process as a user (or CI) would run it.
 *
 * `npm run synth` compiles the TypeScript once (esbuild) and runs plain Node with source maps;
 * this benchmark measures the compiled synthesis (wall time from process start to exit, time
 * inside synthesize(), peak resident memory), then the bare `require("cdktf")` start it is
 * compared with, the exact command `npm run synth` runs after compiling, and `npm run synth`
 * itself, each in fresh processes.
 * Target on a 2-core machine: <= 2 s wall and <= 400 MB peak. A benchmark, not a test: it
 * reports, and exits non-zero only with --check when the target is missed.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { parseArgs } from 'node:util';

const TARGET_WALL_S = 2;
const TARGET_RSS_MB = 400;

interface Sample {
  wallS: number;
  synthS: number;
  rssMB: number;
  stacks: number;
}

const ROOT = path.resolve(__dirname, '..');

/** Compiles the entry points as `npm run synth` does; returns the seconds it took. */
function build(): number {
  const started = process.hrtime.bigint();
  const r = spawnSync('npm', ['run', 'build', '--silent'], { cwd: ROOT, encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`build failed:\n${r.stderr}`);
  return Number(process.hrtime.bigint() - started) / 1e9;
}

function sample(outdir: string): Sample {
  const started = process.hrtime.bigint();
  const r = spawnSync(process.execPath, ['.build/tools/bench-child.js'], {
    cwd: ROOT,
    encoding: 'utf8',
    env: { ...process.env, BENCH_OUTDIR: outdir },
  });
  const wallS = Number(process.hrtime.bigint() - started) / 1e9;
  if (r.status !== 0) throw new Error(`synthesis failed:\n${r.stderr}`);
  return { wallS, ...(JSON.parse(r.stdout) as Omit<Sample, 'wallS'>) };
}

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)];
}

/** Wall seconds of one fresh process running `cmd args` in the repository (it must exit 0). */
function wall(cmd: string, args: readonly string[]): number {
  const started = process.hrtime.bigint();
  const r = spawnSync(cmd, args, { cwd: ROOT, encoding: 'utf8' });
  const s = Number(process.hrtime.bigint() - started) / 1e9;
  if (r.status !== 0) throw new Error(`${cmd} ${args.join(' ')} failed:\n${r.stderr}`);
  return s;
}

/**
 * The command `npm run synth` runs after compiling, read from package.json so the benchmark times
 * exactly what a user waits for (`node <args>` after the last `&&`).
 */
function synthCommand(): string[] {
  const script = (JSON.parse(readFileSync(path.join(ROOT, 'package.json'), 'utf8')) as { scripts: Record<string, string> }).scripts.synth;
  const [node, ...args] = script.split(' && ').pop()!.split(' ');
  if (node !== 'node') throw new Error(`package.json scripts.synth must end with 'node <args>': ${script}`);
  return args;
}
const SYNTH_COMMAND = synthCommand();

const { values } = parseArgs({ options: { runs: { type: 'string', default: '5' }, check: { type: 'boolean', default: false } } });
const runs = Number(values.runs);
const work = mkdtempSync(path.join(tmpdir(), 'gpb-bench-'));
try {
  const buildS = build();
  sample(path.join(work, 'warmup')); // fills the OS file cache
  const samples = [...Array(runs).keys()].map((i) => sample(path.join(work, `run${i}`)));
  const wallS = median(samples.map((s) => s.wallS));
  const synth = median(samples.map((s) => s.synthS));
  const rss = Math.max(...samples.map((s) => s.rssMB));
  const bare = median([...Array(runs).keys()].map(() => wall(process.execPath, ['-e', 'require("cdktf")'])));
  const userPath = median(
    [...Array(runs).keys()].map((i) => wall(process.execPath, [...SYNTH_COMMAND, '--outdir', path.join(work, `synth${i}`)])),
  );
  const npmSynth = median(
    [...Array(runs).keys()].map((i) => wall('npm', ['run', '--silent', 'synth', '--', '--outdir', path.join(work, `npm${i}`)])),
  );
  console.log(`synth of every registered environment (${samples[0].stacks} stacks), ${runs} fresh processes each:`);
  console.log(`  compile (npm run build, once)        ${buildS.toFixed(2)} s`);
  console.log(`  wall, process start to exit   median ${wallS.toFixed(2)} s   (target <= ${TARGET_WALL_S} s)`);
  console.log(`  inside synthesize()           median ${synth.toFixed(2)} s`);
  console.log(`  peak resident memory          max ${rss.toFixed(0)} MB      (target <= ${TARGET_RSS_MB} MB)`);
  console.log(`  bare cdktf start (node -e require) median ${bare.toFixed(2)} s   bundled synth = ${(wallS / bare).toFixed(1)}x it`);
  console.log(`  what npm run synth runs (node ${SYNTH_COMMAND.join(' ')}) median ${userPath.toFixed(2)} s`);
  console.log(
    `  npm run synth (npm, esbuild, then the command above) median ${npmSynth.toFixed(2)} s = ${(npmSynth / wallS).toFixed(2)}x the bundled synth`,
  );
  const met = wallS <= TARGET_WALL_S && rss <= TARGET_RSS_MB;
  console.log(met ? 'within target' : 'TARGET MISSED');
  if (values.check && !met) process.exitCode = 1;
} finally {
  rmSync(work, { recursive: true, force: true });
}
