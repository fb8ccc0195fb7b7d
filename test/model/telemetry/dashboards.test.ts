import { describe, expect, it } from 'vitest';
import { ruleGroups } from '../../../model/telemetry/alert-rules';
import { DASHBOARDS, dashboardsFor, grafanaJson } from '../../../model/telemetry/dashboards';
import { metricsOf, type MetricSource } from '../../../model/telemetry/metric-catalog';
import { sloSchema } from '../../../environments/observability-schema';
import { parsePromql } from './promql';

type Obj = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

describe.each(DASHBOARDS.map((d) => [d.uid, d] as const))('dashboard %s', (_uid, d) => {
  const sources = new Set<MetricSource>(d.sources);
  const known = metricsOf(sources);
  const recorded = new Set(
    ruleGroups(sloSchema.parse({}), sources).flatMap((g) => g.rules.flatMap((r) => ('record' in r ? [r.record] : []))),
  );

  it('queries parse and read only metrics (or recording rules) of its sources', () => {
    for (const p of d.panels) {
      for (const q of p.queries) {
        const { errors, metrics } = parsePromql(q.expr);
        expect(errors, q.expr).toEqual([]);
        for (const m of metrics) expect(known.has(m) || recorded.has(m), `${d.uid} / ${p.title}: ${m}`).toBe(true);
      }
    }
  });

  it('renders Grafana JSON with a data source variable and one target per query', () => {
    const json = grafanaJson(d) as Obj;
    expect(json).toMatchObject({ uid: d.uid, title: d.title, schemaVersion: 39 });
    expect(json.templating.list[0]).toMatchObject({ name: 'datasource', type: 'datasource', query: 'prometheus' });
    expect(json.panels).toHaveLength(d.panels.length);
    json.panels.forEach((p: Obj, i: number) => {
      expect(p.datasource).toEqual({ type: 'prometheus', uid: '${datasource}' });
      expect(p.targets.map((t: Obj) => t.expr)).toEqual(d.panels[i].queries.map((q) => q.expr));
    });
    expect(new Set(json.panels.map((p: Obj) => `${p.gridPos.x},${p.gridPos.y}`)).size).toBe(d.panels.length);
  });
});

describe('dashboardsFor', () => {
  it('ships a dashboard only when every source it reads is scraped', () => {
    expect(dashboardsFor(new Set<MetricSource>(['dcgm', 'k8s_cluster', 'vllm'])).map((d) => d.uid)).toEqual([
      'gpb-gpu-fleet',
      'gpb-model-serving',
    ]);
    expect(dashboardsFor(new Set<MetricSource>(['gateway', 'semantic_cache'])).map((d) => d.uid)).toEqual([
      'gpb-gateway',
      'gpb-semantic-cache',
    ]);
    expect(dashboardsFor(new Set<MetricSource>(['dcgm'])).map((d) => d.uid)).toEqual([]);
  });
});
