import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import * as path from 'node:path';
import { ESLint } from 'eslint';
import { describe, expect, it } from 'vitest';

const ROOT = path.resolve(__dirname, '../..');

async function lintText(code: string, file: string) {
  const eslint = new ESLint({ cwd: ROOT });
  const [result] = await eslint.lintText(code, { filePath: path.join(ROOT, file) });
  return result.messages.filter((m) => m.ruleId === 'no-restricted-imports').map((m) => m.message);
}

describe('import rules', () => {
  it.each(['@cdktf/provider-aws', '@cdktf/provider-kubernetes', '@cdktf/provider-helm'])(
    'fails when code imports the %s package root',
    async (pkg) => {
      const messages = await lintText(`import { Vpc } from '${pkg}';\nexport const x = Vpc;\n`, 'constructs/network/example.ts');
      expect(messages).toEqual([expect.stringContaining('Import resources by deep path')]);
    },
  );

  it('accepts a deep import', async () => {
    const messages = await lintText(
      `import { Vpc } from '@cdktf/provider-aws/lib/vpc';\nexport const x = Vpc;\n`,
      'constructs/network/example.ts',
    );
    expect(messages).toEqual([]);
  });

  it('fails when code outside constructs/core imports cdktf directly', async () => {
    const messages = await lintText(`import { App } from 'cdktf';\nexport const x = App;\n`, 'stacks/example.ts');
    expect(messages).toEqual([expect.stringContaining('constructs/core/cdktf.ts')]);
  });

  it('no tracked source file imports a provider package root', () => {
    const files = execFileSync('git', ['ls-files', '*.ts'], { cwd: ROOT, encoding: 'utf8' }).split('\n').filter(Boolean);
    expect(files.length).toBeGreaterThan(10);
    const offenders = files.filter((f) => /from ['"]@cdktf\/provider-[a-z-]+['"]/.test(readFileSync(path.join(ROOT, f), 'utf8')));
    expect(offenders).toEqual([]);
  });
});

describe('layer boundaries (model/ below environments/ and constructs/, which never import each other)', () => {
  it.each([
    // the imports the redesign removed, each in the file that had it
    [
      'environments/serving-schema.ts',
      "import { GATEWAY_NAMESPACE } from '../constructs/serving/llm-gateway';",
      'environments/ imports model/',
    ],
    [
      'environments/gpu-schema.ts',
      "import { GpuInstanceType } from '../constructs/gpu/gpu-instance-type';",
      'environments/ imports model/',
    ],
    [
      'constructs/telemetry/alert-rules.ts',
      "import type { SloConfig } from '../../environments/observability-schema';",
      'constructs/ imports model/',
    ],
    ['constructs/serving/example.ts', "import { buildDevEnvironment } from '../../stacks/environment';", 'constructs/ imports model/'],
    ['model/gpu-cost.ts', "import { BlueprintError } from '../constructs/core/errors';", 'model/ is the bottom layer'],
    [
      'model/telemetry/alert-rules.ts',
      "import type { SloConfig } from '../../environments/observability-schema';",
      'model/ is the bottom layer',
    ],
    ['model/example.ts', "import { Construct } from 'constructs';", 'model/ holds pure data'],
    ['model/example.ts', "import { Vpc } from '@cdktf/provider-aws/lib/vpc';", 'model/ holds pure data'],
  ])('fails in %s on: %s', async (file, line, message) => {
    const messages = await lintText(`${line}\nexport const x = 1;\n`, file);
    expect(messages).toEqual([expect.stringContaining(message)]);
  });

  it.each([
    ['environments/serving-schema.ts', "import { GATEWAY_IDENTITY } from '../model/workload-identity';"],
    ['constructs/gpu/example.ts', "import { GpuInstanceType } from '../../model/gpu-instance-type';"],
    ['model/telemetry/dashboards.ts', "import { METRIC_CATALOG } from './metric-catalog';"],
    ['stacks/example.ts', "import { REFERENCE_ENVIRONMENTS } from '../environments';"],
  ])('accepts in %s: %s', async (file, line) => {
    expect(await lintText(`${line}\nexport const x = 1;\n`, file)).toEqual([]);
  });
});

describe('stacks read the resolved posture, never the stage', () => {
  async function syntaxMessages(code: string, file: string) {
    const eslint = new ESLint({ cwd: ROOT });
    const [result] = await eslint.lintText(code, { filePath: path.join(ROOT, file) });
    return result.messages.filter((m) => m.ruleId === 'no-restricted-syntax').map((m) => m.message);
  }

  it.each([
    // the comparisons the resolved environment replaced, as they were written
    ["declare const env: { stage: string };\nexport const preventDestroy = env.stage !== 'dev';\n"],
    ["declare const env: { stage: string };\nexport const replicas = env.stage === 'dev' ? 1 : 2;\n"],
    ["declare const env: { stage: string };\nexport const prod = 'prod' === env.stage;\n"],
  ])('fails in stacks/ on: %s', async (code) => {
    expect(await syntaxMessages(code, 'stacks/example.ts')).toEqual([expect.stringContaining('env.posture')]);
  });

  it('accepts reading the posture and passing the stage on (the policy context names it)', async () => {
    const code =
      'declare const env: { stage: string; posture: { protectState: boolean } };\nexport const p = env.posture.protectState;\nexport const ctx = { stage: env.stage };\n';
    expect(await syntaxMessages(code, 'stacks/example.ts')).toEqual([]);
  });

  it('leaves the schema free to decide by stage (it writes the rules)', async () => {
    expect(
      await syntaxMessages("declare const env: { stage: string };\nexport const x = env.stage === 'prod';\n", 'environments/example.ts'),
    ).toEqual([]);
  });
});
