import { describe, expect, it } from 'vitest';
import { collectorConfigProblems, type CollectorConfig } from '../../../model/telemetry/collector-config';
import {
  OTEL_COLLECTOR_CHART_VERSION,
  OTEL_COLLECTOR_IMAGE,
  OtelCollector,
  type OtelCollectorProps,
  scrapeConfig,
  TELEMETRY_NAMESPACE,
} from '../../../constructs/telemetry/otel-collector';
import { resourcesOf, synthWith } from '../../helpers';

type Obj = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

const PROPS: OtelCollectorProps = {
  clusterName: 'gpb-test',
  environment: 'test',
  region: 'us-west-2',
  remoteWriteUrl: 'https://aps-workspaces.us-west-2.amazonaws.com/workspaces/ws-1/api/v1/remote_write',
  logGroupName: '/gpb/gpb-test/workloads',
  traces: { exporter: 'xray', samplingPercent: 10 },
  logNamespaces: ['gpb-serving'],
};

function collector(over: Partial<OtelCollectorProps> = {}, register: (c: OtelCollector) => void = () => {}) {
  let c!: OtelCollector;
  const json = synthWith((scope) => {
    c = new OtelCollector(scope, 'Collector', { ...PROPS, ...over });
    register(c);
  });
  const releases = resourcesOf(json, 'helm_release') as Obj[];
  const values = (name: string) => JSON.parse(releases.find((r) => r.name === name)!.values[0]) as Obj;
  return { c, json, releases, agent: values('otel-agent'), gateway: values('otel-gateway') };
}

const vllm = {
  name: 'model-llama',
  source: 'vllm',
  namespace: 'gpb-serving',
  podLabels: { 'gpb.io/model': 'llama' },
  port: 8000,
  modelLabel: 'gpb.io/model',
} as const;

describe('OtelCollector', () => {
  it('installs the pinned contrib chart and image as a DaemonSet agent and a Deployment gateway', () => {
    const { releases, agent, gateway } = collector();
    expect(releases.map((r) => [r.name, r.chart, r.version, r.namespace]).sort()).toEqual([
      ['otel-agent', 'opentelemetry-collector', OTEL_COLLECTOR_CHART_VERSION, TELEMETRY_NAMESPACE],
      ['otel-gateway', 'opentelemetry-collector', OTEL_COLLECTOR_CHART_VERSION, TELEMETRY_NAMESPACE],
    ]);
    expect(OTEL_COLLECTOR_CHART_VERSION).toMatch(/^\d+\.\d+\.\d+$/);
    for (const v of [agent, gateway]) {
      expect(v.image).toEqual({ repository: 'otel/opentelemetry-collector-contrib', tag: OTEL_COLLECTOR_IMAGE.tag });
      expect(v.image.tag).toMatch(/^\d+\.\d+\.\d+$/);
      expect(v.command.name).toBe('otelcol-contrib');
      expect(v.securityContext).toEqual({ allowPrivilegeEscalation: false, readOnlyRootFilesystem: true, capabilities: { drop: ['ALL'] } });
      expect(v.resources.requests.cpu).toBeDefined();
      expect(v.resources.limits.memory).toBeDefined();
    }
    expect(agent.mode).toBe('daemonset');
    expect(agent.tolerations).toEqual([{ operator: 'Exists' }]);
    expect(gateway.mode).toBe('deployment');
    expect(gateway.podSecurityContext.runAsNonRoot).toBe(true);
  });

  it('agent: scrapes registered targets on its own node, kubelet stats and container logs, and forwards OTLP to the gateway', () => {
    const { agent } = collector({}, (c) => c.addScrapeTarget(vllm));
    const cfg = agent.config;
    expect(
      Object.keys(cfg.receivers)
        .filter((k) => cfg.receivers[k] !== null)
        .sort(),
    ).toEqual(['file_log', 'kubeletstats', 'prometheus']);
    expect(cfg.receivers.prometheus.trim_metric_suffixes).toBe(false);
    const [job] = cfg.receivers.prometheus.config.scrape_configs;
    expect(job.job_name).toBe('model-llama');
    // `${` is escaped for Terraform; the collector sees ${env:K8S_NODE_NAME}.
    expect(job.kubernetes_sd_configs[0].selectors[0]).toEqual({
      role: 'pod',
      label: 'gpb.io/model=llama',
      field: 'spec.nodeName=$${env:K8S_NODE_NAME}',
    });
    expect(job.relabel_configs).toEqual(
      expect.arrayContaining([
        { source_labels: ['__meta_kubernetes_pod_container_port_number'], regex: '8000', action: 'keep' },
        { target_label: 'source', replacement: 'vllm' },
        { source_labels: ['__meta_kubernetes_pod_label_gpb_io_model'], target_label: 'model' },
      ]),
    );
    expect(cfg.receivers.file_log.include).toEqual(['/var/log/pods/gpb-serving_*/*/*.log']);
    expect(cfg.exporters.otlp.endpoint).toBe('otel-gateway.gpb-telemetry.svc.cluster.local:4319');
    expect(cfg.service.pipelines.metrics).toEqual({
      receivers: ['prometheus', 'kubeletstats'],
      processors: ['memory_limiter', 'batch'],
      exporters: ['otlp'],
    });
    expect(cfg.service.pipelines.logs.processors).toEqual(['memory_limiter', 'k8s_attributes', 'batch']);
    expect(cfg.service.pipelines.traces).toBeNull(); // the chart's default pipeline, removed
    expect(cfg.receivers.jaeger).toBeNull();
    expect(cfg.exporters.debug).toBeNull();
    expect(agent.extraVolumeMounts).toEqual([{ name: 'varlogpods', mountPath: '/var/log/pods', readOnly: true }]);
  });

  it('agent without targets has no Prometheus receiver', () => {
    const { agent } = collector();
    expect(agent.config.receivers.prometheus).toBeNull();
    expect(agent.config.service.pipelines.metrics.receivers).toEqual(['kubeletstats']);
  });

  it('gateway: SigV4 remote write without added suffixes, CloudWatch Logs, X-Ray, sampling, cluster state under a lease', () => {
    const { gateway } = collector();
    const cfg = gateway.config;
    expect(cfg.extensions.sigv4auth).toEqual({ region: 'us-west-2', service: 'aps' });
    expect(cfg.exporters.prometheusremotewrite).toMatchObject({
      endpoint: PROPS.remoteWriteUrl,
      auth: { authenticator: 'sigv4auth' },
      add_metric_suffixes: false,
      resource_to_telemetry_conversion: { enabled: true },
      external_labels: { cluster: 'gpb-test', environment: 'test' },
    });
    expect(cfg.exporters.awscloudwatchlogs).toMatchObject({ log_group_name: '/gpb/gpb-test/workloads', region: 'us-west-2' });
    expect(cfg.exporters.awsxray).toEqual({ region: 'us-west-2' });
    expect(cfg.processors.probabilistic_sampler).toEqual({ sampling_percentage: 10 });
    expect(cfg.receivers.k8s_cluster.k8s_leader_elector).toBe('k8s_leader_elector');
    expect(cfg.service.pipelines.traces.exporters).toEqual(['awsxray']);
    // Agent data is already attributed; only application data is attributed by connection.
    expect(cfg.service.pipelines['metrics/agents'].processors).not.toContain('k8s_attributes');
    expect(cfg.service.pipelines['metrics/apps'].processors).toContain('k8s_attributes');
    expect(gateway.serviceAccount).toEqual({ create: true, name: 'otel-gateway' });
    expect(gateway.clusterRole.rules).toContainEqual({
      apiGroups: ['coordination.k8s.io'],
      resources: ['leases'],
      verbs: ['get', 'list', 'watch', 'create', 'update', 'patch'],
    });
  });

  it('sends traces to an OTLP endpoint, or nowhere', () => {
    const otlp = collector({ traces: { exporter: 'otlp', otlpEndpoint: 'https://otlp.example.com', samplingPercent: 50 } }).gateway.config;
    expect(otlp.exporters.otlphttp).toEqual({ endpoint: 'https://otlp.example.com' });
    expect(otlp.exporters.awsxray).toBeUndefined();
    expect(otlp.service.pipelines.traces.exporters).toEqual(['otlphttp']);
    const none = collector({ traces: { exporter: 'none', samplingPercent: 0 } }).gateway.config;
    expect(none.service.pipelines.traces).toBeNull();
    expect(none.processors.probabilistic_sampler).toBeUndefined();
  });

  it('runs two gateway replicas with a disruption budget when asked', () => {
    const { gateway } = collector({ gatewayReplicas: 2 });
    expect(gateway.replicaCount).toBe(2);
    expect(gateway.podDisruptionBudget).toEqual({ enabled: true, minAvailable: 1 });
  });

  it('rejects a bad or duplicate scrape target', () => {
    expect(() =>
      collector({}, (c) => {
        c.addScrapeTarget(vllm);
        c.addScrapeTarget(vllm);
      }),
    ).toThrow("a target named 'model-llama' is already registered");
    expect(() => collector({}, (c) => c.addScrapeTarget({ ...vllm, name: 'Model_X' }))).toThrow("'name' 'Model_X' must be a DNS label");
    expect(() => collector({}, (c) => c.addScrapeTarget({ ...vllm, podLabels: {} }))).toThrow("'podLabels' must not be empty");
    expect(() => collector({}, (c) => c.addScrapeTarget({ ...vllm, port: 70000 }))).toThrow(
      "'port' 70000 must be an integer from 1 to 65535",
    );
  });

  it('reports its sources: built-in receivers plus registered targets', () => {
    const { c } = collector({}, (x) => x.addScrapeTarget(vllm));
    expect([...c.sources].sort()).toEqual(['k8s_cluster', 'kubeletstats', 'vllm']);
  });

  it('builds a scrape job without a model label when none is asked', () => {
    const job = scrapeConfig(
      { name: 'dcgm', source: 'dcgm', namespace: 'gpu-operator', podLabels: { app: 'x' }, port: 9400 },
      '30s',
    ) as Obj;
    expect(job.relabel_configs.some((r: Obj) => r.target_label === 'model')).toBe(false);
  });
});

describe('collectorConfigProblems', () => {
  const good: CollectorConfig = {
    extensions: { health_check: {} },
    receivers: { otlp: {} },
    processors: { memory_limiter: {}, batch: {} },
    exporters: { otlp: {} },
    service: {
      extensions: ['health_check'],
      pipelines: { traces: { receivers: ['otlp'], processors: ['memory_limiter', 'batch'], exporters: ['otlp'] } },
    },
  };

  it('accepts a sound configuration', () => {
    expect(collectorConfigProblems('x', good)).toEqual([]);
  });

  it('refuses the deprecated type names the configuration used before (k8sattributes, filelog)', () => {
    const old = {
      ...good,
      receivers: { filelog: {} },
      processors: { memory_limiter: {}, k8sattributes: {}, batch: {} },
      service: {
        extensions: ['health_check'],
        pipelines: { logs: { receivers: ['filelog'], processors: ['memory_limiter', 'k8sattributes', 'batch'], exporters: ['otlp'] } },
      },
    } as unknown as CollectorConfig;
    expect(collectorConfigProblems('x', old)).toEqual([
      "collector 'x': receiver 'filelog' uses the deprecated type name 'filelog' (now 'file_log')",
      "collector 'x': processor 'k8sattributes' uses the deprecated type name 'k8sattributes' (now 'k8s_attributes')",
    ]);
  });

  it('names undefined and unused components, wrong processor order and missing extensions', () => {
    const bad: CollectorConfig = {
      ...good,
      receivers: { otlp: {}, kubeletstats: {} },
      processors: { batch: {}, memory_limiter: {} },
      service: {
        extensions: ['health_check', 'sigv4auth'],
        pipelines: { traces: { receivers: ['otlp', 'file_log'], processors: ['batch', 'memory_limiter'], exporters: [] } },
      },
    };
    expect(collectorConfigProblems('x', bad)).toEqual([
      "collector 'x': pipeline 'traces' uses receiver 'file_log', which is not defined",
      "collector 'x': pipeline 'traces' has no exporters",
      "collector 'x': pipeline 'traces' must start with 'memory_limiter' (got batch, memory_limiter)",
      "collector 'x': pipeline 'traces' must end with 'batch'",
      "collector 'x': receiver 'kubeletstats' is defined but no pipeline uses it",
      "collector 'x': exporter 'otlp' is defined but no pipeline uses it",
      "collector 'x': extension 'sigv4auth' is enabled but not defined",
    ]);
  });
});
