/**
 * `npm run --silent stacks -- --env <environment> [--outdir cdktf.out]`: prints the
 * environment's stacks, one per line, in deploy order, from an existing synth output.
 */
import { parseArgs } from 'node:util';
import { BlueprintError } from '../model/errors';
import { deployOrder, readManifest } from './deploy-order';
import { runCli } from './synthesize';

runCli(() => {
  let values;
  try {
    ({ values } = parseArgs({ options: { env: { type: 'string' }, outdir: { type: 'string', default: 'cdktf.out' } }, strict: true }));
  } catch (e) {
    throw new BlueprintError(`${(e as Error).message}\nUsage: npm run --silent stacks -- --env <environment> [--outdir cdktf.out]`);
  }
  if (!values.env) throw new BlueprintError('stacks: --env <environment> is required');
  process.stdout.write(`${deployOrder(readManifest(values.outdir), values.env).join('\n')}\n`);
});
