import type { MetricSource } from './metric-catalog';

/** One Grafana time-series panel. */
export interface PanelSpec {
  readonly title: string;
  readonly unit: string;
  readonly queries: readonly { readonly expr: string; readonly legend: string }[];
}

export interface DashboardSpec {
  /** Grafana uid and file name. */
  readonly uid: string;
  readonly title: string;
  /** Sources the dashboard reads; it is shipped only when all are scraped. */
  readonly sources: readonly MetricSource[];
  readonly panels: readonly PanelSpec[];
}

const q = (expr: string, legend: string) => ({ expr, legend });

/** The dashboards: GPU fleet, model serving (vLLM, Triton), gateway, semantic cache. */
export const DASHBOARDS: readonly DashboardSpec[] = [
  {
    uid: 'gpb-gpu-fleet',
    title: 'GPU fleet',
    sources: ['dcgm', 'k8s_cluster'],
    panels: [
      { title: 'GPU utilization by node', unit: 'percent', queries: [q('gpb:gpu_utilization:avg5m', '{{Hostname}} {{modelName}}')] },
      {
        title: 'Idle GPUs (under 10% for 30m)',
        unit: 'short',
        queries: [q('count(avg by (Hostname, gpu) (avg_over_time(DCGM_FI_DEV_GPU_UTIL[30m])) < 10)', 'idle GPUs')],
      },
      {
        title: 'Tensor core activity',
        unit: 'percentunit',
        queries: [q('avg by (Hostname) (DCGM_FI_PROF_PIPE_TENSOR_ACTIVE)', '{{Hostname}}')],
      },
      { title: 'GPU memory used', unit: 'bytes', queries: [q('gpb:gpu_memory_used_bytes', '{{Hostname}}')] },
      { title: 'GPU temperature', unit: 'celsius', queries: [q('max by (Hostname) (DCGM_FI_DEV_GPU_TEMP)', '{{Hostname}}')] },
      { title: 'Power draw', unit: 'watt', queries: [q('sum by (Hostname) (DCGM_FI_DEV_POWER_USAGE)', '{{Hostname}}')] },
      { title: 'XID errors', unit: 'short', queries: [q('max by (Hostname, gpu) (DCGM_FI_DEV_XID_ERRORS)', '{{Hostname}} gpu {{gpu}}')] },
      {
        title: 'Model pods pending',
        unit: 'short',
        queries: [q('count(k8s_pod_phase{k8s_namespace_name="gpb-serving"} == 1)', 'pending')],
      },
    ],
  },
  {
    uid: 'gpb-model-serving',
    title: 'Model serving (vLLM)',
    sources: ['vllm'],
    panels: [
      { title: 'Requests per second', unit: 'reqps', queries: [q('gpb:model_requests:rate5m', '{{model}}')] },
      {
        title: 'Tokens per second (in / out)',
        unit: 'short',
        queries: [q('gen_ai_server_token_usage:rate5m', '{{gen_ai_request_model}} {{gen_ai_token_type}}')],
      },
      { title: 'p95 time to first token', unit: 's', queries: [q('gen_ai_server_time_to_first_token:p95', '{{gen_ai_request_model}}')] },
      { title: 'p95 end-to-end latency', unit: 's', queries: [q('gen_ai_server_request_duration:p95', '{{gen_ai_request_model}}')] },
      {
        title: 'Requests waiting / running',
        unit: 'short',
        queries: [
          q('sum by (model) (vllm:num_requests_waiting)', '{{model}} waiting'),
          q('sum by (model) (vllm:num_requests_running)', '{{model}} running'),
        ],
      },
      { title: 'KV-cache usage', unit: 'percentunit', queries: [q('max by (model) (vllm:kv_cache_usage_perc)', '{{model}}')] },
      {
        title: 'Prefix cache hit rate',
        unit: 'percentunit',
        queries: [
          q(
            'sum by (model) (rate(vllm:prefix_cache_hits_total[5m])) / sum by (model) (rate(vllm:prefix_cache_queries_total[5m]))',
            '{{model}}',
          ),
        ],
      },
      { title: 'Preemptions', unit: 'short', queries: [q('sum by (model) (rate(vllm:num_preemptions_total[5m]))', '{{model}}')] },
      {
        title: 'Server errors',
        unit: 'reqps',
        queries: [q('sum by (model) (rate(http_requests_total{source="vllm", status="5xx"}[5m]))', '{{model}}')],
      },
    ],
  },
  {
    uid: 'gpb-model-serving-triton',
    title: 'Model serving (Triton)',
    sources: ['triton'],
    panels: [
      { title: 'Inferences per second', unit: 'reqps', queries: [q('gpb:model_requests:rate5m{source="triton"}', '{{model}}')] },
      { title: 'Mean request time', unit: 's', queries: [q('gen_ai_server_request_duration:mean', '{{gen_ai_request_model}}')] },
      { title: 'Pending requests', unit: 'short', queries: [q('sum by (model) (nv_inference_pending_request_count)', '{{model}}')] },
      { title: 'Failures', unit: 'reqps', queries: [q('sum by (model) (rate(nv_inference_request_failure[5m]))', '{{model}}')] },
    ],
  },
  {
    uid: 'gpb-gateway',
    title: 'Gateway',
    sources: ['gateway'],
    panels: [
      { title: 'Requests per second', unit: 'reqps', queries: [q('sum(rate(litellm_proxy_total_requests_metric_total[5m]))', 'requests')] },
      { title: 'Failed requests', unit: 'reqps', queries: [q('sum(rate(litellm_proxy_failed_requests_metric_total[5m]))', 'failed')] },
      {
        title: 'Tokens per second at the gateway',
        unit: 'short',
        queries: [q('gen_ai_client_token_usage:rate5m', '{{model}} {{gen_ai_token_type}}')],
      },
      { title: 'Fallbacks', unit: 'short', queries: [q('sum(rate(litellm_deployment_successful_fallbacks_total[5m]))', 'fallbacks')] },
      {
        title: 'p95 gateway latency',
        unit: 's',
        queries: [q('histogram_quantile(0.95, sum by (le) (rate(litellm_request_total_latency_metric_bucket[5m])))', 'p95')],
      },
    ],
  },
  {
    uid: 'gpb-semantic-cache',
    title: 'Semantic cache',
    sources: ['semantic_cache'],
    panels: [
      { title: 'Semantic cache hit ratio (1h)', unit: 'percentunit', queries: [q('gpb:semantic_cache_hit_ratio:1h', 'hit ratio')] },
      {
        title: 'Cache hits and misses',
        unit: 'reqps',
        queries: [
          q('sum by (model) (rate(litellm_cache_hits_metric_total[5m]))', '{{model}} hits'),
          q('sum by (model) (rate(litellm_cache_misses_metric_total[5m]))', '{{model}} misses'),
        ],
      },
    ],
  },
];

/** The dashboards an environment gets: those whose sources it all scrapes. */
export function dashboardsFor(sources: ReadonlySet<MetricSource>): DashboardSpec[] {
  return DASHBOARDS.filter((d) => d.sources.every((s) => sources.has(s)));
}

/** A dashboard as Grafana JSON (schema 39), with a Prometheus data source variable to pick AMP. */
export function grafanaJson(d: DashboardSpec): object {
  const ds = { type: 'prometheus', uid: '${datasource}' };
  return {
    uid: d.uid,
    title: d.title,
    tags: ['gpu-platform-blueprint'],
    schemaVersion: 39,
    editable: true,
    time: { from: 'now-6h', to: 'now' },
    refresh: '1m',
    templating: { list: [{ name: 'datasource', type: 'datasource', query: 'prometheus', label: 'Prometheus (AMP)' }] },
    panels: d.panels.map((p, i) => ({
      id: i + 1,
      type: 'timeseries',
      title: p.title,
      datasource: ds,
      gridPos: { h: 8, w: 12, x: (i % 2) * 12, y: Math.floor(i / 2) * 8 },
      fieldConfig: { defaults: { unit: p.unit }, overrides: [] },
      targets: p.queries.map((t, j) => ({ refId: String.fromCharCode(65 + j), datasource: ds, expr: t.expr, legendFormat: t.legend })),
    })),
  };
}
