import { mkdtempSync, existsSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { BlueprintError } from '../../model/errors';
import { REFERENCE_ENVIRONMENTS as ENVIRONMENTS } from '../../environments';
import { checkEnvironment, ConfigError, formatProblem, type ConfigProblem } from '../../environments/validate';
import { synthesize } from '../../tools/synthesize';
import { devWith } from '../helpers';

/**
 * The promise for bad input: one line per problem naming the environment, the field, the value
 * and what is allowed; nothing thrown but a ConfigError; nothing written.
 */

const WORK = mkdtempSync(path.join(tmpdir(), 'gpb-bad-input-'));
afterAll(() => rmSync(WORK, { recursive: true, force: true }));

// Loosely typed views of the reference inputs, to build broken variants from.
type Loose = { [key: string]: Loose } & Loose[];
const dev = ENVIRONMENTS.dev as unknown as Loose;
const pool0 = (over: Record<string, unknown>) => devWith({ gpu: { pools: [{ ...dev.gpu.pools[0], ...over }] } });
const prod = ENVIRONMENTS.prod as unknown as Loose;

/** [kind, input, the one path reported, what it says] */
const CASES: [string, unknown, string, RegExp][] = [
  // values whose shape passes and whose meaning cannot
  ['a region that does not exist', devWith({ region: 'us-west-9' }), 'region', /not an AWS region .*us-west-1, us-west-2/],
  ['a state bucket region that does not exist', devWith({ state: { region: 'eu-middle-1' } }), 'state.region', /not an AWS region/],
  [
    'a system node type outside the EC2 catalog',
    devWith({ cluster: { systemNodeGroup: { instanceTypes: ['m9.huge'] } } }),
    'cluster.systemNodeGroup.instanceTypes[0]',
    /no family 'm9'/,
  ],
  [
    'a size the family does not have',
    devWith({ cluster: { systemNodeGroup: { instanceTypes: ['m7i.huge'] } } }),
    'cluster.systemNodeGroup.instanceTypes[0]',
    /m7i comes in .*large/,
  ],
  [
    'a Graviton system node (the AMI is x86_64)',
    devWith({ cluster: { systemNodeGroup: { instanceTypes: ['m7g.large'] } } }),
    'cluster.systemNodeGroup.instanceTypes[0]',
    /arm64 \(Graviton\)/,
  ],
  [
    'a GPU type as a system node',
    devWith({ cluster: { systemNodeGroup: { instanceTypes: ['g6.xlarge'] } } }),
    'cluster.systemNodeGroup.instanceTypes[0]',
    /accelerated/,
  ],
  [
    'a cache node type ElastiCache does not have',
    devWith({ data: { cache: { nodeType: 'cache.m9.large' } } }),
    'data.cache.nodeType',
    /not a current-generation ElastiCache node type/,
  ],
  [
    'a database class RDS does not have',
    devWith({ serving: { gateway: { database: { instanceClass: 'db.t4g.gigantic' } } } }),
    'serving.gateway.database.instanceClass',
    /not an RDS instance class/,
  ],
  ['a bucket name formatted as an IP address', devWith({ state: { bucket: '192.168.5.4' } }), 'state.bucket', /IP address/],
  ['a bucket name with two adjacent dots', devWith({ state: { bucket: 'gpb..state' } }), 'state.bucket', /adjacent dots/],
  ['a bucket name with a reserved prefix', devWith({ state: { bucket: 'xn--gpb-state' } }), 'state.bucket', /reserved by S3/],
  ['a tag value AWS refuses', devWith({ tags: { owner: 'team {ml}' } }), 'tags.owner', /letters, digits, spaces/],
  ['a tag value over 256 characters', devWith({ tags: { extra: { team: 'x'.repeat(257) } } }), 'tags.extra.team', /at most 256/],
  ['a CIDR with leading zeros', devWith({ network: { cidr: '010.10.0.0/16' } }), 'network.cidr', /canonical IPv4 CIDR/],
  ['a disruption budget over 100%', pool0({ disruptionBudget: '150%' }), 'gpu.pools[0].disruptionBudget', /at most 100%/],
  // finite but absurd numbers
  ['a GPU cap beyond any quota', pool0({ gpuLimit: 1e12 }), 'gpu.pools[0].gpuLimit', /at most 450: 450 nodes/],
  [
    'a node group of a billion nodes',
    devWith({ cluster: { systemNodeGroup: { maxSize: 1e9 } } }),
    'cluster.systemNodeGroup.maxSize',
    /Nodes per managed node group/,
  ],
  [
    'more public CIDRs than EKS allows',
    devWith({ cluster: { endpoint: { publicAccessCidrs: Array.from({ length: 41 }, (_, i) => `203.0.${i}.0/24`) } } }),
    'cluster.endpoint.publicAccessCidrs',
    /at most 40/,
  ],
  // duplicates and clashes
  [
    'the same admin twice',
    devWith({ cluster: { admins: [...dev.cluster.admins, ...dev.cluster.admins] } }),
    'cluster.admins[1].principalArn',
    /listed twice/,
  ],
  [
    'an alias used by two models',
    devWith({ serving: { models: [dev.serving.models[0], { ...dev.serving.models[1], aliases: [dev.serving.models[0].aliases[0]] }] } }),
    'serving.models[1].aliases[0]',
    /already a model name or alias/,
  ],
  // prototype keys
  [
    'a __proto__ key',
    { ...structuredClone(dev), ...JSON.parse('{"__proto__": {"region": "eu-west-1"}}') },
    '__proto__',
    /reserved JavaScript key/,
  ],
  [
    'a constructor key deep inside',
    devWith({ tags: { extra: JSON.parse('{"constructor": "x"}') } }),
    'tags.extra.constructor',
    /reserved JavaScript key/,
  ],
  // crashes and cascades
  ['an empty instanceTypes', pool0({ instanceTypes: [] }), 'gpu.pools[0].instanceTypes', /at least one instance type/],
  ['a negative GPU cap (once, not again as a shortfall)', pool0({ gpuLimit: -1 }), 'gpu.pools[0].gpuLimit', /positive/],
  ['an invalid pool name (not offered as a valid choice)', pool0({ name: 'Dev_L4' }), 'gpu.pools[0].name', /DNS label/],
  ['NaN', pool0({ gpuLimit: Number.NaN }), 'gpu.pools[0].gpuLimit', /finite number/],
  ['Infinity', pool0({ gpuLimit: Number.POSITIVE_INFINITY }), 'gpu.pools[0].gpuLimit', /finite number/],
  // rules the policy pack would fail after writing the output
  [
    'a staging environment with GPU capacity and no budget',
    { ...structuredClone(ENVIRONMENTS.staging), budget: undefined },
    'budget',
    /GPB-AI-002/,
  ],
  [
    'a public endpoint opened by two halves of the internet (prod, GPB-AWS-013 suppressed)',
    {
      ...structuredClone(prod),
      cluster: { ...structuredClone(prod.cluster), endpoint: { publicAccess: true, publicAccessCidrs: ['0.0.0.0/1', '128.0.0.0/1'] } },
      guardrails: { suppressions: [{ rule: 'GPB-AWS-013', path: 'cluster', reason: 'break-glass access during a migration' }] },
    },
    'cluster.endpoint.publicAccessCidrs',
    /every IPv4 address/,
  ],
  [
    'a public endpoint in prod',
    {
      ...structuredClone(prod),
      cluster: { ...structuredClone(prod.cluster), endpoint: { publicAccess: true, publicAccessCidrs: ['203.0.113.0/24'] } },
    },
    'cluster.endpoint.publicAccess',
    /GPB-AWS-013/,
  ],
];

describe('bad input: one clear problem per mistake', () => {
  it.each(CASES)('%s', (_kind, input, at, says) => {
    const label = (input as { name?: string }).name ?? 'dev';
    const r = checkEnvironment(input, label);
    expect(Array.isArray(r), 'accepted').toBe(true);
    const problems = r as ConfigProblem[];
    const here = problems.filter((p) => p.path === at);
    expect(here, problems.map(formatProblem).join('\n')).toHaveLength(1);
    expect(here[0].allowed).toMatch(says);
    // No cascade: nothing else is reported for one mistake.
    expect(problems.map(formatProblem)).toEqual([formatProblem(here[0])]);
    const line = formatProblem(here[0]);
    expect(line).toMatch(new RegExp(`^environment '${label}': `));
    expect(line).not.toContain('\n');
    expect(line).not.toMatch(/: null is not allowed/);
  });

  it('refuses a cluster name a registered sibling uses, even when only one environment is synthesized', () => {
    const registry = {
      dev: ENVIRONMENTS.dev,
      other: devWith({ name: 'other', cluster: { name: 'gpb-dev' }, state: { bucket: 'gpb-other-state-111122223333' } }),
    };
    const outdir = path.join(WORK, 'clash');
    expect(() => synthesize({ outdir, registry, envNames: ['dev'] })).toThrow(
      /environment 'dev': cluster\.name: 'gpb-dev' is not allowed: must differ from environment 'other' in the same region \(registered, though not synthesized now\)/,
    );
    expect(existsSync(outdir)).toBe(false);
  });
});

/** A small deterministic PRNG (mulberry32), so a failing mutation can be replayed by its index. */
function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

type Path = (string | number)[];
function leaves(value: unknown, at: Path = []): Path[] {
  if (Array.isArray(value)) return value.length === 0 ? [at] : value.flatMap((v, i) => leaves(v, [...at, i]));
  if (value && typeof value === 'object') return Object.entries(value).flatMap(([k, v]) => leaves(v, [...at, k]));
  return [at];
}
function setAt(root: unknown, at: Path, value: unknown): unknown {
  const copy = structuredClone(root) as Record<string | number, unknown>;
  let node = copy as Record<string | number, unknown>;
  for (const key of at.slice(0, -1)) node = node[key] as Record<string | number, unknown>;
  if (at.length === 0) return value;
  node[at[at.length - 1]] = value;
  return copy;
}

const MUTATIONS: [string, (old: unknown) => unknown][] = [
  ['NaN', () => Number.NaN],
  ['Infinity', () => Number.POSITIVE_INFINITY],
  ['-1', () => -1],
  ['1e12', () => 1e12],
  ['empty string', () => ''],
  ['a long string', () => 'x'.repeat(300)],
  ['null', () => null],
  ['an empty object', () => ({})],
  ['an empty array', () => []],
  ['the wrong type', (old) => (typeof old === 'string' ? 42 : 'forty-two')],
  ['a reserved key', () => JSON.parse('{"__proto__": {"polluted": true}}')],
];

describe('bad input: generated mutations of the reference environments', () => {
  it('every mutation is accepted or refused with one clear line per problem, never a throw', () => {
    const random = prng(20261202);
    let refused = 0;
    let accepted = 0;
    for (const [name, input] of Object.entries(ENVIRONMENTS)) {
      const paths = leaves(input);
      for (let n = 0; n < 120; n++) {
        const at = paths[Math.floor(random() * paths.length)];
        const [label, mutate] = MUTATIONS[Math.floor(random() * MUTATIONS.length)];
        const mutated = setAt(input, at, mutate(at.reduce<unknown>((v, k) => (v as Record<string | number, unknown>)[k], input)));
        const where = `${name}: ${at.join('.')} := ${label} (mutation ${n})`;
        let r: ReturnType<typeof checkEnvironment>;
        try {
          r = checkEnvironment(mutated, name);
        } catch (e) {
          throw new Error(`${where}: threw ${(e as Error).stack}`);
        }
        if (!Array.isArray(r)) {
          accepted++;
          continue;
        }
        refused++;
        expect(r.length, where).toBeGreaterThan(0);
        for (const p of r) {
          const line = formatProblem(p);
          expect(line, where).toMatch(new RegExp(`^environment '${name}': [^ ]+: .+ is not allowed: .+`));
          expect(line, where).not.toContain('\n');
          expect(p.allowed.trim().length, where).toBeGreaterThan(5);
        }
      }
    }
    expect(refused).toBeGreaterThan(200);
    expect(accepted).toBeGreaterThan(0);
  });

  it('an accepted mutation synthesizes, and a refused one writes nothing (a sample, through synthesize)', () => {
    const random = prng(7);
    const base = ENVIRONMENTS.dev;
    const paths = leaves(base);
    const accepted: unknown[] = [];
    const refused: unknown[] = [];
    for (let n = 0; n < 400 && (accepted.length < 3 || refused.length < 3); n++) {
      const at = paths[Math.floor(random() * paths.length)];
      const [, mutate] = MUTATIONS[Math.floor(random() * MUTATIONS.length)];
      const mutated = setAt(base, at, mutate(undefined));
      (Array.isArray(checkEnvironment(mutated, 'dev')) ? refused : accepted).push(mutated);
    }
    expect(accepted.length).toBeGreaterThan(0);
    [...accepted.slice(0, 3), ...refused.slice(0, 3)].forEach((mutated, n) => {
      const outdir = path.join(WORK, `m${n}`);
      try {
        synthesize({ outdir, registry: { dev: mutated as typeof base } });
        expect(existsSync(path.join(outdir, 'manifest.json'))).toBe(true);
      } catch (e) {
        expect(e, (e as Error).stack).toBeInstanceOf(BlueprintError);
        if (e instanceof ConfigError) expect(existsSync(outdir)).toBe(false);
      }
    });
  });
});
