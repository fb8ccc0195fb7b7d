import { Release } from '@cdktf/provider-helm/lib/release';
import { Construct } from 'constructs';
import { restrictedContainerSecurity, restrictedPodSecurity } from '../guardrails/security-contexts';
import { SYSTEM_POOL_LABEL } from '../cluster/system-node-group';
import { type ITerraformDependable, Lazy } from '../core/cdktf';
import { BlueprintError, show } from '../../model/errors';
import { escapeTerraformTemplates } from '../core/terraform-escape';
import { assertCollectorConfig, type CollectorConfig, type Pipeline } from '../../model/telemetry/collector-config';
import { METRIC_CATALOG, type MetricSource } from '../../model/telemetry/metric-catalog';
import { CHARTS, IMAGES } from '../../model/pins';
import { DEFAULTS } from '../../model/defaults';

/** The collector gateway's user (uid and gid 10001, the contrib image's own). */
const COLLECTOR_USER = { uid: 10001, gid: 10001 } as const;

/** Pinned OpenTelemetry Collector Helm chart and contrib image (the chart's appVersion). */
export const OTEL_COLLECTOR_CHART_VERSION = CHARTS.openTelemetryCollector.version;
export const OTEL_COLLECTOR_IMAGE = IMAGES.openTelemetryCollector;

export const TELEMETRY_NAMESPACE = 'gpb-telemetry';
export const COLLECTOR_GATEWAY_SERVICE_ACCOUNT = 'otel-gateway';
export const COLLECTOR_AGENT_SERVICE_ACCOUNT = 'otel-agent';
/** OTLP for applications (gRPC, HTTP) and the agents' own OTLP port on the gateway. */
export const OTLP_PORTS = { grpc: 4317, http: 4318, agents: 4319 } as const;
/** Where applications send OTLP (gRPC). */
export const OTLP_ENDPOINT = `http://${COLLECTOR_GATEWAY_SERVICE_ACCOUNT}.${TELEMETRY_NAMESPACE}.svc.cluster.local:${OTLP_PORTS.grpc}`;
/** Where applications send traces over OTLP/HTTP. */
export const OTLP_HTTP_TRACES_ENDPOINT = `http://${COLLECTOR_GATEWAY_SERVICE_ACCOUNT}.${TELEMETRY_NAMESPACE}.svc.cluster.local:${OTLP_PORTS.http}/v1/traces`;
const KUBELET_PORT = 10250;

/** A set of pods to scrape with Prometheus: registered by the construct that runs them. */
export interface ScrapeTarget {
  /** Job name (becomes the `job` label): a DNS label, unique per collector. */
  readonly name: string;
  /** What the pods are: decides which alert rules and dashboards apply. */
  readonly source: MetricSource;
  /** More sources the same endpoint delivers (e.g. the gateway's semantic cache metrics). @default [] */
  readonly extraSources?: readonly MetricSource[];
  readonly namespace: string;
  /** Labels the pods carry (all must match). */
  readonly podLabels: Readonly<Record<string, string>>;
  /** The container port serving metrics. */
  readonly port: number;
  /** @default '/metrics' */
  readonly path?: string;
  /** A pod label copied into the `model` label of every series. @default - none */
  readonly modelLabel?: string;
}

/** What a construct needs to have its pods scraped (the collector implements it). */
export interface IScrapeRegistry {
  addScrapeTarget(target: ScrapeTarget): void;
}

export interface TraceSettings {
  readonly exporter: 'xray' | 'otlp' | 'none';
  readonly otlpEndpoint?: string;
  readonly samplingPercent: number;
}

export interface OtelCollectorProps {
  readonly clusterName: string;
  readonly environment: string;
  readonly region: string;
  /** AMP remote write URL (data layer). */
  readonly remoteWriteUrl: string;
  /** CloudWatch log group for workload logs (data layer). */
  readonly logGroupName: string;
  readonly traces: TraceSettings;
  /** @default 30 */
  readonly scrapeIntervalSeconds?: number;
  /** @default 1 */
  readonly gatewayReplicas?: number;
  /** Namespaces whose container logs are shipped. */
  readonly logNamespaces: readonly string[];
  /** What the releases wait for (the namespace). @default [] */
  readonly dependsOn?: ITerraformDependable[];
}

const JOB_NAME = /^[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?$/;
/** Prometheus relabeling turns a label key into this meta label suffix. */
const metaLabel = (key: string) => `__meta_kubernetes_pod_label_${key.replace(/[^a-zA-Z0-9_]/g, '_')}`;

/**
 * OpenTelemetry Collector (contrib) in two tiers:
 *
 * - **agent** (DaemonSet, every node including GPU nodes): scrapes the Prometheus targets on
 *   its own node (model servers, DCGM exporter, Karpenter, gateway; added with
 *   {@link addScrapeTarget}), kubelet stats, and container logs of the platform namespaces, and
 *   forwards everything over OTLP to the gateway. It needs no AWS credentials.
 * - **gateway** (Deployment on system nodes): receives OTLP from applications and agents, adds
 *   Kubernetes attributes to application data, samples traces, and exports metrics to Amazon
 *   Managed Service for Prometheus (SigV4 with its own Pod Identity role), logs to CloudWatch
 *   Logs and traces to X-Ray or an OTLP endpoint. It also reports cluster state (node
 *   readiness, pod phases) under a leader lease, so replicas do not duplicate it.
 *
 * Memory limiter first and batch last in every pipeline; the configuration is checked at synth.
 */
export class OtelCollector extends Construct implements IScrapeRegistry {
  readonly agent: Release;
  readonly gateway: Release;
  private readonly targets: ScrapeTarget[] = [];
  private readonly props: OtelCollectorProps;

  constructor(scope: Construct, id: string, props: OtelCollectorProps) {
    super(scope, id);
    this.props = props;
    if (props.traces.exporter === 'otlp' && !props.traces.otlpEndpoint) {
      throw new BlueprintError(`OtelCollector '${id}': traces exporter 'otlp' needs 'otlpEndpoint'`);
    }
    const release = (rid: string, name: string, values: () => object, deps: Release[] = []) =>
      new Release(this, rid, {
        name,
        repository: CHARTS.openTelemetryCollector.repository,
        chart: CHARTS.openTelemetryCollector.chart,
        version: OTEL_COLLECTOR_CHART_VERSION,
        namespace: TELEMETRY_NAMESPACE,
        atomic: true,
        timeout: 600,
        // The collector expands `${env:VAR}` itself; Terraform must pass it through.
        values: [Lazy.stringValue({ produce: () => escapeTerraformTemplates(JSON.stringify(values())) })],
        dependsOn: [...(props.dependsOn ?? []), ...deps],
      });
    this.gateway = release('Gateway', 'otel-gateway', () => this.gatewayValues());
    this.agent = release('Agent', 'otel-agent', () => this.agentValues(), [this.gateway]);
  }

  /** Scrape a set of pods: a Prometheus job on every agent, limited to the agent's node. */
  addScrapeTarget(target: ScrapeTarget): void {
    if (!JOB_NAME.test(target.name)) {
      throw new BlueprintError(
        `OtelCollector.addScrapeTarget: 'name' ${show(target.name)} must be a DNS label (lowercase letters, digits, '-')`,
      );
    }
    if (this.targets.some((t) => t.name === target.name)) {
      throw new BlueprintError(`OtelCollector.addScrapeTarget: a target named ${show(target.name)} is already registered`);
    }
    if (Object.keys(target.podLabels).length === 0) {
      throw new BlueprintError(
        `OtelCollector.addScrapeTarget('${target.name}'): 'podLabels' must not be empty; scraping every pod of a namespace is not intended`,
      );
    }
    if (!Number.isInteger(target.port) || target.port < 1 || target.port > 65535) {
      throw new BlueprintError(
        `OtelCollector.addScrapeTarget('${target.name}'): 'port' ${show(target.port)} must be an integer from 1 to 65535`,
      );
    }
    this.targets.push({ ...target });
  }

  get scrapeTargets(): readonly ScrapeTarget[] {
    return [...this.targets];
  }

  /** The metric sources this collector delivers: its scrape targets plus its built-in receivers. */
  get sources(): ReadonlySet<MetricSource> {
    return new Set<MetricSource>(['kubeletstats', 'k8s_cluster', ...this.targets.flatMap((t) => [t.source, ...(t.extraSources ?? [])])]);
  }

  /** The agent's configuration (after every target is registered). */
  agentConfig(): CollectorConfig {
    const interval = `${this.props.scrapeIntervalSeconds ?? DEFAULTS.collector.scrapeIntervalSeconds}s`;
    const metricsReceivers: Pipeline['receivers'] = this.targets.length > 0 ? ['prometheus', 'kubeletstats'] : ['kubeletstats'];
    const config: CollectorConfig = {
      extensions: { health_check: { endpoint: '${env:MY_POD_IP}:13133' } },
      receivers: {
        ...(this.targets.length > 0
          ? { prometheus: { trim_metric_suffixes: false, config: { scrape_configs: this.targets.map((t) => scrapeConfig(t, interval)) } } }
          : {}),
        kubeletstats: {
          collection_interval: interval,
          auth_type: 'serviceAccount',
          endpoint: `https://\${env:K8S_NODE_IP}:${KUBELET_PORT}`,
          // EKS kubelets serve self-signed certificates.
          insecure_skip_verify: true,
          metric_groups: ['node', 'pod', 'container'],
        },
        file_log: {
          include: this.props.logNamespaces.map((ns) => `/var/log/pods/${ns}_*/*/*.log`),
          start_at: 'end',
          include_file_path: true,
          include_file_name: false,
          operators: [{ type: 'container', id: 'container-parser' }],
        },
      },
      processors: {
        memory_limiter: { check_interval: '1s', limit_percentage: 80, spike_limit_percentage: 25 },
        k8s_attributes: {
          auth_type: 'serviceAccount',
          filter: { node_from_env_var: 'K8S_NODE_NAME' },
          extract: {
            metadata: ['k8s.namespace.name', 'k8s.pod.name', 'k8s.pod.uid', 'k8s.node.name', 'k8s.deployment.name', 'k8s.container.name'],
            labels: [{ tag_name: 'model', key: 'gpb.io/model', from: 'pod' }],
          },
          pod_association: [{ sources: [{ from: 'resource_attribute', name: 'k8s.pod.uid' }] }],
        },
        batch: { send_batch_size: 8192, timeout: '5s' },
      },
      exporters: {
        // In-cluster hop to the gateway; both ends are in the telemetry namespace's policy.
        otlp: {
          endpoint: `${COLLECTOR_GATEWAY_SERVICE_ACCOUNT}.${TELEMETRY_NAMESPACE}.svc.cluster.local:${OTLP_PORTS.agents}`,
          tls: { insecure: true },
        },
      },
      service: {
        extensions: ['health_check'],
        pipelines: {
          // Scraped series carry namespace, pod, node and model from relabeling.
          metrics: { receivers: metricsReceivers, processors: ['memory_limiter', 'batch'], exporters: ['otlp'] },
          logs: { receivers: ['file_log'], processors: ['memory_limiter', 'k8s_attributes', 'batch'], exporters: ['otlp'] },
        },
      },
    };
    assertCollectorConfig('otel-agent', config);
    return config;
  }

  /** The gateway's configuration. */
  gatewayConfig(): CollectorConfig {
    const p = this.props;
    const interval = `${p.scrapeIntervalSeconds ?? 30}s`;
    const traces = p.traces.exporter;
    const traceExporter = traces === 'xray' ? 'awsxray' : 'otlphttp';
    const resource = {
      attributes: [
        { key: 'k8s.cluster.name', value: p.clusterName, action: 'upsert' },
        { key: 'deployment.environment.name', value: p.environment, action: 'upsert' },
      ],
    };
    const grpc = (port: number) => ({ endpoint: `\${env:MY_POD_IP}:${port}` });
    const config: CollectorConfig = {
      extensions: {
        health_check: { endpoint: '${env:MY_POD_IP}:13133' },
        sigv4auth: { region: p.region, service: 'aps' },
        k8s_leader_elector: { auth_type: 'serviceAccount', lease_name: 'otel-cluster-metrics', lease_namespace: TELEMETRY_NAMESPACE },
      },
      receivers: {
        otlp: { protocols: { grpc: grpc(OTLP_PORTS.grpc), http: grpc(OTLP_PORTS.http) } },
        'otlp/agents': { protocols: { grpc: grpc(OTLP_PORTS.agents) } },
        k8s_cluster: {
          auth_type: 'serviceAccount',
          collection_interval: interval,
          node_conditions_to_report: ['Ready'],
          k8s_leader_elector: 'k8s_leader_elector',
        },
      },
      processors: {
        memory_limiter: { check_interval: '1s', limit_percentage: 80, spike_limit_percentage: 25 },
        // Applications connect directly: their pod is found by the connection's address.
        k8s_attributes: {
          auth_type: 'serviceAccount',
          extract: { metadata: ['k8s.namespace.name', 'k8s.pod.name', 'k8s.deployment.name', 'k8s.node.name'] },
          pod_association: [{ sources: [{ from: 'connection' }] }],
        },
        resource,
        ...(traces !== 'none' ? { probabilistic_sampler: { sampling_percentage: p.traces.samplingPercent } } : {}),
        batch: { send_batch_size: 8192, timeout: '5s' },
      },
      exporters: {
        prometheusremotewrite: {
          endpoint: p.remoteWriteUrl,
          auth: { authenticator: 'sigv4auth' },
          add_metric_suffixes: false,
          resource_to_telemetry_conversion: { enabled: true },
          external_labels: { cluster: p.clusterName, environment: p.environment },
          retry_on_failure: { enabled: true, max_elapsed_time: '300s' },
        },
        awscloudwatchlogs: { region: p.region, log_group_name: p.logGroupName, log_stream_name: 'workloads' },
        ...(traces === 'xray' ? { awsxray: { region: p.region } } : {}),
        ...(traces === 'otlp' ? { otlphttp: { endpoint: p.traces.otlpEndpoint } } : {}),
      },
      service: {
        extensions: ['health_check', 'sigv4auth', 'k8s_leader_elector'],
        pipelines: {
          'metrics/agents': {
            receivers: ['otlp/agents', 'k8s_cluster'],
            processors: ['memory_limiter', 'resource', 'batch'],
            exporters: ['prometheusremotewrite'],
          },
          'metrics/apps': {
            receivers: ['otlp'],
            processors: ['memory_limiter', 'k8s_attributes', 'resource', 'batch'],
            exporters: ['prometheusremotewrite'],
          },
          'logs/agents': {
            receivers: ['otlp/agents'],
            processors: ['memory_limiter', 'resource', 'batch'],
            exporters: ['awscloudwatchlogs'],
          },
          'logs/apps': {
            receivers: ['otlp'],
            processors: ['memory_limiter', 'k8s_attributes', 'resource', 'batch'],
            exporters: ['awscloudwatchlogs'],
          },
          ...(traces !== 'none'
            ? {
                traces: {
                  receivers: ['otlp'],
                  processors: ['memory_limiter', 'k8s_attributes', 'probabilistic_sampler', 'resource', 'batch'],
                  exporters: [traceExporter],
                },
              }
            : {}),
        },
      },
    };
    assertCollectorConfig('otel-gateway', config);
    return config;
  }

  private agentValues(): object {
    return {
      ...common(COLLECTOR_AGENT_SERVICE_ACCOUNT),
      mode: 'daemonset',
      config: withoutChartDefaults(this.agentConfig()),
      clusterRole: {
        create: true,
        rules: [
          { apiGroups: [''], resources: ['pods', 'namespaces', 'nodes'], verbs: ['get', 'list', 'watch'] },
          { apiGroups: [''], resources: ['nodes/stats', 'nodes/proxy'], verbs: ['get'] },
          { apiGroups: ['apps'], resources: ['replicasets'], verbs: ['get', 'list', 'watch'] },
        ],
      },
      ports: ports({ otlp: false, 'otlp-http': false }),
      extraEnvs: [
        { name: 'K8S_NODE_NAME', valueFrom: { fieldRef: { fieldPath: 'spec.nodeName' } } },
        { name: 'K8S_NODE_IP', valueFrom: { fieldRef: { fieldPath: 'status.hostIP' } } },
      ],
      // Container logs are root-owned files on the node: read-only, as root, no capabilities.
      extraVolumes: [{ name: 'varlogpods', hostPath: { path: '/var/log/pods' } }],
      extraVolumeMounts: [{ name: 'varlogpods', mountPath: '/var/log/pods', readOnly: true }],
      podSecurityContext: { runAsUser: 0, runAsGroup: 0, seccompProfile: { type: 'RuntimeDefault' } },
      // Every node, GPU nodes included: that is where the model servers and DCGM run.
      tolerations: [{ operator: 'Exists' }],
      priorityClassName: 'system-node-critical',
      resources: { requests: { cpu: '100m', memory: '256Mi' }, limits: { memory: '512Mi' } },
    };
  }

  private gatewayValues(): object {
    const replicas = this.props.gatewayReplicas ?? 1;
    return {
      ...common(COLLECTOR_GATEWAY_SERVICE_ACCOUNT),
      mode: 'deployment',
      replicaCount: replicas,
      config: withoutChartDefaults(this.gatewayConfig()),
      clusterRole: {
        create: true,
        rules: [
          {
            apiGroups: [''],
            resources: [
              'events',
              'namespaces',
              'namespaces/status',
              'nodes',
              'nodes/spec',
              'pods',
              'pods/status',
              'replicationcontrollers',
              'replicationcontrollers/status',
              'resourcequotas',
              'services',
            ],
            verbs: ['get', 'list', 'watch'],
          },
          { apiGroups: ['apps'], resources: ['daemonsets', 'deployments', 'replicasets', 'statefulsets'], verbs: ['get', 'list', 'watch'] },
          { apiGroups: ['batch'], resources: ['jobs', 'cronjobs'], verbs: ['get', 'list', 'watch'] },
          { apiGroups: ['autoscaling'], resources: ['horizontalpodautoscalers'], verbs: ['get', 'list', 'watch'] },
          { apiGroups: ['coordination.k8s.io'], resources: ['leases'], verbs: ['get', 'list', 'watch', 'create', 'update', 'patch'] },
        ],
      },
      ports: {
        ...ports({ otlp: true, 'otlp-http': true }),
        'otlp-agents': { enabled: true, containerPort: OTLP_PORTS.agents, servicePort: OTLP_PORTS.agents, protocol: 'TCP' },
      },
      podSecurityContext: restrictedPodSecurity(COLLECTOR_USER),
      nodeSelector: { [SYSTEM_POOL_LABEL.key]: SYSTEM_POOL_LABEL.value },
      podDisruptionBudget: replicas > 1 ? { enabled: true, minAvailable: 1 } : { enabled: false },
      topologySpreadConstraints: [
        {
          maxSkew: 1,
          topologyKey: 'topology.kubernetes.io/zone',
          whenUnsatisfiable: 'ScheduleAnyway',
          labelSelector: { matchLabels: { 'app.kubernetes.io/instance': 'otel-gateway' } },
        },
      ],
      resources: { requests: { cpu: '250m', memory: '512Mi' }, limits: { memory: '1Gi' } },
    };
  }
}

/** Values both releases share: pinned contrib image, own service account, hardened container. */
function common(serviceAccount: string): object {
  return {
    fullnameOverride: serviceAccount,
    image: { repository: OTEL_COLLECTOR_IMAGE.repository, tag: OTEL_COLLECTOR_IMAGE.tag },
    command: { name: 'otelcol-contrib' },
    serviceAccount: { create: true, name: serviceAccount },
    securityContext: restrictedContainerSecurity(),
  };
}

/** The chart's default ports: Jaeger and Zipkin off; OTLP as asked. */
function ports(otlp: { otlp: boolean; 'otlp-http': boolean }): object {
  return {
    otlp: { enabled: otlp.otlp },
    'otlp-http': { enabled: otlp['otlp-http'] },
    'jaeger-compact': { enabled: false },
    'jaeger-thrift': { enabled: false },
    'jaeger-grpc': { enabled: false },
    zipkin: { enabled: false },
  };
}

/** Components and pipelines of the chart's default configuration. */
const CHART_DEFAULTS = {
  receivers: ['jaeger', 'zipkin', 'otlp', 'prometheus'],
  exporters: ['debug'],
  pipelines: ['metrics', 'logs', 'traces'],
} as const;

/**
 * Helm merges these values into the chart's default configuration; a `null` removes a default
 * the blueprint does not use (a Jaeger receiver, a debug exporter, a pipeline), so what runs is
 * exactly the configuration checked here.
 */
export function withoutChartDefaults(c: CollectorConfig): object {
  const nulls = (defaults: readonly string[], present: object) =>
    Object.fromEntries(defaults.filter((d) => !(d in present)).map((d) => [d, null]));
  return {
    ...c,
    receivers: { ...nulls(CHART_DEFAULTS.receivers, c.receivers), ...c.receivers },
    exporters: { ...nulls(CHART_DEFAULTS.exporters, c.exporters), ...c.exporters },
    service: { ...c.service, pipelines: { ...nulls(CHART_DEFAULTS.pipelines, c.service.pipelines), ...c.service.pipelines } },
  };
}

/**
 * A Prometheus scrape job for one target, limited to pods on the agent's own node. Adds
 * `namespace`, `pod`, `node`, `source` (the extra sources' series get theirs) and (when asked)
 * `model` labels.
 */
export function scrapeConfig(t: ScrapeTarget, interval: string): object {
  const selector = Object.entries(t.podLabels)
    .map(([k, v]) => `${k}=${v}`)
    .join(',');
  return {
    job_name: t.name,
    scrape_interval: interval,
    metrics_path: t.path ?? '/metrics',
    kubernetes_sd_configs: [
      {
        role: 'pod',
        namespaces: { names: [t.namespace] },
        selectors: [{ role: 'pod', label: selector, field: 'spec.nodeName=${env:K8S_NODE_NAME}' }],
      },
    ],
    relabel_configs: [
      { source_labels: ['__meta_kubernetes_pod_container_port_number'], regex: String(t.port), action: 'keep' },
      { source_labels: ['__meta_kubernetes_pod_phase'], regex: 'Running', action: 'keep' },
      { source_labels: ['__meta_kubernetes_namespace'], target_label: 'namespace' },
      { source_labels: ['__meta_kubernetes_pod_name'], target_label: 'pod' },
      { source_labels: ['__meta_kubernetes_pod_node_name'], target_label: 'node' },
      { target_label: 'source', replacement: t.source },
      ...(t.modelLabel ? [{ source_labels: [metaLabel(t.modelLabel)], target_label: 'model' }] : []),
    ],
    // Series of another source served by the same endpoint carry that source's label.
    ...(t.extraSources?.length
      ? {
          metric_relabel_configs: t.extraSources.map((s) => ({
            source_labels: ['__name__'],
            regex: METRIC_CATALOG[s].metrics.join('|'),
            target_label: 'source',
            replacement: s,
          })),
        }
      : {}),
  };
}
