import type { MetricSource } from './metric-catalog';

/** The service levels the alerts hold each environment to (environments/observability-schema.ts parses them). */
export interface SloConfig {
  readonly ttftP95Seconds: number;
  readonly e2eP95Seconds: number;
  readonly errorRatePercent: number;
  readonly gpuIdlePercent: number;
  readonly kvCachePercent: number;
  readonly queueDepthPerReplica: number;
  readonly cacheHitRateDropPercent: number;
}

/** A Prometheus alerting rule; `runbook` is the anchor of its entry in docs/observability.md. */
export interface AlertRule {
  readonly alert: string;
  readonly expr: string;
  readonly for: string;
  readonly labels: { readonly severity: 'critical' | 'warning' };
  readonly annotations: { readonly summary: string; readonly description: string; readonly runbook: string };
}

/** A Prometheus recording rule. */
export interface RecordingRule {
  readonly record: string;
  readonly expr: string;
}

export interface RuleGroup {
  readonly name: string;
  /** Evaluation interval. */
  readonly interval: string;
  /** The component whose metrics the group reads. */
  readonly source: MetricSource;
  readonly rules: readonly (AlertRule | RecordingRule)[];
}

export const RUNBOOK_DOC = 'docs/observability.md';

/** Namespace the model servers run in (pending pods there are GPU pods waiting for capacity). */
const SERVING_NS = 'gpb-serving';

const alert = (
  alert: string,
  expr: string,
  forDuration: string,
  severity: 'critical' | 'warning',
  summary: string,
  description: string,
): AlertRule => ({
  alert,
  expr,
  for: forDuration,
  labels: { severity },
  annotations: { summary, description, runbook: `${RUNBOOK_DOC}#${alert.toLowerCase()}` },
});

/** `label_replace` that copies `model` into the GenAI semantic-convention label. */
const genAiModel = (expr: string) => `label_replace(${expr}, "gen_ai_request_model", "$1", "model", "(.*)")`;
const withLabel = (expr: string, label: string, value: string) => `label_replace(${expr}, "${label}", "${value}", "", "")`;
const p95 = (bucket: string, by: string) => `histogram_quantile(0.95, sum by (${by}, le) (rate(${bucket}[5m])))`;

/**
 * The alert and recording rules for the components an environment runs. A group exists only
 * when its source is scraped, so no rule waits on a metric nothing sends. Every model-server
 * series carries `model` (from the pod label `gpb.io/model`) and `source`, added at scrape.
 */
export function ruleGroups(slo: SloConfig, sources: ReadonlySet<MetricSource>): RuleGroup[] {
  const groups: RuleGroup[] = [];
  const has = (s: MetricSource) => sources.has(s);

  if (has('dcgm')) {
    groups.push({
      name: 'gpu-fleet',
      interval: '1m',
      source: 'dcgm',
      rules: [
        alert(
          'GpuIdle',
          `avg by (Hostname, gpu) (avg_over_time(DCGM_FI_DEV_GPU_UTIL[30m])) < ${slo.gpuIdlePercent}`,
          '1h',
          'warning',
          'GPU {{ $labels.gpu }} on {{ $labels.Hostname }} has been nearly idle for over an hour',
          `Utilization under ${slo.gpuIdlePercent}% for 90 minutes: paid for, not used. Consolidation or a lower minReplicas would release it.`,
        ),
        alert(
          'GpuSaturated',
          'avg by (Hostname) (avg_over_time(DCGM_FI_DEV_GPU_UTIL[15m])) > 95',
          '30m',
          'warning',
          'GPUs on {{ $labels.Hostname }} are saturated',
          'Utilization above 95% for 45 minutes: latency grows with load. Check queue depth and raise maxReplicas or the pool limit.',
        ),
        alert(
          'GpuXidError',
          'max by (Hostname, gpu) (DCGM_FI_DEV_XID_ERRORS) > 0',
          '5m',
          'critical',
          'GPU {{ $labels.gpu }} on {{ $labels.Hostname }} reports XID error {{ $value }}',
          'The driver reported a GPU fault. Cordon and drain the node; Karpenter replaces it.',
        ),
        { record: 'gpb:gpu_utilization:avg5m', expr: 'avg by (Hostname, modelName) (avg_over_time(DCGM_FI_DEV_GPU_UTIL[5m]))' },
        { record: 'gpb:gpu_memory_used_bytes', expr: 'sum by (Hostname) (DCGM_FI_DEV_FB_USED) * 1048576' },
      ],
    });
  }

  if (has('vllm')) {
    const m = '{source="vllm"}';
    groups.push({
      name: 'model-serving-vllm',
      interval: '1m',
      source: 'vllm',
      rules: [
        alert(
          'ModelQueueDepth',
          `sum by (model) (vllm:num_requests_waiting${m}) / count by (model) (vllm:num_requests_running${m}) > ${slo.queueDepthPerReplica}`,
          '10m',
          'warning',
          'Model {{ $labels.model }} has {{ $value }} requests waiting per replica',
          `More than ${slo.queueDepthPerReplica} waiting requests per replica for 10 minutes: the model needs more replicas or its pool more GPUs.`,
        ),
        alert(
          'ModelTimeToFirstTokenSlo',
          `${p95(`vllm:time_to_first_token_seconds_bucket${m}`, 'model')} > ${slo.ttftP95Seconds}`,
          '10m',
          'critical',
          'Model {{ $labels.model }} p95 time to first token is {{ $value }}s',
          `Above the ${slo.ttftP95Seconds}s SLO for 10 minutes. Usually queueing (see ModelQueueDepth) or long prompts (prefill).`,
        ),
        alert(
          'ModelLatencySlo',
          `${p95(`vllm:e2e_request_latency_seconds_bucket${m}`, 'model')} > ${slo.e2eP95Seconds}`,
          '10m',
          'warning',
          'Model {{ $labels.model }} p95 end-to-end latency is {{ $value }}s',
          `Above the ${slo.e2eP95Seconds}s SLO for 10 minutes.`,
        ),
        alert(
          'ModelErrorRate',
          `sum by (model) (rate(http_requests_total{source="vllm", status="5xx"}[5m])) / sum by (model) (rate(http_requests_total${m}[5m])) > ${slo.errorRatePercent / 100}`,
          '5m',
          'critical',
          'Model {{ $labels.model }} fails {{ $value | humanizePercentage }} of requests',
          `More than ${slo.errorRatePercent}% server errors for 5 minutes. Read the server logs in CloudWatch.`,
        ),
        alert(
          'ModelKvCacheFull',
          `max by (model) (vllm:kv_cache_usage_perc${m}) > ${slo.kvCachePercent / 100}`,
          '15m',
          'warning',
          'Model {{ $labels.model }} KV cache is {{ $value | humanizePercentage }} full',
          'A full KV cache makes vLLM preempt and recompute requests. Add replicas, lower max model length or use a larger GPU.',
        ),
        alert(
          'ModelPreempting',
          `sum by (model) (rate(vllm:num_preemptions_total${m}[5m])) > 0`,
          '15m',
          'warning',
          'Model {{ $labels.model }} is preempting requests',
          'Requests are evicted from the KV cache and recomputed: throughput is wasted.',
        ),
        // LLM signals, named after the OpenTelemetry GenAI semantic conventions.
        {
          record: 'gen_ai_server_token_usage:rate5m',
          expr: genAiModel(withLabel(`sum by (model) (rate(vllm:prompt_tokens_total${m}[5m]))`, 'gen_ai_token_type', 'input')),
        },
        {
          record: 'gen_ai_server_token_usage:rate5m',
          expr: genAiModel(withLabel(`sum by (model) (rate(vllm:generation_tokens_total${m}[5m]))`, 'gen_ai_token_type', 'output')),
        },
        { record: 'gen_ai_server_time_to_first_token:p95', expr: genAiModel(p95(`vllm:time_to_first_token_seconds_bucket${m}`, 'model')) },
        { record: 'gen_ai_server_request_duration:p95', expr: genAiModel(p95(`vllm:e2e_request_latency_seconds_bucket${m}`, 'model')) },
        { record: 'gpb:model_requests:rate5m', expr: `sum by (model) (rate(vllm:request_success_total${m}[5m]))` },
      ],
    });
  }

  if (has('triton')) {
    const m = '{source="triton"}';
    const rate = (metric: string) => `sum by (model) (rate(${metric}${m}[5m]))`;
    groups.push({
      name: 'model-serving-triton',
      interval: '1m',
      source: 'triton',
      rules: [
        alert(
          'TritonQueueDepth',
          `sum by (model) (nv_inference_pending_request_count${m}) > ${slo.queueDepthPerReplica}`,
          '10m',
          'warning',
          'Triton model {{ $labels.model }} has {{ $value }} pending requests',
          `More than ${slo.queueDepthPerReplica} pending requests for 10 minutes: add replicas or batch more.`,
        ),
        alert(
          'TritonLatencySlo',
          `${rate('nv_inference_request_duration_us')} / ${rate('nv_inference_request_success')} / 1e6 > ${slo.e2eP95Seconds}`,
          '10m',
          'warning',
          'Triton model {{ $labels.model }} takes {{ $value }}s per request on average',
          `Mean request time above the ${slo.e2eP95Seconds}s latency SLO (Triton exports sums, not histograms).`,
        ),
        alert(
          'TritonErrorRate',
          `${rate('nv_inference_request_failure')} / (${rate('nv_inference_request_success')} + ${rate('nv_inference_request_failure')}) > ${slo.errorRatePercent / 100}`,
          '5m',
          'critical',
          'Triton model {{ $labels.model }} fails {{ $value | humanizePercentage }} of requests',
          `More than ${slo.errorRatePercent}% failed inferences for 5 minutes.`,
        ),
        {
          record: 'gen_ai_server_request_duration:mean',
          expr: genAiModel(`${rate('nv_inference_request_duration_us')} / ${rate('nv_inference_request_success')} / 1e6`),
        },
        { record: 'gpb:model_requests:rate5m', expr: rate('nv_inference_request_success') },
      ],
    });
  }

  if (has('gateway')) {
    groups.push({
      name: 'gateway',
      interval: '1m',
      source: 'gateway',
      rules: [
        alert(
          'GatewayErrorRate',
          `sum(rate(litellm_proxy_failed_requests_metric_total[5m])) / sum(rate(litellm_proxy_total_requests_metric_total[5m])) > ${slo.errorRatePercent / 100}`,
          '5m',
          'critical',
          'The gateway fails {{ $value | humanizePercentage }} of requests',
          `More than ${slo.errorRatePercent}% failed requests at the gateway for 5 minutes.`,
        ),
        {
          record: 'gen_ai_client_token_usage:rate5m',
          expr: withLabel('sum by (model) (rate(litellm_input_tokens_metric_total[5m]))', 'gen_ai_token_type', 'input'),
        },
        {
          record: 'gen_ai_client_token_usage:rate5m',
          expr: withLabel('sum by (model) (rate(litellm_output_tokens_metric_total[5m]))', 'gen_ai_token_type', 'output'),
        },
      ],
    });
  }

  if (has('semantic_cache')) {
    const hits = 'sum(rate(litellm_cache_hits_metric_total[1h]))';
    const misses = 'sum(rate(litellm_cache_misses_metric_total[1h]))';
    const ratio = `(${hits} / (${hits} + ${misses}))`;
    groups.push({
      name: 'semantic-cache',
      interval: '1m',
      source: 'semantic_cache',
      rules: [
        alert(
          'SemanticCacheHitRateDrop',
          `${ratio} < ${slo.cacheHitRateDropPercent / 100} * (${ratio} offset 1d) and ${misses} > 0.1`,
          '30m',
          'warning',
          'Semantic cache hit rate fell to {{ $value | humanizePercentage }}',
          `Below ${slo.cacheHitRateDropPercent}% of the rate a day earlier: check the cache (Valkey) health, the embedding model and the similarity threshold.`,
        ),
        { record: 'gpb:semantic_cache_hit_ratio:1h', expr: ratio },
      ],
    });
  }

  if (has('keda')) {
    groups.push({
      name: 'autoscaling',
      interval: '1m',
      source: 'keda',
      rules: [
        alert(
          'AutoscalerErrors',
          'sum by (scaledObject) (rate(keda_scaler_detail_errors_total[5m])) > 0',
          '10m',
          'critical',
          'KEDA cannot read the load of {{ $labels.scaledObject }}',
          'The model is stuck at its current replica count: no scale-up under load. Usually the workspace query is denied (the KEDA role) or the query returns nothing.',
        ),
      ],
    });
  }

  if (has('k8s_cluster')) {
    groups.push({
      name: 'cluster',
      interval: '1m',
      source: 'k8s_cluster',
      rules: [
        alert(
          'NodeNotReady',
          // The k8s_cluster receiver reports a condition as 1 (true), 0 (false) or -1 (unknown: the
          // kubelet stopped reporting), so anything below 1 is a node that is not ready.
          'min by (k8s_node_name) (k8s_node_condition_ready) < 1',
          '5m',
          'critical',
          'Node {{ $labels.k8s_node_name }} is not ready',
          'Pods on it are not running. A GPU node that stays not ready usually has a driver or EFA fault: drain it.',
        ),
        alert(
          'GpuPodsPending',
          `max by (k8s_pod_name) (k8s_pod_phase{k8s_namespace_name="${SERVING_NS}"}) == 1`,
          '15m',
          'warning',
          'Model pod {{ $labels.k8s_pod_name }} has been pending for 15 minutes',
          'No GPU capacity could be found: the pool limit is reached, the instance types are short in the zones, or spot is unavailable. Read the Karpenter logs.',
        ),
      ],
    });
  }
  return groups;
}

export const isAlert = (r: AlertRule | RecordingRule): r is AlertRule => 'alert' in r;
