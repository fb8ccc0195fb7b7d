import { readFileSync } from 'node:fs';
import * as path from 'node:path';
import { describe, expect, it } from 'vitest';
import { validateEnvironments } from '../../environments/validate';
import { DEFAULTS } from '../../model/defaults';
import { devWith } from '../helpers';

const ROOT = path.resolve(__dirname, '../..');

/** Where each group of defaults is used when a prop is left out. */
const CONSTRUCT_OF: Record<keyof typeof DEFAULTS, string> = {
  gpuPool: 'constructs/gpu/gpu-node-pool.ts',
  gpuNodeGroup: 'constructs/gpu/gpu-node-group.ts',
  systemNodeGroup: 'constructs/cluster/system-node-group.ts',
  cluster: 'constructs/cluster/eks-cluster.ts',
  flowLogs: 'constructs/network/flow-logs.ts',
  admission: 'constructs/guardrails/workload-admission.ts',
  model: 'constructs/serving/model-server.ts',
  autoscaling: 'constructs/serving/keda.ts',
  gateway: 'constructs/serving/llm-gateway.ts',
  gatewayDatabase: 'constructs/data/gateway-database.ts',
  aurora: 'constructs/data/aurora-vector-store.ts',
  openSearch: 'constructs/data/opensearch-vector-store.ts',
  qdrant: 'constructs/data/qdrant-vector-store.ts',
  cache: 'constructs/data/valkey-cache.ts',
  logs: 'constructs/telemetry/telemetry-aws.ts',
  collector: 'constructs/telemetry/otel-collector.ts',
};

/** `props.<key> ?? <anything but DEFAULTS>`: a default written a second time in a construct. */
function secondDefaults(source: string, keys: readonly string[]): string[] {
  return keys.flatMap((k) =>
    [...source.matchAll(new RegExp(`props\\.${k} \\?\\? (?!DEFAULTS\\.)([^,;)\\n]+)`, 'g'))].map((m) => `${k} ?? ${m[1].trim()}`),
  );
}

describe('defaults written once (model/defaults.ts)', () => {
  it('fill the fields an environment leaves out', () => {
    const input = devWith({
      gpu: { pools: [{ name: 'dev-l4', instanceTypes: ['g6.xlarge'], capacityTypes: ['on-demand'], gpuLimit: 4 }] },
      serving: {
        models: [{ name: 'llama-8b', pool: 'dev-l4', parametersBillions: 8, dtype: 'bf16', maxReplicas: 2 }],
        gateway: { semanticCache: null, tenants: [], database: null },
        autoscaling: null,
      },
    });
    const [env] = validateEnvironments({ dev: input });
    const pool = env.gpu.pools[0];
    expect({
      consolidationPolicy: pool.consolidation.policy,
      consolidateAfterSeconds: pool.consolidation.afterSeconds,
      disruptionBudget: pool.disruptionBudget,
      expireAfterHours: pool.expireAfterHours,
      amiFamily: pool.amiFamily,
      rootVolumeGiB: pool.rootVolumeGiB,
      dataVolumeGiB: pool.dataVolumeGiB,
      efa: pool.efa,
    }).toEqual(DEFAULTS.gpuPool);
    const m = env.serving.models[0];
    expect({ engine: m.engine, task: m.task, gpusPerReplica: m.gpusPerReplica, nodesPerReplica: m.nodesPerReplica }).toEqual(
      DEFAULTS.model,
    );
    const g = env.serving.gateway;
    expect({
      replicas: g.replicas,
      routingStrategy: g.routingStrategy,
      numRetries: g.numRetries,
      timeoutSeconds: g.timeoutSeconds,
    }).toEqual(DEFAULTS.gateway);
    expect(g.database).toEqual(DEFAULTS.gatewayDatabase);
    expect({ pollingSeconds: env.serving.autoscaling.pollingSeconds, cooldownSeconds: env.serving.autoscaling.cooldownSeconds }).toEqual(
      DEFAULTS.autoscaling,
    );
    expect(env.guardrails.admissionAction).toBe(DEFAULTS.admission.action);
    expect(env.observability.scrapeIntervalSeconds).toBe(DEFAULTS.collector.scrapeIntervalSeconds);
  });

  it.each(Object.entries(CONSTRUCT_OF))('%s: the construct (%s) uses the table when a prop is left out', (group, file) => {
    const source = readFileSync(path.join(ROOT, file), 'utf8');
    const keys = Object.keys(DEFAULTS[group as keyof typeof DEFAULTS]);
    expect(source).toContain(`DEFAULTS.${group}.`);
    expect(secondDefaults(source, keys)).toEqual([]);
  });

  it('finds a default written a second time (as the constructs had them)', () => {
    expect(
      secondDefaults('const t = props.timeoutSeconds ?? 600;\nconst r = props.numRetries ?? DEFAULTS.gateway.numRetries;', [
        'timeoutSeconds',
        'numRetries',
      ]),
    ).toEqual(['timeoutSeconds ?? 600']);
  });
});
