import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { isAlert, ruleGroups, type AlertRule } from '../../../model/telemetry/alert-rules';
import { METRIC_CATALOG, metricsOf, type MetricSource } from '../../../model/telemetry/metric-catalog';
import { REFERENCE_ENVIRONMENTS as ENVIRONMENTS } from '../../../environments';
import { sloSchema } from '../../../environments/observability-schema';
import { validateEnvironments } from '../../../environments/validate';
import { expectedMetricSources } from '../../../stacks/telemetry-sources';
import { parsePromql } from './promql';

const ALL_SOURCES = Object.keys(METRIC_CATALOG) as MetricSource[];
const SLO = sloSchema.parse({});
const DOC = readFileSync('docs/observability.md', 'utf8');
/** GitHub's anchors of the doc's headings. */
const ANCHORS = new Set(
  [...DOC.matchAll(/^#+ (.+)$/gm)].map((m) =>
    m[1]
      .trim()
      .toLowerCase()
      .replace(/[^a-z0-9 -]/g, '')
      .replace(/ /g, '-'),
  ),
);

describe.each(validateEnvironments(ENVIRONMENTS).map((e) => [e.name, e] as const))('alert rules of %s', (_name, env) => {
  const sources = expectedMetricSources(env);
  const groups = ruleGroups(env.observability.slo, sources);
  const rules = groups.flatMap((g) => g.rules.map((r) => ({ group: g, rule: r })));
  const known = metricsOf(sources);
  const recorded = new Set(rules.flatMap(({ rule }) => ('record' in rule ? [rule.record] : [])));

  it.each(rules.map(({ group, rule }) => [isAlert(rule) ? rule.alert : rule.record, group.source, rule.expr] as const))(
    '%s (%s) parses and reads only metrics its scraped source exposes',
    (_id, source, expr) => {
      const { errors, metrics } = parsePromql(expr);
      expect(errors, expr).toEqual([]);
      expect(metrics.length).toBeGreaterThan(0);
      for (const m of metrics) {
        expect(known.has(m) || recorded.has(m), `${m} in ${expr}`).toBe(true);
        expect(
          METRIC_CATALOG[source].metrics.includes(m) || METRIC_CATALOG.k8s_cluster.metrics.includes(m),
          `${m} belongs to ${source}`,
        ).toBe(true);
      }
    },
  );

  it('has a group for each scraped source with rules, and none for sources it does not scrape', () => {
    const groupSources = new Set(groups.map((g) => g.source));
    for (const s of groupSources) expect(sources.has(s)).toBe(true);
    if (sources.has('dcgm')) expect(groupSources.has('dcgm')).toBe(true);
    if (sources.has('vllm')) expect(groupSources.has('vllm')).toBe(true);
    expect(groupSources.has('gateway')).toBe(true); // every reference environment serves a vLLM model
    expect(groupSources.has('semantic_cache')).toBe(true); // every reference environment runs the gateway's semantic cache
  });

  it('puts the environment SLOs into the thresholds', () => {
    const slo = env.observability.slo;
    const byName = new Map(rules.filter(({ rule }) => isAlert(rule)).map(({ rule }) => [(rule as AlertRule).alert, rule.expr]));
    if (sources.has('vllm')) {
      expect(byName.get('ModelTimeToFirstTokenSlo')).toMatch(new RegExp(`> ${slo.ttftP95Seconds}$`));
      expect(byName.get('ModelLatencySlo')).toMatch(new RegExp(`> ${slo.e2eP95Seconds}$`));
      expect(byName.get('ModelErrorRate')).toMatch(new RegExp(`> ${slo.errorRatePercent / 100}$`));
    }
    if (sources.has('dcgm')) expect(byName.get('GpuIdle')).toMatch(new RegExp(`< ${slo.gpuIdlePercent}$`));
  });

  it('links every alert to an entry in docs/observability.md', () => {
    for (const { rule } of rules) {
      if (!isAlert(rule)) continue;
      expect(rule.annotations.runbook).toBe(`docs/observability.md#${rule.alert.toLowerCase()}`);
      expect(ANCHORS.has(rule.alert.toLowerCase()), `heading for ${rule.alert}`).toBe(true);
    }
  });
});

describe('ruleGroups', () => {
  const all = ruleGroups(SLO, new Set(ALL_SOURCES));
  const alerts = all.flatMap((g) => g.rules.filter(isAlert));

  it('covers the quiet failures: idle and saturated GPUs, queues, TTFT and latency SLOs, errors, KV cache, cache hit rate, nodes, pending GPU pods', () => {
    expect(alerts.map((a) => a.alert)).toEqual(
      expect.arrayContaining([
        'GpuIdle',
        'GpuSaturated',
        'GpuXidError',
        'ModelQueueDepth',
        'ModelTimeToFirstTokenSlo',
        'ModelLatencySlo',
        'ModelErrorRate',
        'ModelKvCacheFull',
        'TritonQueueDepth',
        'TritonErrorRate',
        'SemanticCacheHitRateDrop',
        'GatewayErrorRate',
        'NodeNotReady',
        'GpuPodsPending',
      ]),
    );
  });

  it('NodeNotReady fires for a node whose condition is false (0) or unknown (-1: the kubelet stopped reporting), not for a ready one', () => {
    const expr = alerts.find((a) => a.alert === 'NodeNotReady')!.expr;
    // The k8s_cluster receiver reports 1, 0 or -1; apply the alert's own comparison to each.
    const m = /\)\s*(==|!=|<=|>=|<|>)\s*(-?\d+)\s*$/.exec(expr);
    expect(m, expr).not.toBeNull();
    const [, op, rhs] = m!;
    const fires = (v: number) =>
      ({ '==': v === +rhs, '!=': v !== +rhs, '<': v < +rhs, '<=': v <= +rhs, '>': v > +rhs, '>=': v >= +rhs })[op as '=='];
    expect([1, 0, -1].map(fires)).toEqual([false, true, true]);
  });

  it('has valid PromQL over catalogued metrics for every source (gateway and Triton included)', () => {
    const known = metricsOf(ALL_SOURCES);
    const recorded = new Set(all.flatMap((g) => g.rules.flatMap((r) => ('record' in r ? [r.record] : []))));
    for (const g of all) {
      for (const r of g.rules) {
        const { errors, metrics } = parsePromql(r.expr);
        expect(errors, r.expr).toEqual([]);
        for (const m of metrics) expect(known.has(m) || recorded.has(m), m).toBe(true);
      }
    }
  });

  it('records token usage with GenAI semantic-convention labels', () => {
    const usage = all.flatMap((g) => g.rules).filter((r) => 'record' in r && r.record === 'gen_ai_server_token_usage:rate5m');
    expect(usage.map((r) => r.expr)).toEqual([
      expect.stringContaining('"gen_ai_token_type", "input"'),
      expect.stringContaining('"gen_ai_token_type", "output"'),
    ]);
    for (const r of usage) expect(r.expr).toContain('"gen_ai_request_model", "$1", "model"');
  });

  it('gives each alert a severity, a duration and unique name', () => {
    const names = alerts.map((a) => a.alert);
    expect(new Set(names).size).toBe(names.length);
    for (const a of alerts) {
      expect(['critical', 'warning']).toContain(a.labels.severity);
      expect(a.for).toMatch(/^\d+[mh]$/);
    }
  });

  it('writes no rule for a source that is not scraped', () => {
    expect(ruleGroups(SLO, new Set<MetricSource>(['kubeletstats']))).toEqual([]);
    expect(ruleGroups(SLO, new Set<MetricSource>(['k8s_cluster'])).map((g) => g.name)).toEqual(['cluster']);
  });
});
