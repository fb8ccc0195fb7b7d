import type { EnvironmentConfig } from '../environments/schema';
import type { MetricSource } from '../model/telemetry/metric-catalog';
import { routedModels } from '../environments/serving-schema';

/**
 * The metric sources an environment's collector will scrape, known from configuration alone.
 * The data layer writes alert rules for these before the platform layer exists; a test checks
 * that the collector's registered scrape targets deliver exactly this set.
 */
export function expectedMetricSources(env: EnvironmentConfig): Set<MetricSource> {
  const sources = new Set<MetricSource>(['kubeletstats', 'k8s_cluster']);
  if (env.gpu.pools.length + env.gpu.nodeGroups.length > 0) sources.add('dcgm');
  if (env.gpu.pools.length > 0) sources.add('karpenter');
  for (const m of env.serving.models) sources.add(m.engine);
  if (env.serving.models.length > 0) sources.add('keda');
  if (routedModels(env.serving).length > 0) sources.add('gateway');
  if (routedModels(env.serving).length > 0 && env.serving.gateway.semanticCache) sources.add('semantic_cache');
  return sources;
}
