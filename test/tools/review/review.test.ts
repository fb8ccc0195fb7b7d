import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { REFERENCE_ENVIRONMENTS as ENVIRONMENTS } from '../../../environments';
import type { EnvironmentInput } from '../../../environments/schema';
import { diffValues } from '../../../tools/review/diff';
import { DISRUPTIVE_TYPES, replacementReasons } from '../../../tools/review/replacement';
import { display, MASK } from '../../../tools/review/mask';
import { toMarkdown } from '../../../tools/review/markdown';
import { buildReview, type Review } from '../../../tools/review/review';
import { loadSynthOutput, splitStackId } from '../../../tools/review/synth-output';
import { PolicyError, synthesize } from '../../../tools/synthesize';
import { devWith, MISSCOPED_ENDPOINT_SUPPRESSION, prodLikeDev } from '../../helpers';

const WORK = mkdtempSync(path.join(tmpdir(), 'gpb-review-test-'));
afterAll(() => rmSync(WORK, { recursive: true, force: true }));
let n = 0;

/** Synthesizes a registry into a fresh directory, keeping the output even on policy errors. */
function synthDir(registry: Record<string, EnvironmentInput>): string {
  const outdir = path.join(WORK, `out${n++}`);
  try {
    synthesize({ outdir, registry });
  } catch (e) {
    if (!(e instanceof PolicyError)) throw e;
  }
  return outdir;
}

function review(base: Record<string, EnvironmentInput>, head: Record<string, EnvironmentInput>): Review {
  return buildReview(loadSynthOutput(synthDir(base)), loadSynthOutput(synthDir(head)), { base: 'base', head: 'head' });
}

const BASE = synthDir({ dev: ENVIRONMENTS.dev });
const dev = (patch: unknown) => ({ dev: devWith(patch) });
const reviewAgainstBase = (head: Record<string, EnvironmentInput>) =>
  buildReview(loadSynthOutput(BASE), loadSynthOutput(synthDir(head)), { base: 'base', head: 'head' });

describe('review of two synth outputs', () => {
  it('reports nothing when nothing changed', () => {
    const r = reviewAgainstBase({ dev: ENVIRONMENTS.dev });
    expect(r.environments.map((e) => [e.environment, e.status])).toEqual([['dev', 'unchanged']]);
    expect(toMarkdown(r)).toContain('No infrastructure changes in any environment.');
  });

  it('lists added, changed and removed resources with attribute paths and values', () => {
    // interface endpoint added, flow log retention changed, NAT gateway ... per-az adds one
    const r = reviewAgainstBase(
      dev({ network: { interfaceEndpoints: ['ecr.api', 'ecr.dkr', 'sts', 'eks-auth', 'logs'], flowLogs: { retentionDays: 30 } } }),
    );
    const net = r.environments[0].stacks.find((s) => s.layer === 'network')!;
    expect(net.changes.filter((c) => c.kind === 'added').map((c) => c.address)).toEqual([
      expect.stringMatching(/^aws_vpc_endpoint\.Endpoints_Endpoint-logs_/),
    ]);
    const logGroup = net.changes.find((c) => c.type === 'aws_cloudwatch_log_group')!;
    expect(logGroup.attributes).toEqual([{ path: 'retention_in_days', before: 14, after: 30 }]);
    const fewer = reviewAgainstBase(dev({ network: { interfaceEndpoints: ['ecr.api', 'ecr.dkr', 'sts'] } }));
    expect(fewer.environments[0].counts.removed).toBe(1);
  });

  it('flags replacement of stateful and disruptive resources loudly', () => {
    const r = reviewAgainstBase(dev({ cluster: { name: 'gpb-dev-2' } }));
    const env = r.environments[0];
    expect(env.disruptive).toContainEqual(
      expect.objectContaining({ stack: 'dev-cluster', how: 'replaced', what: expect.stringContaining('EKS cluster'), because: ['name'] }),
    );
    const md = toMarkdown(r);
    expect(md).toContain('> [!CAUTION]');
    expect(md).toMatch(/`aws_eks_cluster\.Cluster_\w+`: EKS cluster \(every workload on it\) \*\*replaced\*\* \(force-new: name\)/);
    expect(md).toContain('| -/+ | `aws_eks_cluster.');
  });

  it('knows which telemetry and secret changes replace, and what replacing them loses', () => {
    expect(replacementReasons('aws_prometheus_workspace', ['alias', 'kms_key_arn'])).toEqual(['kms_key_arn']);
    expect(replacementReasons('aws_cloudwatch_log_group', ['retention_in_days'])).toEqual([]);
    expect(replacementReasons('aws_secretsmanager_secret', ['name'])).toEqual(['name']);
    expect(DISRUPTIVE_TYPES.aws_prometheus_workspace).toContain('stored metrics');
    expect(DISRUPTIVE_TYPES.aws_cloudwatch_log_group).toContain('stored logs');
  });

  it('flags removal of a NAT gateway and of node groups', () => {
    const r = reviewAgainstBase(
      dev({ network: { natStrategy: 'none', interfaceEndpoints: ['ecr.api', 'ecr.dkr', 'sts', 'eks-auth', 'ec2'] } }),
    );
    expect(r.environments[0].disruptive.map((d) => [d.how, d.address.split('.')[0]])).toContainEqual(['destroyed', 'aws_nat_gateway']);
  });

  it('shows GPU capacity and cost before and after', () => {
    const r = reviewAgainstBase(
      dev({ gpu: { pools: [{ ...ENVIRONMENTS.dev.gpu!.pools![0], gpuLimit: 6 }] }, budget: { monthlyGpuUsd: 4000 } }),
    );
    const env = r.environments[0];
    expect(env.gpu.capacities).toEqual([{ name: 'dev-l4', gpusBefore: 4, gpusAfter: 6 }]);
    expect(env.gpu.before!.cappedMonthlyUsd).toBeCloseTo(2350.016);
    expect(env.gpu.after!.cappedMonthlyUsd).toBeCloseTo(3525.024);
    const md = toMarkdown(r);
    // the budget stands next to the capped cost, before and after
    expect(md).toContain('| dev | 0 / 1 / 0 | 0 | 4 → 6 (+2) | $0 | $2,350 → $3,525 (+$1,175) | $3,000 → $4,000 | 0 / 0 |');
    expect(md).toContain('| dev-l4 | 4 → 6 (+2) |');
  });

  it("shows a change deep inside the gateway's config as the lines that differ", () => {
    // given a routing change, which lands inside LiteLLM's config (a long YAML string)
    const r = reviewAgainstBase(dev({ serving: { gateway: { routingStrategy: 'simple-shuffle' } } }));
    const md = toMarkdown(r);
    // then the old and new lines are shown, not two values cut at the same prefix
    expect(md).toMatch(/```diff\n(?:.*\n)*-.*least-busy.*\n(?:.*\n)*\+.*simple-shuffle/);
    expect(md).toMatch(/lines, [12] changed \(diff below\)/);
  });

  it('does not call a Job replaced by design (its name carries a hash of what it runs) a disruption', () => {
    // given a tenant change, which makes a new tenant-sync Job
    const tenants = ENVIRONMENTS.dev.serving!.gateway!.tenants!;
    const r = reviewAgainstBase(
      dev({
        serving: { gateway: { tenants: [{ ...tenants[0], requestsPerMinute: tenants[0].requestsPerMinute + 1 }, ...tenants.slice(1)] } },
      }),
    );
    const env = r.environments[0];
    const job = env.stacks.flatMap((s) => s.changes).find((c) => c.replacedBecause.includes('manifest.metadata.name'));
    expect(job, 'the Job is replaced').toBeDefined();
    expect(job!.disruption).toBeUndefined();
    expect(env.disruptive.filter((d) => d.address === job!.address)).toEqual([]);
    expect(toMarkdown(r)).not.toContain('[!CAUTION]');
  });

  it('shows policy findings that are new and those that are fixed', () => {
    const bad = { dev: prodLikeDev({ guardrails: MISSCOPED_ENDPOINT_SUPPRESSION }) };
    const worse = buildReview(loadSynthOutput(BASE), loadSynthOutput(synthDir(bad)), { base: 'b', head: 'h' });
    expect(worse.environments[0].policy.new.map((f) => f.ruleId)).toContain('GPB-AWS-013');
    const better = buildReview(loadSynthOutput(synthDir(bad)), loadSynthOutput(BASE), { base: 'b', head: 'h' });
    expect(better.environments[0].policy.fixed.map((f) => f.ruleId)).toContain('GPB-AWS-013');
    expect(toMarkdown(better)).toMatch(/\| fixed \| GPB-AWS-013 \| dev-cluster \|/);
  });

  it('reports environments added and removed', () => {
    const staging = { ...ENVIRONMENTS.staging };
    const r = reviewAgainstBase({ dev: ENVIRONMENTS.dev, staging });
    const added = r.environments.find((e) => e.environment === 'staging')!;
    expect(added.status).toBe('added');
    expect(added.counts.added).toBeGreaterThan(50);
    expect(toMarkdown(r)).toContain('| staging (new) |');
    const back = review({ dev: ENVIRONMENTS.dev, staging }, { dev: ENVIRONMENTS.dev });
    const removed = back.environments.find((e) => e.environment === 'staging')!;
    expect(removed.status).toBe('removed');
    expect(removed.disruptive.some((d) => d.address.startsWith('aws_eks_cluster.') && d.how === 'destroyed')).toBe(true);
  });

  it('produces JSON with the same facts', () => {
    const r = reviewAgainstBase(dev({ cluster: { logRetentionDays: 90 } }));
    const json = JSON.parse(JSON.stringify(r)) as Review;
    // the control plane log group and the cache's slow log follow the environment's log retention
    expect(json.environments[0]).toMatchObject({
      environment: 'dev',
      status: 'changed',
      counts: { added: 0, changed: 2, removed: 0, replaced: 0 },
    });
    expect(Object.keys(json)).toEqual(['base', 'head', 'environments']);
  });

  it('orders stacks by layer and draws the layers as a Mermaid flowchart', () => {
    const r = reviewAgainstBase(dev({ cluster: { logRetentionDays: 90 } }));
    expect(r.environments[0].stacks.map((s) => s.layer)).toEqual(['network', 'cluster', 'data', 'platform', 'gpu', 'serving']);
    const md = toMarkdown(r);
    expect(md).toContain(
      '```mermaid\nflowchart LR\n  dev_network["network<br/>+0 ~0 -0<br/><small>VPC x1<br/>subnets x6<br/>NAT gateways x1<br/>VPC endpoints x5</small>"]',
    );
    expect(r.environments[0].stacks[1].mainResources).toEqual(expect.arrayContaining(['EKS cluster x1', 'node groups x1', 'add-ons x5']));
    expect(md).toContain('dev_network --> dev_cluster');
    expect(md).toContain('class dev_cluster changed');
  });
});

describe('secrets and renames', () => {
  function fixture(name: string, resources: Record<string, Record<string, Record<string, unknown>>>): string {
    const dir = path.join(WORK, name);
    mkdirSync(path.join(dir, 'stacks', 'x-data'), { recursive: true });
    writeFileSync(
      path.join(dir, 'manifest.json'),
      JSON.stringify({ stacks: { 'x-data': { synthesizedStackPath: 'stacks/x-data/cdk.tf.json' } } }),
    );
    writeFileSync(path.join(dir, 'stacks', 'x-data', 'cdk.tf.json'), JSON.stringify({ resource: resources }));
    return dir;
  }

  it('masks secret values in changes', () => {
    const base = fixture('s1', { aws_db_instance: { Db: { password: 'hunter2-old', instance_class: 'db.t4g.small' } } });
    const head = fixture('s2', { aws_db_instance: { Db: { password: 'hunter2-new', instance_class: 'db.t4g.medium' } } });
    const md = toMarkdown(buildReview(loadSynthOutput(base), loadSynthOutput(head), { base: 'a', head: 'b' }));
    expect(md).not.toContain('hunter2');
    expect(md).toContain(`| \`password\` | ${MASK} | ${MASK} |`);
    expect(md).toContain('"db.t4g.medium"');
    expect(display('settings.auth_token', 'abc')).toBe(MASK);
    expect(display('instance_class', 'db.t4g.small')).toBe('"db.t4g.small"');
  });

  it('spots a construct id rename and asks for a moved block', () => {
    const base = fixture('r1', { aws_sqs_queue: { Queue_AAAA: { name: 'q', sqs_managed_sse_enabled: true } } });
    const head = fixture('r2', { aws_sqs_queue: { Jobs_BBBB: { name: 'q', sqs_managed_sse_enabled: true } } });
    const r = buildReview(loadSynthOutput(base), loadSynthOutput(head), { base: 'a', head: 'b' });
    expect(r.environments[0].stacks[0].possibleRenames).toEqual([{ from: 'aws_sqs_queue.Queue_AAAA', to: 'aws_sqs_queue.Jobs_BBBB' }]);
    expect(toMarkdown(r)).toContain('looks like a rename: add a `moved` block');
  });

  it('fails clearly on a directory that is not a synth output', () => {
    expect(() => loadSynthOutput(path.join(WORK, 'nothing-here'))).toThrow(/is not a synth output: no manifest\.json/);
  });
});

describe('helpers', () => {
  it('diffs nested values down to leaves', () => {
    expect(diffValues({ a: { b: [1, 2] }, c: 1 }, { a: { b: [1, 3] }, c: 1, d: 'x' }, '')).toEqual([
      { path: 'a.b[1]', before: 2, after: 3 },
      { path: 'd', before: undefined, after: 'x' },
    ]);
  });

  it('splits stack ids whose environment name has hyphens', () => {
    expect(splitStackId('acme-prod-eu-cluster')).toEqual({ environment: 'acme-prod-eu', layer: 'cluster' });
    expect(splitStackId('dev-gpu')).toEqual({ environment: 'dev', layer: 'gpu' });
  });
});
