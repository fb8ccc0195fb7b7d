import { describe, expect, it } from 'vitest';
import { parsePromql } from './promql';

// The checks below lean on this helper; it must tell good from bad.
describe('parsePromql (test helper)', () => {
  it('finds every selected metric, colons included, and no errors in valid PromQL', () => {
    const r = parsePromql(
      'histogram_quantile(0.95, sum by (model, le) (rate(vllm:e2e_request_latency_seconds_bucket{source="vllm"}[5m]))) > 2 and up offset 1d',
    );
    expect(r.errors).toEqual([]);
    expect(r.metrics).toEqual(['vllm:e2e_request_latency_seconds_bucket', 'up']);
  });

  it('reports syntax errors', () => {
    expect(parsePromql('sum by (model (rate(x[5m]))').errors.length).toBeGreaterThan(0);
    expect(parsePromql('rate(x[5m]) >').errors.length).toBeGreaterThan(0);
  });

  it('does not count label names or functions as metrics', () => {
    expect(parsePromql('label_replace(sum by (model) (rate(a_total[5m])), "x", "$1", "model", "(.*)")').metrics).toEqual(['a_total']);
  });
});
