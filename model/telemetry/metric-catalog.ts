/**
 * What each scraped component exposes, as the names arrive in Amazon Managed Service for
 * Prometheus. Alert rules and dashboards may only use names listed here for a source the
 * environment actually scrapes (tested), so a renamed metric fails a test instead of leaving an
 * alert that never fires.
 *
 * Names pass through unchanged: the Prometheus receiver keeps suffixes (`trim_metric_suffixes`
 * off) and the remote-write exporter adds none (`add_metric_suffixes: false`). OpenTelemetry-native
 * metrics (kubelet stats, cluster state) have their dots replaced by underscores.
 */
export type MetricSource =
  'vllm' | 'triton' | 'dcgm' | 'karpenter' | 'keda' | 'gateway' | 'semantic_cache' | 'kubeletstats' | 'k8s_cluster';

export interface SourceCatalog {
  /** Where the list comes from (pinned version). */
  readonly reference: string;
  readonly metrics: readonly string[];
}

const histogram = (name: string) => [`${name}_bucket`, `${name}_sum`, `${name}_count`];

export const METRIC_CATALOG: Readonly<Record<MetricSource, SourceCatalog>> = {
  vllm: {
    reference: 'vLLM v0.10.1.1 vllm/v1/metrics/loggers.py (label model_name) and the FastAPI instrumentator (http_*)',
    metrics: [
      'vllm:num_requests_running',
      'vllm:num_requests_waiting',
      'vllm:kv_cache_usage_perc',
      'vllm:prefix_cache_queries_total',
      'vllm:prefix_cache_hits_total',
      'vllm:num_preemptions_total',
      'vllm:prompt_tokens_total',
      'vllm:generation_tokens_total',
      'vllm:request_success_total',
      ...histogram('vllm:time_to_first_token_seconds'),
      ...histogram('vllm:time_per_output_token_seconds'),
      ...histogram('vllm:e2e_request_latency_seconds'),
      ...histogram('vllm:request_queue_time_seconds'),
      ...histogram('vllm:request_prompt_tokens'),
      ...histogram('vllm:request_generation_tokens'),
      'http_requests_total',
      ...histogram('http_request_duration_seconds'),
    ],
  },
  triton: {
    reference: 'Triton Inference Server 25.08 metrics (docs/user_guide/metrics.md); durations in microseconds, counters without _total',
    metrics: [
      'nv_inference_request_success',
      'nv_inference_request_failure',
      'nv_inference_count',
      'nv_inference_exec_count',
      'nv_inference_pending_request_count',
      'nv_inference_request_duration_us',
      'nv_inference_queue_duration_us',
      'nv_inference_compute_infer_duration_us',
      'nv_gpu_utilization',
      'nv_gpu_memory_used_bytes',
      'nv_gpu_memory_total_bytes',
    ],
  },
  dcgm: {
    reference:
      'dcgm-exporter default-counters.csv shipped with GPU operator v25.3.2 (labels gpu, UUID, modelName, Hostname, pod, namespace)',
    metrics: [
      'DCGM_FI_DEV_GPU_UTIL',
      'DCGM_FI_DEV_MEM_COPY_UTIL',
      'DCGM_FI_DEV_FB_USED',
      'DCGM_FI_DEV_FB_FREE',
      'DCGM_FI_DEV_GPU_TEMP',
      'DCGM_FI_DEV_POWER_USAGE',
      'DCGM_FI_DEV_XID_ERRORS',
      'DCGM_FI_PROF_GR_ENGINE_ACTIVE',
      'DCGM_FI_PROF_PIPE_TENSOR_ACTIVE',
    ],
  },
  karpenter: {
    reference:
      'Karpenter 1.14 metrics reference (aws/karpenter-provider-aws website/content/en/v1.14/reference/metrics.md at the 1.14.1 release commit; all six listed)',
    metrics: [
      'karpenter_nodeclaims_created_total',
      'karpenter_nodeclaims_disrupted_total',
      'karpenter_nodes_allocatable',
      'karpenter_nodepools_usage',
      'karpenter_nodepools_limit',
      'karpenter_pods_state',
    ],
  },
  keda: {
    reference:
      'KEDA 2.20 operator metrics (kedacore/keda-docs content/docs/2.20/integrations/prometheus.md; all five listed); its own namespace label arrives as exported_namespace',
    metrics: [
      'keda_scaler_active',
      'keda_scaler_metrics_value',
      'keda_scaler_detail_errors_total',
      'keda_scaled_object_errors_total',
      ...histogram('keda_scaler_metrics_latency_seconds'),
    ],
  },
  gateway: {
    reference: 'LiteLLM proxy Prometheus callback (litellm/integrations/prometheus.py; label model)',
    metrics: [
      'litellm_proxy_total_requests_metric_total',
      'litellm_proxy_failed_requests_metric_total',
      'litellm_input_tokens_metric_total',
      'litellm_output_tokens_metric_total',
      'litellm_deployment_successful_fallbacks_total',
      ...histogram('litellm_request_total_latency_metric'),
    ],
  },
  semantic_cache: {
    reference: 'LiteLLM proxy Prometheus callback, cache metrics (exported only with a cache configured; label model)',
    metrics: ['litellm_cache_hits_metric_total', 'litellm_cache_misses_metric_total'],
  },
  kubeletstats: {
    reference: 'kubeletstats receiver (contrib 0.153) default metrics',
    metrics: [
      'k8s_pod_cpu_usage',
      'k8s_pod_memory_working_set',
      'k8s_node_cpu_usage',
      'k8s_node_memory_working_set',
      'container_cpu_usage',
      'container_memory_working_set',
    ],
  },
  k8s_cluster: {
    reference: 'k8s_cluster receiver (contrib 0.153) default metrics; k8s.pod.phase 1 = Pending',
    metrics: ['k8s_node_condition_ready', 'k8s_pod_phase', 'k8s_deployment_available', 'k8s_deployment_desired', 'k8s_container_restarts'],
  },
};

/** Every metric name of the given sources. */
export function metricsOf(sources: Iterable<MetricSource>): Set<string> {
  const names = new Set<string>();
  for (const s of sources) for (const m of METRIC_CATALOG[s].metrics) names.add(m);
  return names;
}
