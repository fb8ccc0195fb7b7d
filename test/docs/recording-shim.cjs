// Stand-in for a command on PATH while test/docs/commands.test.ts runs the documented commands.
// Usage (from a generated wrapper): node recording-shim.cjs <tool> [args...]
// Every call is appended to $GPB_DOC_CALLS as one JSON line. Calls that need AWS, a cluster,
// the network, or that are the test suite itself are recorded and answered with exit 0 (the
// test checks what they name); every other call runs the real command ($GPB_DOC_REAL_<TOOL>).
'use strict';
const { spawnSync } = require('node:child_process');
const { appendFileSync, existsSync, readFileSync } = require('node:fs');
const path = require('node:path');

const [tool, ...args] = process.argv.slice(2);
const positional = args.filter((a) => !a.startsWith('-'));

/** Scripts `.ci/run` runs itself (npm test), or that need the network (the pins workflow). */
const SUITE_SCRIPTS = new Set(['typecheck', 'lint', 'test:unit', 'test:terraform', 'test', 'pins:check']);

function intercepted() {
  switch (tool) {
    case 'npm': {
      const [verb, script] = positional;
      if (['ci', 'install', 'i', 'test', 't'].includes(verb)) return true;
      return (verb === 'run' || verb === 'run-script') && SUITE_SCRIPTS.has(script);
    }
    case 'npx':
      if (positional[0] === 'cdktf' && ['diff', 'deploy', 'destroy'].includes(positional[1])) return true;
      // The whole unit suite (this test is part of it); a named test file runs for real.
      return positional[0] === 'vitest' && !positional.some((a) => a.endsWith('.test.ts'));
    default:
      return true; // aws, kubectl, curl, terraform
  }
}

const isIntercepted = intercepted();
appendFileSync(
  process.env.GPB_DOC_CALLS,
  `${JSON.stringify({ tool, args, cwd: process.cwd(), gpbEnv: process.env.GPB_ENV ?? null, intercepted: isIntercepted })}\n`,
);

if (isIntercepted) {
  // `terraform state list` after a deploy lists the stack's resources: answer from its cdk.tf.json.
  if (tool === 'terraform' && positional[0] === 'state' && positional[1] === 'list') {
    const file = path.join(process.cwd(), 'cdk.tf.json');
    if (!existsSync(file)) {
      process.stderr.write(`terraform state list: no cdk.tf.json in ${process.cwd()}\n`);
      process.exit(1);
    }
    const resources = JSON.parse(readFileSync(file, 'utf8')).resource ?? {};
    for (const [type, byName] of Object.entries(resources))
      for (const name of Object.keys(byName)) process.stdout.write(`${type}.${name}\n`);
  }
  process.exit(0);
}
const real = process.env[`GPB_DOC_REAL_${tool.toUpperCase()}`];
const r = spawnSync(real, args, { stdio: 'inherit' });
process.exit(r.status ?? 1);
