import type { Construct } from 'constructs';
import type { KarpenterAws } from '../constructs/gpu/karpenter-aws';
import { EfaDevicePlugin } from '../constructs/gpu/efa-device-plugin';
import { KarpenterController } from '../constructs/gpu/karpenter-controller';
import { NvidiaGpuOperator } from '../constructs/gpu/nvidia-gpu-operator';
import type { Network } from '../constructs/network/network';
import { EncryptedStorageClass } from '../constructs/platform/encrypted-storage-class';
import { ExternalSecrets } from '../constructs/platform/external-secrets';
import { PORTS, tcp } from '../model/ports';
import { WorkloadAdmission } from '../constructs/guardrails/workload-admission';
import { WorkloadNamespace } from '../constructs/guardrails/workload-namespace';
import { ConfigMapV1 } from '@cdktf/provider-kubernetes/lib/config-map-v1';
import { escapeTerraformTemplates } from '../constructs/core/terraform-escape';
import { dashboardsFor, grafanaJson } from '../model/telemetry/dashboards';
import { OTLP_PORTS, OtelCollector, TELEMETRY_NAMESPACE } from '../constructs/telemetry/otel-collector';
import type { TelemetryAws } from '../constructs/telemetry/telemetry-aws';
import { DCGM_EXPORTER, GPU_OPERATOR_NAMESPACE } from '../constructs/gpu/nvidia-gpu-operator';
import { LoadBalancerController } from '../constructs/cluster/load-balancer-controller';
import { Keda, KEDA_NAMESPACE } from '../constructs/serving/keda';
import { LeaderWorkerSetController, LWS_NAME_LABEL } from '../constructs/serving/leader-worker-set';
import { KubernetesLayerStack, type KubernetesLayerStackProps } from './kubernetes-layer-stack';
import { expectedMetricSources } from './telemetry-sources';
import { routedModels } from '../environments/serving-schema';

export interface PlatformStackProps extends KubernetesLayerStackProps {
  /** The environment's network: data subnet CIDRs bound the data-layer egress. */
  readonly network: Network;
  /** Karpenter's AWS side, when the environment has GPU pools. */
  readonly karpenter?: KarpenterAws;
  /** The Prometheus workspace and log group the collectors export to (data layer). */
  readonly telemetry: TelemetryAws;
}

/**
 * The platform layer (in-cluster, after data): the runtime guardrails the workload layers rely on. Namespaces for the
 * gateway, model servers and the in-cluster vector store, each under Pod Security Admission
 * and default-deny network policies, with only these paths open:
 *
 *   VPC clients -> gateway:4000 -> model servers:8000/8001
 *   gateway, model servers -> vector store:6333/6334, data subnets:6379/5432
 *   model servers, vector store, gateway -> HTTPS (S3 weights and snapshots, AWS APIs)
 *   workloads -> collector gateway:4317/4318 (OTLP); collector -> metrics ports, kubelet, HTTPS
 *
 * and a ValidatingAdmissionPolicy enforcing the GPU workload rules at admission. Also the
 * OpenTelemetry collectors (docs/observability.md) and the GPU and autoscaling controllers.
 */
export class PlatformStack extends KubernetesLayerStack {
  readonly gateway: WorkloadNamespace;
  readonly serving: WorkloadNamespace;
  readonly vectorStore: WorkloadNamespace;
  readonly telemetry: WorkloadNamespace;
  /** Scrapes and forwards metrics, logs and traces; other layers register scrape targets on it. */
  readonly collector: OtelCollector;
  readonly admission: WorkloadAdmission;
  readonly karpenter?: KarpenterController;
  readonly gpuOperator?: NvidiaGpuOperator;
  /** Encrypted gp3 volumes for in-cluster state (present when the environment runs Qdrant). */
  readonly storageClass?: EncryptedStorageClass;
  readonly externalSecrets?: ExternalSecrets;
  /** AWS Load Balancer Controller, when the gateway is exposed through an ALB. */
  readonly loadBalancerController?: LoadBalancerController;
  /** LeaderWorkerSet controller, when a model spans several nodes. */
  readonly leaderWorkerSet?: LeaderWorkerSetController;
  /** KEDA, when the environment serves models: the ScaledObject CRD the serving layer uses. */
  readonly keda?: Keda;

  constructor(scope: Construct, props: PlatformStackProps) {
    const qdrant = props.env.data.vectorStore.engine === 'qdrant';
    super(scope, 'platform', { ...props, helm: true });
    const { env, network } = props;
    const version = env.cluster.kubernetesVersion;
    const ns = (id: string, name: string) => new WorkloadNamespace(this, id, { name, kubernetesVersion: version });

    const alb = env.serving.gateway.exposure.type === 'alb';
    // Behind an ALB, a new gateway pod takes traffic only once the target group sees it healthy.
    this.gateway = new WorkloadNamespace(this, 'GatewayNamespace', {
      name: 'gpb-gateway',
      kubernetesVersion: version,
      labels: alb ? { 'elbv2.k8s.aws/pod-readiness-gate-inject': 'enabled' } : undefined,
    });
    this.serving = ns('ServingNamespace', 'gpb-serving');
    this.vectorStore = ns('VectorStoreNamespace', 'gpb-vector');

    // The agent reads container logs from the node (hostPath): privileged by necessity; audit
    // and warn stay at restricted so anything else that would need it shows up.
    this.telemetry = new WorkloadNamespace(this, 'TelemetryNamespace', {
      name: TELEMETRY_NAMESPACE,
      kubernetesVersion: version,
      podSecurity: 'privileged',
    });

    this.gateway.allowIngressFromCidrs('Vpc', [network.cidr], tcp(PORTS.gateway));
    this.serving.allowFrom(this.gateway, tcp(PORTS.modelHttp, PORTS.modelGrpc));
    this.vectorStore.allowFrom(this.gateway, tcp(PORTS.qdrantHttp, PORTS.qdrantGrpc));
    this.vectorStore.allowFrom(this.serving, tcp(PORTS.qdrantHttp, PORTS.qdrantGrpc));
    for (const client of [this.gateway, this.serving]) {
      client.allowEgressTo('DataSubnets', network.dataSubnetCidrs, tcp(PORTS.valkey, PORTS.postgres));
    }
    // S3 (weights, snapshots) and AWS APIs answer on public addresses or interface endpoints.
    for (const client of [this.gateway, this.serving, this.vectorStore]) {
      client.allowEgressTo('Https', ['0.0.0.0/0'], tcp(PORTS.https));
    }

    // Telemetry: workloads send OTLP to the collector gateway; agents forward to it; agents
    // scrape the metrics ports and, inside the VPC, kubelets (10250), the DCGM exporter and
    // Karpenter (host or system namespaces without policies of their own).
    for (const app of [this.gateway, this.serving, this.vectorStore]) this.telemetry.allowFrom(app, tcp(OTLP_PORTS.grpc, OTLP_PORTS.http));
    this.telemetry.allowFrom(this.telemetry, tcp(OTLP_PORTS.agents));
    this.serving.allowFrom(this.telemetry, tcp(PORTS.modelHttp, PORTS.modelMetrics));
    this.gateway.allowFrom(this.telemetry, tcp(PORTS.gateway));
    // The tenant Job calls the gateway's admin API from inside its namespace.
    if (env.serving.gateway.tenants.length > 0) this.gateway.allowFrom(this.gateway, tcp(PORTS.gateway));
    this.telemetry.allowEgressTo('ClusterMetrics', [network.cidr], tcp(10250, DCGM_EXPORTER.port, 8080));
    this.telemetry.allowEgressTo('Https', ['0.0.0.0/0'], tcp(PORTS.https));

    const obs = env.observability;
    this.collector = new OtelCollector(this, 'Collector', {
      clusterName: env.cluster.name,
      environment: env.name,
      region: env.region,
      remoteWriteUrl: props.telemetry.remoteWriteUrl,
      logGroupName: props.telemetry.workloadLogGroupName,
      traces: obs.traces,
      scrapeIntervalSeconds: obs.scrapeIntervalSeconds,
      gatewayReplicas: env.posture.controllerReplicas,
      logNamespaces: [
        this.gateway.name,
        this.serving.name,
        this.vectorStore.name,
        GPU_OPERATOR_NAMESPACE,
        props.karpenter?.namespace ?? 'kube-system',
        KEDA_NAMESPACE,
      ],
      dependsOn: [this.telemetry.resource],
    });
    // Dashboards for Grafana's sidecar (label grafana_dashboard) and for import.
    for (const d of dashboardsFor(expectedMetricSources(env))) {
      new ConfigMapV1(this, `Dashboard-${d.uid}`, {
        metadata: {
          name: d.uid,
          namespace: TELEMETRY_NAMESPACE,
          labels: { grafana_dashboard: '1', 'app.kubernetes.io/managed-by': 'gpu-platform-blueprint' },
        },
        data: { [`${d.uid}.json`]: escapeTerraformTemplates(JSON.stringify(grafanaJson(d), null, 2)) },
        dependsOn: [this.telemetry.resource],
      });
    }

    if (qdrant) {
      this.vectorStore.allowFrom(this.vectorStore, tcp(PORTS.qdrantP2p)); // Raft between Qdrant pods
      this.storageClass = new EncryptedStorageClass(this, 'EncryptedStorage', { retain: env.posture.retainVolumes });
    }
    // Generated secrets (Qdrant's API key, the gateway's master key) reach the cluster through it.
    if (qdrant || routedModels(env.serving).length > 0) {
      this.externalSecrets = new ExternalSecrets(this, 'ExternalSecrets', { kubernetesVersion: version, vpcCidr: network.cidr });
    }

    this.admission = new WorkloadAdmission(this, 'WorkloadAdmission', { action: env.guardrails.admissionAction });

    const { pools, nodeGroups } = env.gpu;
    if (props.karpenter) {
      this.karpenter = new KarpenterController(this, 'Karpenter', {
        clusterName: env.cluster.name,
        interruptionQueueName: props.karpenter.queueName,
        namespace: props.karpenter.namespace,
        // The chart requires its replicas on different nodes: no more than the system nodes
        // that always exist (dev's minimum is one), or one stays Pending.
        replicas: Math.min(2, env.cluster.systemNodeGroup.minSize),
        metrics: this.collector,
      });
    }
    if (pools.length + nodeGroups.length > 0) {
      this.gpuOperator = new NvidiaGpuOperator(this, 'NvidiaGpuOperator', {
        timeSlicing: pools.flatMap((p) =>
          p.amiFamily === 'al2023' && p.sharing.mode === 'time-slicing' ? [{ pool: p.name, timeSlicingReplicas: p.sharing.replicas }] : [],
        ),
        mig: pools.some((p) => p.sharing.mode === 'mig'),
        metrics: this.collector,
      });
    }
    if (pools.some((p) => p.efa)) new EfaDevicePlugin(this, 'EfaDevicePlugin');
    if (alb) {
      this.loadBalancerController = new LoadBalancerController(this, 'LoadBalancerController', {
        clusterName: env.cluster.name,
        region: env.region,
        vpcId: network.vpcId,
      });
    }
    // Models too large for one node run as LeaderWorkerSets; their group members talk on any port.
    if (env.serving.models.some((m) => m.nodesPerReplica > 1)) {
      this.leaderWorkerSet = new LeaderWorkerSetController(this, 'LeaderWorkerSet');
      this.serving.allowWithinGroups('ModelGroups', LWS_NAME_LABEL);
    }
    // Model servers scale on their own load (docs/serving.md, "Autoscaling").
    if (env.serving.models.length > 0)
      this.keda = new Keda(this, 'Keda', { replicas: env.posture.controllerReplicas, metrics: this.collector });
  }
}
