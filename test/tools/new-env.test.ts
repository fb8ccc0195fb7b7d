import { spawnSync } from 'node:child_process';
import { readFileSync, rmSync } from 'node:fs';
import * as path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { writeFileSync } from 'node:fs';
import { check } from 'prettier';
import { formatLikeTheRepository, printTs } from '../../tools/new-env';
import { copyRepository, TSX } from './repo-copy';

const REPO = copyRepository('gpb-new-env-');
afterAll(() => rmSync(REPO, { recursive: true, force: true }));

const run = (script: string, ...args: string[]) => {
  const r = spawnSync(process.execPath, [TSX, script, ...args], { cwd: REPO, encoding: 'utf8' });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
};

describe('npm run new-env', () => {
  it('scaffolds a typed environment from another, registers it locally, and it synthesizes', () => {
    const r = run('tools/new-env.ts', 'acme-dev', '--from', 'dev');
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('created environments/acme-dev.ts and registered it in environments/local.ts');
    const file = readFileSync(path.join(REPO, 'environments/acme-dev.ts'), 'utf8');
    expect(file).toMatch(/^import \{ defineEnvironment \} from '\.\/define';/);
    expect(file).toContain("name: 'acme-dev',");
    expect(file).not.toContain("name: 'gpb-dev'");
    expect(readFileSync(path.join(REPO, 'environments/local.ts'), 'utf8')).toContain("'acme-dev': acmeDev,");
    // formatted as the repository's lint checks it (Prettier), so the fork's npm test stays green
    const check = spawnSync(
      process.execPath,
      [path.join(REPO, 'node_modules/prettier/bin/prettier.cjs'), '--check', 'environments/acme-dev.ts', 'environments/local.ts'],
      { cwd: REPO, encoding: 'utf8' },
    );
    expect(check.status, `${check.stdout}${check.stderr}`).toBe(0);
    // upstream-owned files are untouched
    expect(readFileSync(path.join(REPO, 'environments/index.ts'), 'utf8')).not.toContain('acme');
    // the new environment is real: it validates and synthesizes on its own
    const synth = run('tools/synth.ts', '--env', 'acme-dev', '--outdir', path.join(REPO, 'out'));
    expect(synth.code).toBe(0);
    expect(synth.stdout).toMatch(/^acme-dev-cluster {2}\(\d+ resources\)$/m);
  });

  it('refuses to write an environment that would not validate for its new stage', () => {
    // staging's single-zone OpenSearch replicas are not allowed in prod
    const r = run('tools/new-env.ts', 'acme-prod', '--from', 'staging', '--stage', 'prod');
    expect(r.code).toBe(1);
    expect(r.stderr).toContain('new-env: the scaffolded environment would be invalid:');
    expect(r.stderr).toContain("environment 'acme-prod': data.vectorStore.standbyReplicas: false is not allowed");
    expect(() => readFileSync(path.join(REPO, 'environments/acme-prod.ts'))).toThrow();
  });

  it('refuses a name that clashes or is invalid, with a clear message', () => {
    const clash = run('tools/new-env.ts', 'staging');
    expect(clash.code).toBe(1);
    expect(clash.stderr).toContain("new-env: environment 'staging' already exists (registered)");
    const invalid = run('tools/new-env.ts', 'Prod_EU');
    expect(invalid.stderr).toContain("new-env: 'Prod_EU' is not a valid environment name");
    expect(invalid.stderr).not.toMatch(/\n\s+at /);
    const from = run('tools/new-env.ts', 'qa-one', '--from', 'nope');
    expect(from.stderr).toContain("--from 'nope' is not a registered environment");
  });
});

describe('printTs', () => {
  it('prints plain data as a TypeScript literal', () => {
    expect(printTs({ a: 'x', 'b-c': [1, true], d: { 'e.f': "it's" }, u: undefined }, 0)).toBe(
      "{\n  a: 'x',\n  'b-c': [1, true],\n  d: {\n    'e.f': 'it\\'s',\n  },\n}",
    );
  });
});

describe('formatLikeTheRepository', () => {
  it('turns what printTs writes into what Prettier checks (printTs breaks arrays at 80 columns, Prettier at 140)', async () => {
    const file = path.join(REPO, 'environments', 'wide.ts');
    const text = `export default ${printTs({ instanceTypes: ['g6e.xlarge', 'g6e.2xlarge', 'g6e.4xlarge', 'g6e.8xlarge', 'g6e.12xlarge', 'g6e.16xlarge'] }, 0)};\n`;
    writeFileSync(file, text);
    const options = { singleQuote: true, printWidth: 140, filepath: file };
    expect(await check(text, options)).toBe(false);
    await formatLikeTheRepository([file]);
    expect(await check(readFileSync(file, 'utf8'), options)).toBe(true);
  });
});
