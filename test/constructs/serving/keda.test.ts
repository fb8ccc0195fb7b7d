import { ScaledObject } from '@kubernetes-models/keda/keda.sh/v1alpha1/ScaledObject';
import { describe, expect, it } from 'vitest';
import { gatewayWakeQuery, Keda, KEDA_VERSION, ModelAutoscaling, type ModelAutoscalingProps } from '../../../constructs/serving/keda';
import { ENGINES } from '../../../constructs/serving/model-server';
import { METRIC_CATALOG } from '../../../model/telemetry/metric-catalog';
import type { ScrapeTarget } from '../../../constructs/telemetry/otel-collector';
import { autoscalingSchema } from '../../../environments/serving-schema';
import { resourcesOf, synthWith } from '../../helpers';
import { parsePromql } from '../../model/telemetry/promql';

type Obj = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

const PROPS: ModelAutoscalingProps = {
  target: { scaleTargetRef: { apiVersion: 'apps/v1', kind: 'Deployment', name: 'model-llama' }, namespace: 'gpb-serving' },
  minReplicas: 1,
  maxReplicas: 4,
  query: 'sum(vllm:num_requests_waiting{model="llama"})',
  targetPerReplica: 16,
  prometheusUrl: 'https://aps-workspaces.us-west-2.amazonaws.com/workspaces/ws-1',
  region: 'us-west-2',
  authenticationName: 'amp',
};

const scaledObject = (over: Partial<ModelAutoscalingProps> = {}) =>
  resourcesOf(
    synthWith((scope) => new ModelAutoscaling(scope, 'A', { ...PROPS, ...over })),
    'kubernetes_manifest',
  )[0].manifest as Obj;

describe('ModelAutoscaling', () => {
  it('emits a ScaledObject valid against the KEDA schema, reading AMP with KEDA’s own identity', () => {
    const so = scaledObject();
    expect(() => new ScaledObject(so as never).validate()).not.toThrow();
    expect(so.spec).toMatchObject({
      scaleTargetRef: { apiVersion: 'apps/v1', kind: 'Deployment', name: 'model-llama' },
      minReplicaCount: 1,
      maxReplicaCount: 4,
      pollingInterval: 15,
      cooldownPeriod: 300,
    });
    expect(so.spec.triggers).toEqual([
      {
        type: 'prometheus',
        name: 'load',
        metricType: 'AverageValue',
        metadata: {
          serverAddress: PROPS.prometheusUrl,
          awsRegion: 'us-west-2',
          query: PROPS.query,
          threshold: '16',
          activationThreshold: '0',
          ignoreNullValues: 'true',
        },
        authenticationRef: { name: 'amp' },
      },
    ]);
  });

  it('scales up fast and down slowly (GPU pods take minutes to load)', () => {
    const b = scaledObject().spec.advanced.horizontalPodAutoscalerConfig.behavior;
    expect(b.scaleUp.stabilizationWindowSeconds).toBe(0);
    expect(b.scaleDown.stabilizationWindowSeconds).toBeGreaterThanOrEqual(300);
    expect(b.scaleDown.policies).toEqual([{ type: 'Pods', value: 1, periodSeconds: 300 }]);
  });

  it('wakes a model at zero replicas on gateway requests, without letting that trigger size it', () => {
    const so = scaledObject({ minReplicas: 0, wakeQuery: gatewayWakeQuery(['llama-8b', 'chat.small']) });
    expect(so.spec.minReplicaCount).toBe(0);
    const wake = so.spec.triggers[1];
    expect(wake).toMatchObject({ name: 'wake', metadata: { threshold: '1000', activationThreshold: '0' } });
    expect(wake.metadata.query).toBe(
      'sum(rate(litellm_proxy_total_requests_metric_total{requested_model=~"llama-8b|chat\\\\.small"}[2m]))',
    );
    const { errors, metrics } = parsePromql(wake.metadata.query);
    expect(errors).toEqual([]);
    for (const m of metrics) expect(METRIC_CATALOG.gateway.metrics).toContain(m);
    expect(() => scaledObject({ minReplicas: 0 })).toThrow("'minReplicas' 0 needs a 'wakeQuery'");
  });

  it('rejects a maximum under the minimum and a non-positive target', () => {
    expect(() => scaledObject({ minReplicas: 3, maxReplicas: 2 })).toThrow(
      "ModelAutoscaling 'A': 'maxReplicas' 2 must be a whole number >= minReplicas (3) and at least 1",
    );
    expect(() => scaledObject({ targetPerReplica: 0 })).toThrow("'targetPerReplica' 0 must be above 0");
  });
});

describe('engine load queries', () => {
  const targets = autoscalingSchema.parse({});

  it.each(['vllm', 'triton'] as const)('%s: parses and reads only metrics the engine exposes', (engine) => {
    const load = ENGINES[engine].load('llama-8b', targets);
    const { errors, metrics } = parsePromql(load.query);
    expect(errors).toEqual([]);
    expect(metrics.length).toBeGreaterThan(0);
    for (const m of metrics) expect(METRIC_CATALOG[engine].metrics, m).toContain(m);
    expect(load.query).toContain('model="llama-8b"');
  });

  it('vLLM scales on requests in flight per replica; Triton on mean queue time as a value', () => {
    expect(ENGINES.vllm.load('m', targets)).toMatchObject({ metricType: 'AverageValue', target: 16 });
    expect(ENGINES.vllm.load('m', targets).query).toContain('vllm:num_requests_waiting');
    expect(ENGINES.triton.load('m', targets)).toMatchObject({ metricType: 'Value', target: 100 });
  });
});

describe('Keda', () => {
  it('installs the pinned chart on system nodes with operator metrics on, and registers them for scraping', () => {
    const targets: ScrapeTarget[] = [];
    const json = synthWith((scope) => new Keda(scope, 'Keda', { replicas: 2, metrics: { addScrapeTarget: (t) => targets.push(t) } }));
    const [release] = resourcesOf(json, 'helm_release') as Obj[];
    expect([release.chart, release.version, release.namespace]).toEqual(['keda', KEDA_VERSION, 'keda']);
    const values = JSON.parse(release.values[0]);
    expect(values.operator.replicaCount).toBe(2);
    expect(values.prometheus.operator).toEqual({ enabled: true, port: 8080 });
    expect(values.nodeSelector).toEqual({ 'gpb.io/pool': 'system' });
    const [ns] = resourcesOf(json, 'kubernetes_namespace_v1') as Obj[];
    expect(ns.metadata.labels['pod-security.kubernetes.io/enforce']).toBe('restricted');
    expect(targets).toEqual([
      { name: 'keda-operator', source: 'keda', namespace: 'keda', podLabels: { app: 'keda-operator' }, port: 8080 },
    ]);
  });
});
