/**
 * `npm run bench`: how long synthesis of every reference environment takes and how much memory
 * it needs, each run in a fresh process as a user (or CI) would run it.
 *
 * `npm run synth` compiles the TypeScript once (esbuild, `npm run build`) and runs plain Node;
 * so does this benchmark. Figures printed: compile time, wall time of the compiled synthesis
 * from process start to exit, time inside synthesize(), and peak resident memory (maxRSS).
 * Target on a 2-core machine: <= 2 s wall and <= 400 MB peak. A benchmark, not a test: it
 * reports, and exits non-zero only with --check when the target is missed.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
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

const { values } = parseArgs({ options: { runs: { type: 'string', default: '5' }, check: { type: 'boolean', default: false } } });
const runs = Number(values.runs);
const work = mkdtempSync(path.join(tmpdir(), 'gpb-bench-'));
try {
  const buildS = build();
  sample(path.join(work, 'warmup')); // fills the OS file cache
  const samples = [...Array(runs).keys()].map((i) => sample(path.join(work, `run${i}`)));
  const wall = median(samples.map((s) => s.wallS));
  const synth = median(samples.map((s) => s.synthS));
  const rss = Math.max(...samples.map((s) => s.rssMB));
  console.log(`synth of all reference environments (${samples[0].stacks} stacks), ${runs} fresh processes:`);
  console.log(`  compile (npm run build, once)        ${buildS.toFixed(2)} s`);
  console.log(`  wall, process start to exit   median ${wall.toFixed(2)} s   (target <= ${TARGET_WALL_S} s)`);
  console.log(`  inside synthesize()           median ${synth.toFixed(2)} s`);
  console.log(`  peak resident memory          max ${rss.toFixed(0)} MB      (target <= ${TARGET_RSS_MB} MB)`);
  const met = wall <= TARGET_WALL_S && rss <= TARGET_RSS_MB;
  console.log(met ? 'within target' : 'TARGET MISSED');
  if (values.check && !met) process.exitCode = 1;
} finally {
  rmSync(work, { recursive: true, force: true });
}
