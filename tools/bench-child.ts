/** One measured synthesis for `npm run bench` (compiled with the other entry points). */
import { synthesize } from './synthesize';

const started = process.hrtime.bigint();
const result = synthesize({ outdir: process.env.BENCH_OUTDIR ?? 'cdktf.out' });
const synthS = Number(process.hrtime.bigint() - started) / 1e9;
process.stdout.write(JSON.stringify({ synthS, rssMB: process.resourceUsage().maxRSS / 1024, stacks: result.stacks.length }));
