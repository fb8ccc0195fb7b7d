/**
 * `npm run new-env -- <name> [--from <env>] [--stage dev|staging|prod]`: scaffolds
 * environments/<name>.ts from an existing environment (default dev), validated, and registers
 * it in environments/local.ts (the fork-owned registry).
 */
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import * as path from 'node:path';
import { parseArgs } from 'node:util';
import { BlueprintError } from '../model/errors';
import { ENVIRONMENTS, REFERENCE_ENVIRONMENTS } from '../environments';
import type { EnvironmentInput } from '../environments/schema';
import { checkEnvironment, formatProblem } from '../environments/validate';
import { runCli } from './synthesize';

const NAME = /^[a-z][a-z0-9-]{1,18}[a-z0-9]$/;
const RESERVED = new Set(['define', 'index', 'local', 'schema', 'validate', 'layers', 'gpu-schema']);
const IMPORTS_MARKER = '// gpb:new-env imports';
const REGISTRATIONS_MARKER = '  // gpb:new-env registrations';

export interface ScaffoldOptions {
  readonly root: string;
  readonly name: string;
  /** @default 'dev' */
  readonly from?: string;
  readonly stage?: 'dev' | 'staging' | 'prod';
  /**
   * Environments a new one may be copied from and must not clash with. @default - the registered
   * environments and the reference ones (templates even when INCLUDE_REFERENCE_ENVIRONMENTS is false)
   */
  readonly registry?: Readonly<Record<string, EnvironmentInput>>;
}

/** Writes environments/<name>.ts and registers it; throws a BlueprintError on any refusal. */
export function scaffoldEnvironment(o: ScaffoldOptions): { file: string } {
  const registry = o.registry ?? { ...REFERENCE_ENVIRONMENTS, ...ENVIRONMENTS };
  const from = o.from ?? 'dev';
  if (!NAME.test(o.name) || RESERVED.has(o.name)) {
    throw new BlueprintError(
      `new-env: '${o.name}' is not a valid environment name: use 3-20 lowercase letters, digits or hyphens, starting with a letter (not ${[...RESERVED].join(', ')})`,
    );
  }
  const file = path.join(o.root, 'environments', `${o.name}.ts`);
  if (o.name in registry || existsSync(file)) {
    throw new BlueprintError(
      `new-env: environment '${o.name}' already exists (${o.name in registry ? 'registered' : `file ${path.relative(o.root, file)}`}); pick another name`,
    );
  }
  const source = registry[from];
  if (!source) {
    throw new BlueprintError(`new-env: --from '${from}' is not a registered environment; registered: ${Object.keys(registry).join(', ')}`);
  }
  const input: EnvironmentInput = structuredClone(source);
  input.name = o.name;
  if (o.stage) input.stage = o.stage;
  delete input.cluster.name; // defaults to gpb-<name>, unique per environment
  const checked = checkEnvironment(input, o.name);
  if (Array.isArray(checked)) {
    throw new BlueprintError(
      `new-env: the scaffolded environment would be invalid:\n${checked.map((p) => `  - ${formatProblem(p)}`).join('\n')}`,
    );
  }

  const localFile = path.join(o.root, 'environments', 'local.ts');
  const local = readFileSync(localFile, 'utf8');
  if (!local.includes(IMPORTS_MARKER) || !local.includes(REGISTRATIONS_MARKER)) {
    throw new BlueprintError(
      `new-env: environments/local.ts lacks the '${IMPORTS_MARKER}' and '${REGISTRATIONS_MARKER.trim()}' marker lines; restore them`,
    );
  }
  const ident = o.name.replace(/-([a-z0-9])/g, (_m, c: string) => c.toUpperCase());
  writeFileSync(
    file,
    [
      "import { defineEnvironment } from './define';",
      '',
      `/** Scaffolded by npm run new-env from '${from}'. Replace the account-specific values (docs/environments.md). */`,
      `export default defineEnvironment(${printTs(input, 0)});`,
      '',
    ].join('\n'),
  );
  writeFileSync(
    localFile,
    local
      .replace(IMPORTS_MARKER, `import ${ident} from './${o.name}';\n${IMPORTS_MARKER}`)
      .replace(REGISTRATIONS_MARKER, `  '${o.name}': ${ident},\n${REGISTRATIONS_MARKER}`),
  );
  return { file };
}

/** A TypeScript object literal for plain data (strings single-quoted, identifier keys bare). */
export function printTs(value: unknown, indent: number): string {
  const pad = '  '.repeat(indent + 1);
  const close = '  '.repeat(indent);
  if (typeof value === 'string') return `'${value.replace(/\\/g, '\\\\').replace(/'/g, "\\'")}'`;
  if (typeof value === 'number' || typeof value === 'boolean') return String(value);
  if (value === null || value === undefined) return 'undefined';
  if (Array.isArray(value)) {
    const items = value.map((v) => printTs(v, indent + 1));
    const inline = `[${items.join(', ')}]`;
    return inline.length <= 80 && !inline.includes('\n') ? inline : `[\n${items.map((i) => `${pad}${i},`).join('\n')}\n${close}]`;
  }
  const entries = Object.entries(value as Record<string, unknown>).filter(([, v]) => v !== undefined);
  if (entries.length === 0) return '{}';
  const key = (k: string) => (/^[A-Za-z_$][\w$]*$/.test(k) ? k : `'${k}'`);
  return `{\n${entries.map(([k, v]) => `${pad}${key(k)}: ${printTs(v, indent + 1)},`).join('\n')}\n${close}}`;
}

if (require.main === module) {
  runCli(() => {
    let args;
    try {
      args = parseArgs({
        allowPositionals: true,
        options: { from: { type: 'string' }, stage: { type: 'string' } },
        strict: true,
      });
    } catch (e) {
      throw new BlueprintError(`${(e as Error).message}\nUsage: npm run new-env -- <name> [--from <env>] [--stage dev|staging|prod]`);
    }
    const [name] = args.positionals;
    if (!name || args.positionals.length > 1)
      throw new BlueprintError('Usage: npm run new-env -- <name> [--from <env>] [--stage dev|staging|prod]');
    const stage = args.values.stage;
    if (stage !== undefined && !['dev', 'staging', 'prod'].includes(stage)) {
      throw new BlueprintError(`new-env: --stage '${stage}' is not allowed: must be dev, staging or prod`);
    }
    const root = path.resolve(__dirname, '..');
    const { file } = scaffoldEnvironment({
      root,
      name,
      from: args.values.from,
      stage: stage as ScaffoldOptions['stage'],
    });
    return formatLikeTheRepository([file, path.join(root, 'environments', 'local.ts')]).then(() => {
      console.log(`created ${path.relative(process.cwd(), file)} and registered it in environments/local.ts`);
      console.log(`next: edit the account values, then npm run synth -- --env ${name}`);
    });
  });
}

/** Formats the written files with the repository's Prettier settings, so `npm run lint` passes on them. */
export async function formatLikeTheRepository(files: readonly string[]): Promise<void> {
  const prettier = await import('prettier');
  for (const f of files) {
    const options = await prettier.resolveConfig(f);
    writeFileSync(f, await prettier.format(readFileSync(f, 'utf8'), { ...options, filepath: f }));
  }
}
