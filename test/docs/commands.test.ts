import { execFileSync, spawnSync } from 'node:child_process';
import { chmodSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type JsonObject, StackView, block } from '../../policies/engine/stack-view';
import { deployOrder, readManifest } from '../../tools/deploy-order';
import { synthesize } from '../../tools/synthesize';
import { copyRepository, ROOT } from '../tools/repo-copy';
import { type DocCommand, docCommands, matchesStackPattern, placeholders } from './doc-commands';

/**
 * Every command README.md and docs/ tell a user to run, run as written, in document order, in
 * a copy of this repository (a git repository with an `origin/main` and an upstream to merge).
 * Commands that need AWS, a cluster or the network, and the test suite itself, are answered by
 * a recording stand-in (test/docs/recording-shim.cjs); the test then checks that what they name
 * exists: the stacks a `cdktf diff`/`deploy` names, the cluster and region of
 * `aws eks update-kubeconfig`, the secret of `get-secret-value`, the objects of `kubectl`, the
 * Service a `curl` calls, the resource of `terraform apply -replace`, the npm scripts.
 */

const NESTED = process.env.GPB_DOCS_SIMULATION === '1' || process.env.GPB_FORK_SIMULATION === '1';
const ANSI = new RegExp(`${String.fromCharCode(27)}\\[[0-9;]*m`, 'g');
const DOC_FILES = [
  'README.md',
  ...readdirSync(path.join(ROOT, 'docs'))
    .filter((f) => f.endsWith('.md'))
    .sort()
    .map((f) => `docs/${f}`),
];

/**
 * Inline spans that name a command in a sentence rather than tell the user to run it. Each is
 * run nowhere; the list must stay exact (a span no longer in the docs fails the test).
 */
const MENTIONS: Record<string, string> = {
  'npm run review':
    "README's table and docs/data.md name the tool; docs/review.md gives its runnable forms (it needs --base or --base-dir)",
  npx: 'docs/testing.md describes the workflow test, which runs the job with a recording npx',
  'npx cdktf deploy': 'docs/deploy.md explains what the command does without GPB_ENV; the block above it is the runnable form',
  'aws eks get-token': 'what the kubernetes and helm providers run to authenticate',
  'aws s3 sync': "what the model server's init container runs in the pod",
  'aws eks describe-addon-versions': 'names the API the pins workflow calls (with credentials); the runnable form has --kubernetes-version',
  'aws ssm get-parameter': 'names the API that publishes AMI releases (docs/pins.md)',
  'aws rds restore-db-cluster-to-point-in-time': 'names the restore API; its arguments depend on the backup the user picks',
  'aws eks describe-cluster': 'a check to run from inside the VPC (docs/deploy.md); needs the deployed cluster',
  'aws eks describe-addon': 'a check on a deployed cluster (docs/guardrails.md, "verify on a cluster")',
  'aws eks list-access-entries': 'a check on a deployed cluster (docs/guardrails.md, "verify on a cluster")',
  'aws eks list-pod-identity-associations': 'a check on a deployed cluster (docs/guardrails.md, "verify on a cluster")',
};

/** Values a reader substitutes for a `<placeholder>`, per file where the meaning differs. */
const PLACEHOLDER_VALUES = (file: string, upstream: string): Record<string, string> => ({
  '<env>': 'dev',
  // new-env's <name> is a new environment (3-20 characters), one per file; a tenant in serving.md
  '<name>': file === 'docs/serving.md' ? 'sandbox' : `doc-${path.basename(file, '.md').toLowerCase()}`.slice(0, 20),
  '<git-ref>': 'HEAD',
  '<upstream url>': upstream,
  '<v>': '1.35',
  '<ns>': 'gpb-serving',
});

/** Commands whose documented behaviour includes a non-zero exit, and how to tell it apart from a failure. */
const DOCUMENTED_EXITS: Record<string, { code: number; output: RegExp; why: string }> = {
  'npm run --silent deploy-plan': {
    code: 1,
    output: /has a private cluster endpoint, which a GitHub-hosted runner cannot reach: set the repository variable GPB_PRIVATE_RUNNERS/,
    why: 'docs/deploy.md: a private environment with no runner named fails the plan with that instruction (prod, until GPB_PRIVATE_RUNNERS names one)',
  },
  'npm run bench -- --check': {
    code: 1,
    output: /^TARGET MISSED$/m,
    why: 'docs/testing.md: exits 1 when the target is missed (timing on a loaded machine is not a test)',
  },
};

interface Call {
  tool: string;
  args: string[];
  cwd: string;
  gpbEnv: string | null;
  intercepted: boolean;
}
interface Ran {
  command: DocCommand;
  script: string;
  seconds: number;
  code: number | null;
  out: string;
  calls: Call[];
}

const positional = (args: readonly string[]) => args.filter((a) => !a.startsWith('-'));
/** The value of `--flag value` or `--flag=value`. */
const flag = (args: readonly string[], name: string): string | undefined => {
  const i = args.findIndex((a) => a === name || a.startsWith(`${name}=`));
  if (i < 0) return undefined;
  return args[i].includes('=') ? args[i].slice(name.length + 1) : args[i + 1];
};

/** Problems with a recorded `npx cdktf diff|deploy`, given the stacks each environment synthesizes. */
function cdktfProblems(call: Pick<Call, 'args' | 'gpbEnv'>, stacksOf: (env: string) => readonly string[]): string[] {
  const [, verb, ...targets] = positional(call.args);
  const problems: string[] = [];
  if (!call.gpbEnv) problems.push(`cdktf ${verb} without GPB_ENV synthesizes every environment, so a broken sibling blocks this one`);
  const own = call.gpbEnv ? stacksOf(call.gpbEnv) : [];
  if (targets.length === 0) problems.push(`cdktf ${verb} names no stack (the app has several)`);
  if (verb === 'diff') {
    if (targets.length !== 1) problems.push(`cdktf diff takes exactly one stack, got ${targets.length}`);
    for (const t of targets) {
      if (t.includes('*')) problems.push(`cdktf diff takes one stack, not a pattern: ${t}`);
      else if (!own.includes(t)) problems.push(`${t} is not a stack of ${call.gpbEnv} (${own.join(', ')})`);
    }
  } else {
    for (const t of targets) {
      if (!own.some((s) => matchesStackPattern(t, s))) problems.push(`${t} matches no stack of ${call.gpbEnv} (${own.join(', ')})`);
    }
  }
  return problems;
}

/** `-u [type]`/`--update [type]`: a following word that is not a type is taken as one. */
function vitestProblems(args: readonly string[]): string[] {
  const i = args.findIndex((a) => a === '-u' || a === '--update');
  const next = i >= 0 ? args[i + 1] : undefined;
  if (next === undefined || next.startsWith('-') || ['true', 'false', 'new', 'all', 'none'].includes(next)) return [];
  return [`'${args[i]} ${next}' reads ${next} as the update type and runs the whole suite: put ${args[i]} after the files`];
}

const readStack = (dir: string, id: string) =>
  new StackView(id, JSON.parse(readFileSync(path.join(dir, 'cdk.tf.json'), 'utf8')) as JsonObject);

describe.skipIf(NESTED)('every command the docs give, run as written', () => {
  let work = '';
  let repo = '';
  let ran: Ran[] = [];
  let reference: { outdir: string; stacks: { id: string; environment: string; dir: string }[] };

  const stacksOf = (env: string) => deployOrder(readManifest(reference.outdir), env);
  const view = (id: string) => {
    const s = reference.stacks.find((x) => x.id === id);
    if (!s) throw new Error(`no synthesized stack ${id}`);
    return readStack(s.dir, id);
  };
  const allViews = () => reference.stacks.map((s) => readStack(s.dir, s.id));
  const manifests = (v: StackView) =>
    v
      .resourcesOf('kubernetes_manifest')
      .map((r) => block(r.config.manifest) ?? {})
      .map((m) => ({
        kind: String(m.kind),
        name: String(block(m.metadata)?.name),
        namespace: String(block(m.metadata)?.namespace),
        spec: block(m.spec),
      }));
  const calls = (tool: string) =>
    ran.flatMap((r) =>
      r.calls.filter((c) => c.tool === tool && c.intercepted).map((c) => ({ ...c, where: `${r.command.file}:${r.command.line}` })),
    );

  beforeAll(() => {
    work = mkdtempSync(path.join(tmpdir(), 'gpb-docs-'));
    repo = copyRepository('gpb-docs-repo-');
    // The reader's clone: a git repository with origin/main, and a reflog entry before HEAD.
    const git = (cwd: string, ...args: string[]) =>
      execFileSync('git', ['-c', 'user.email=t@example.com', '-c', 'user.name=t', ...args], {
        cwd,
        encoding: 'utf8',
        stdio: ['ignore', 'pipe', 'pipe'],
      });
    git(repo, 'init', '--quiet', '--initial-branch=main');
    git(repo, 'add', '-A');
    git(repo, 'commit', '--quiet', '-m', 'upstream');
    git(repo, 'update-ref', 'refs/remotes/origin/main', 'HEAD');
    // An upstream with one commit the fork has not merged yet (docs/forking.md merges it).
    const upstream = path.join(work, 'upstream.git');
    git(work, 'clone', '--quiet', '--bare', repo, upstream);
    const side = path.join(work, 'upstream-work');
    git(work, 'clone', '--quiet', upstream, side);
    writeFileSync(path.join(side, 'docs/testing.md'), `${readFileSync(path.join(side, 'docs/testing.md'), 'utf8')}\n`);
    git(side, 'commit', '--quiet', '-am', 'upstream: a later change');
    git(side, 'push', '--quiet', 'origin', 'main');
    // docs/review.md compares two existing outputs: the reader has an earlier one in old-out.
    execFileSync('npm', ['run', '--silent', 'synth'], { cwd: repo, stdio: 'ignore' });
    execFileSync('cp', ['-r', 'cdktf.out', 'old-out'], { cwd: repo });

    // Stand-ins on PATH.
    const shims = path.join(work, 'bin');
    mkdirSync(shims);
    const shim = path.join(ROOT, 'test/docs/recording-shim.cjs');
    const realEnv: Record<string, string> = {};
    for (const tool of ['npm', 'npx', 'aws', 'kubectl', 'curl', 'terraform']) {
      writeFileSync(path.join(shims, tool), `#!/bin/sh\nexec "${process.execPath}" "${shim}" ${tool} "$@"\n`);
      chmodSync(path.join(shims, tool), 0o755);
      const found = spawnSync('sh', ['-c', `command -v ${tool}`], { encoding: 'utf8' }).stdout.trim();
      realEnv[`GPB_DOC_REAL_${tool.toUpperCase()}`] = found || `/nonexistent/${tool}`;
    }
    const { CI: _ci, ...inherited } = process.env;
    const log = path.join(work, 'calls.jsonl');
    const env = {
      ...inherited,
      ...realEnv,
      PATH: `${shims}:${process.env.PATH}`,
      GPB_DOC_CALLS: log,
      GPB_DOCS_SIMULATION: '1',
      NO_COLOR: '1',
      FORCE_COLOR: '0',
      CHECKPOINT_DISABLE: '1',
    };

    const inlineDone = new Set<string>();
    for (const file of DOC_FILES) {
      const values = PLACEHOLDER_VALUES(file, upstream);
      for (const command of docCommands(file, readFileSync(path.join(ROOT, file), 'utf8'))) {
        if (command.kind === 'inline' && command.text in MENTIONS) continue;
        let script = command.text;
        for (const [k, v] of Object.entries(values)) script = script.split(k).join(v);
        // The same inline command in several places runs once (its first place, in document order).
        if (command.kind === 'inline' && inlineDone.has(script)) continue;
        if (command.kind === 'inline') inlineDone.add(script);
        writeFileSync(log, '');
        const started = performance.now();
        const r = spawnSync('bash', ['-e', '-o', 'pipefail', '-c', script], {
          cwd: repo,
          env,
          encoding: 'utf8',
          maxBuffer: 64 * 1024 * 1024,
        });
        const recorded = readFileSync(log, 'utf8')
          .split('\n')
          .filter(Boolean)
          .map((l) => JSON.parse(l) as Call);
        ran.push({
          command,
          script,
          seconds: (performance.now() - started) / 1000,
          code: r.status,
          out: `${r.stdout}\n${r.stderr}`.replace(ANSI, ''),
          calls: recorded,
        });
      }
    }
    if (process.env.GPB_DOCS_TIMES)
      for (const r of ran)
        console.log(`${r.seconds.toFixed(1).padStart(6)} s  ${r.command.file}:${r.command.line}  ${r.script.split('\n')[0]}`);
    // What the app synthesizes for the reference environments (the commands' targets).
    const result = synthesize({ outdir: path.join(work, 'reference-out') });
    reference = { outdir: result.outdir, stacks: result.stacks.map((s) => ({ id: s.id, environment: s.environment, dir: s.dir })) };
  }, 900_000);

  afterAll(() => {
    for (const d of [work, repo]) if (d) rmSync(d, { recursive: true, force: true });
    ran = [];
  });

  it('finds the commands: shell blocks and inline commands of README and every doc', () => {
    const files = new Set(ran.map((r) => r.command.file));
    expect(files).toContain('README.md');
    expect(files).toContain('docs/deploy.md');
    expect(files).toContain('docs/forking.md');
    expect(ran.filter((r) => r.command.kind === 'block').length).toBeGreaterThanOrEqual(8);
  });

  it('every command exits 0, with no placeholder left unfilled', () => {
    const documented = (r: Ran) => {
      const d = DOCUMENTED_EXITS[r.command.text];
      return d !== undefined && r.code === d.code && d.output.test(r.out);
    };
    const failed = ran.filter((r) => (r.code !== 0 && !documented(r)) || placeholders(r.script).length > 0);
    const report = failed.map(
      (r) =>
        `${r.command.file}:${r.command.line} exit ${r.code} ${placeholders(r.script).join(' ')}\n$ ${r.script}\n${r.out.trim().split('\n').slice(-15).join('\n')}`,
    );
    expect(report.join('\n\n')).toBe('');
  });

  it('the mention list is exact: each one is still in the docs, and names a command a sentence talks about', () => {
    const spans = new Set(
      DOC_FILES.flatMap((f) => docCommands(f, readFileSync(path.join(ROOT, f), 'utf8')))
        .filter((c) => c.kind === 'inline')
        .map((c) => c.text),
    );
    expect(Object.keys(MENTIONS).filter((m) => !spans.has(m))).toEqual([]);
  });

  it('cdktf diff and deploy name stacks of the environment GPB_ENV selects; the diff loop covers them in deploy order', () => {
    const cdktf = calls('npx').filter((c) => positional(c.args)[0] === 'cdktf');
    expect(cdktf.length).toBeGreaterThanOrEqual(3);
    const problems = cdktf.flatMap((c) => cdktfProblems(c, stacksOf).map((p) => `${c.where}: ${p}`));
    expect(problems).toEqual([]);
    // docs/deploy.md: one diff per stack, in the order they deploy
    const loop = ran.find((r) => r.command.file === 'docs/deploy.md' && r.script.startsWith('for stack in'));
    expect(loop, 'docs/deploy.md diffs each stack in a loop').toBeDefined();
    const diffed = loop!.calls.filter((c) => c.tool === 'npx' && c.args[1] === 'diff').map((c) => c.args[2]);
    expect(diffed).toEqual(stacksOf('dev'));
  });

  it('vitest commands give -u after the files: vitest reads a word after -u as the update type and runs every file', () => {
    const vitest = ran.flatMap((r) =>
      r.calls
        .filter((c) => c.tool === 'npx' && c.args[0] === 'vitest')
        .map((c) => ({ ...c, where: `${r.command.file}:${r.command.line}` })),
    );
    expect(vitest.length).toBeGreaterThan(0);
    expect(vitest.flatMap((c) => vitestProblems(c.args).map((p) => `${c.where}: ${p}`))).toEqual([]);
    // the form docs/forking.md gave before
    expect(vitestProblems(['vitest', 'run', '-u', 'test/stacks/local-environments.test.ts'])).toHaveLength(1);
    expect(vitestProblems(['vitest', 'run', 'test/stacks/local-environments.test.ts', '-u'])).toEqual([]);
  });

  it('the cdktf check refuses the forms the docs used to give', () => {
    expect(cdktfProblems({ args: ['cdktf', 'diff', 'dev-*'], gpbEnv: 'dev' }, () => ['dev-network', 'dev-cluster'])).toEqual([
      'cdktf diff takes one stack, not a pattern: dev-*',
    ]);
    expect(cdktfProblems({ args: ['cdktf', 'deploy', 'dev-*'], gpbEnv: null }, () => [])[0]).toMatch(/without GPB_ENV/);
    expect(cdktfProblems({ args: ['cdktf', 'deploy', 'qa-*'], gpbEnv: 'dev' }, () => ['dev-network'])).toEqual([
      'qa-* matches no stack of dev (dev-network)',
    ]);
  });

  it('aws commands name the cluster, region and secrets the stacks create', () => {
    const aws = calls('aws');
    expect(aws.length).toBeGreaterThan(0);
    const regionOf = (stack: StackView) => {
      const aws = (stack.json.provider as JsonObject | undefined)?.aws;
      const first = Array.isArray(aws) ? (aws[0] as JsonObject) : (aws as JsonObject | undefined);
      return String(first?.region);
    };
    const clusterRegions = new Map(
      allViews().flatMap((v) => v.resourcesOf('aws_eks_cluster').map((c) => [String(c.config.name), regionOf(v)] as const)),
    );
    const backends = allViews()
      .map((v) => block(block(block(v.json.terraform)?.backend)?.s3) ?? {})
      .map((b) => ({ bucket: String(b.bucket), region: String(b.region) }));
    const secrets = new Set(allViews().flatMap((v) => v.resourcesOf('aws_secretsmanager_secret').map((s) => String(s.config.name))));
    const problems: string[] = [];
    let checked = 0;
    for (const c of aws) {
      const [service, op] = positional(c.args);
      if (service === 'eks' && op === 'update-kubeconfig') {
        checked++;
        const name = flag(c.args, '--name');
        const region = flag(c.args, '--region');
        if (!name || !clusterRegions.has(name))
          problems.push(`${c.where}: no cluster named ${name} (${[...clusterRegions.keys()].join(', ')})`);
        else if (clusterRegions.get(name) !== region) problems.push(`${c.where}: ${name} is in ${clusterRegions.get(name)}, not ${region}`);
      } else if (service === 'secretsmanager' && op === 'get-secret-value') {
        checked++;
        const id = flag(c.args, '--secret-id');
        if (!id || !secrets.has(id)) problems.push(`${c.where}: no secret ${id}`);
      } else if (service === 's3api' && ['create-bucket', 'put-bucket-versioning', 'put-public-access-block'].includes(op)) {
        checked++;
        const bucket = flag(c.args, '--bucket');
        const backend = backends.find((b) => b.bucket === bucket);
        if (!backend)
          problems.push(
            `${c.where}: no environment keeps its state in bucket ${bucket} (${[...new Set(backends.map((b) => b.bucket))].join(', ')})`,
          );
        if (op === 'create-bucket') {
          const region = flag(c.args, '--region');
          const constraint = flag(c.args, '--create-bucket-configuration');
          if (backend && backend.region !== region)
            problems.push(`${c.where}: the stacks look for ${bucket} in ${backend.region}, not ${region}`);
          if (region === 'us-east-1' ? constraint !== undefined : constraint !== `LocationConstraint=${region}`)
            problems.push(
              `${c.where}: create-bucket in ${region} needs ${region === 'us-east-1' ? 'no' : `LocationConstraint=${region} as its`} --create-bucket-configuration, got ${constraint}`,
            );
        }
        if (op === 'put-bucket-versioning' && flag(c.args, '--versioning-configuration') !== 'Status=Enabled')
          problems.push(`${c.where}: state versioning must be enabled`);
        if (
          op === 'put-public-access-block' &&
          flag(c.args, '--public-access-block-configuration') !==
            'BlockPublicAcls=true,IgnorePublicAcls=true,BlockPublicPolicy=true,RestrictPublicBuckets=true'
        )
          problems.push(`${c.where}: the state bucket must block all four kinds of public access`);
      } else if (service === 'eks' && op === 'describe-addon-versions') {
        checked++;
        if (!flag(c.args, '--kubernetes-version'))
          problems.push(`${c.where}: describe-addon-versions without --kubernetes-version lists every version`);
      } else {
        problems.push(`${c.where}: aws ${service} ${op} is neither checked here nor listed in MENTIONS`);
      }
    }
    expect(clusterRegions.size).toBeGreaterThan(0);
    expect(problems).toEqual([]);
    expect(checked).toBe(aws.length);
  });

  it('kubectl, curl and terraform commands name objects the stacks create', () => {
    const problems: string[] = [];
    const kubectl = calls('kubectl');
    const inCluster = allViews().flatMap((v) => manifests(v).map((m) => ({ ...m, env: v.id.split('-').slice(0, -1).join('-') })));
    const devNamespaces = new Set(
      allViews()
        .filter((v) => v.id.startsWith('dev-'))
        .flatMap((v) => v.resourcesOf('kubernetes_namespace_v1').map((n) => String(block(n.config.metadata)?.name))),
    );
    expect(devNamespaces.size).toBeGreaterThan(0);
    const KINDS: Record<string, string> = {
      deployment: 'Deployment',
      deploy: 'Deployment',
      externalsecret: 'ExternalSecret',
      es: 'ExternalSecret',
      job: 'Job',
      service: 'Service',
      svc: 'Service',
      daemonset: 'DaemonSet',
      ds: 'DaemonSet',
    };
    const VALUE_FLAGS = new Set(['-n', '--namespace', '-o', '--output', '-l', '--selector', '--field-selector', '-c', '--container']);
    for (const c of kubectl) {
      const values = new Map<string, string>();
      const words: string[] = [];
      for (let i = 0; i < c.args.length; i++) {
        if (VALUE_FLAGS.has(c.args[i])) values.set(c.args[i], c.args[++i]);
        else if (!c.args[i].startsWith('-') && !c.args[i].includes('=')) words.push(c.args[i]);
      }
      const ns = values.get('-n') ?? values.get('--namespace');
      // EKS's own namespace holds the add-ons' objects, which no stack declares.
      if (ns === 'kube-system') continue;
      if (ns !== undefined && !devNamespaces.has(ns)) problems.push(`${c.where}: dev creates no namespace ${ns}`);
      const [verb, ...rest] = words;
      const ref =
        verb === 'rollout'
          ? rest[1]
          : verb === 'annotate' || (verb === 'get' && rest.length > 1)
            ? `${rest[0]}/${rest[1]}`
            : rest.find((w) => w.includes('/'));
      if (ref) {
        const [kindWord, name] = ref.split('/');
        const kind = KINDS[kindWord];
        if (!kind) problems.push(`${c.where}: kubectl ${c.args.join(' ')}: add the kind '${kindWord}' to this test`);
        else if (!inCluster.some((m) => m.kind === kind && m.name === name && m.namespace === ns && m.env === 'dev'))
          problems.push(`${c.where}: dev creates no ${kind} ${ns}/${name}`);
      }
      const selector = values.get('-l') ?? values.get('--selector');
      if (selector) {
        const wanted = selector.split(',').map((kv) => kv.split('='));
        const templates = inCluster
          .filter((m) => m.env === 'dev' && m.namespace === ns)
          .map((m) => block(block(block(m.spec?.template)?.metadata)?.labels) ?? {});
        if (!templates.some((labels) => wanted.every(([k, v]) => labels[k] === v)))
          problems.push(`${c.where}: no pod template in dev's ${ns} carries ${selector}`);
      }
    }
    for (const c of calls('curl')) {
      const url = new URL(positional(c.args).find((a) => a.startsWith('http'))!);
      const [svc, ns] = url.hostname.split('.');
      const service = inCluster.find((m) => m.kind === 'Service' && m.name === svc && m.namespace === ns);
      const ports = ((service?.spec?.ports as JsonObject[] | undefined) ?? []).map((p) => String(p.port));
      if (!ports.includes(url.port)) problems.push(`${c.where}: no Service ${ns}/${svc} on port ${url.port}`);
    }
    for (const c of calls('terraform')) {
      const stack = path.basename(c.cwd);
      const replace = flag(c.args, '-replace');
      if (replace === undefined) continue;
      const [type, name] = replace.split('.');
      if (
        !view(stack)
          .resourcesOf(type)
          .some((r) => r.name === name)
      )
        problems.push(`${c.where}: ${stack} has no ${replace}`);
    }
    expect(kubectl.length + calls('curl').length + calls('terraform').length).toBeGreaterThan(0);
    expect(problems).toEqual([]);
  });

  it('the rotation command finds exactly one terraform_data in every data stack', () => {
    const data = reference.stacks.filter((s) => s.id.endsWith('-data'));
    expect(data.length).toBeGreaterThan(0);
    for (const s of data) expect(view(s.id).resourcesOf('terraform_data').length, s.id).toBe(1);
  });

  it('the npm scripts the docs name exist (including those only the suite or the pins workflow runs)', () => {
    const scripts = Object.keys(
      (JSON.parse(readFileSync(path.join(ROOT, 'package.json'), 'utf8')) as { scripts: Record<string, string> }).scripts,
    );
    const named = calls('npm').map((c) => ({ where: c.where, verb: positional(c.args)[0], script: positional(c.args)[1] }));
    expect(named.map((n) => n.verb)).toContain('test');
    const missing = named.filter((n) => (n.verb === 'run' || n.verb === 'run-script') && !scripts.includes(n.script));
    expect(missing).toEqual([]);
  });
});
