/**
 * The cdktf app (`npx cdktf synth`, `diff`, `deploy`): every registered environment, or those
 * named in GPB_ENV (comma-separated). GPB_BACKEND=local switches state to local files for
 * offline rehearsal.
 */
import { backendFromEnv, runCli, synthesize } from './tools/synthesize';

runCli(() => {
  synthesize({
    outdir: process.env.CDKTF_OUTDIR ?? 'cdktf.out',
    envNames: process.env.GPB_ENV ? process.env.GPB_ENV.split(',').map((s) => s.trim()) : undefined,
    backend: backendFromEnv(),
  });
});
