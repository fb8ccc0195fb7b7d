import { Manifest } from '@cdktf/provider-kubernetes/lib/manifest';
import { Construct } from 'constructs';
import { restrictedContainerSecurity, restrictedPodSecurity } from '../guardrails/security-contexts';
import type { IGpuCapacity } from '../../model/gpu-capacity';
import { modelPlacementProblems } from '../../model/rules/model-placement';
import { throwProblems } from '../../model/rules/problem';
import { PORTS } from '../../model/ports';
import type { IScrapeRegistry } from '../telemetry/otel-collector';
import type { IServedModel } from './llm-gateway';
import type { IScalable } from './keda';
import { IMAGES, imageRef } from '../../model/pins';
import { DEFAULTS } from '../../model/defaults';

/** Pinned vLLM OpenAI-compatible server image. */
export const VLLM_IMAGE = imageRef(IMAGES.vllm);
/** Pinned NVIDIA Triton Inference Server image. */
export const TRITON_IMAGE = imageRef(IMAGES.triton);

export type ModelEngine = 'vllm' | 'triton';
/** What a vLLM server answers: chat and completions, or embeddings (`/v1/embeddings`). */
export type ModelTask = 'generate' | 'embed';

/** The user model server pods run as (uid and gid 1000; the volumes are group-writable for it). */
const MODEL_SERVER_USER = { uid: 1000, gid: 1000 } as const;

interface EngineSpec {
  readonly image: string;
  /**
   * The server cannot read S3 with the pod's credentials, so an init container copies the model
   * to local disk first and the server loads it from {@link LOCAL_MODEL_DIR}.
   */
  readonly fetchesModel?: boolean;
  readonly command?: string[];
  args(p: { name: string; modelUri: string; tp: number; port: number; task: ModelTask }): string[];
  readonly startupPath: string;
  readonly readyPath: string;
  readonly livePath: string;
  readonly ports: readonly { name: string; containerPort: number }[];
  readonly metricsPort: number;
  /** What KEDA scales this engine on (docs/serving.md, "Autoscaling"). */
  load(model: string, target: AutoscalingTargets): { query: string; metricType: 'AverageValue' | 'Value'; target: number };
}

/** Per-environment autoscaling targets (serving.autoscaling). */
export interface AutoscalingTargets {
  readonly targetInFlightPerReplica: number;
  readonly targetQueueMilliseconds: number;
}

/** What differs between the engines; everything else (placement, security, probes' budget) is shared. */
export const ENGINES: Readonly<Record<ModelEngine, EngineSpec>> = {
  vllm: {
    image: VLLM_IMAGE,
    // `vllm serve <model>` rather than the image's entrypoint: the vllm-openai image's
    // entrypoint moved from the api_server module to `vllm serve` (which refuses --model) after
    // October 2025, and the CLI with a positional model works on the pinned 0.10.1.1 and after.
    command: ['vllm', 'serve'],
    args: (p) => [
      p.modelUri,
      '--load-format',
      'runai_streamer',
      '--served-model-name',
      p.name,
      '--tensor-parallel-size',
      String(p.tp),
      '--port',
      String(p.port),
      // What `--task embed` meant, in the flags that replace it (vllm-project/vllm #21470,
      // in 0.10.1; --task is deprecated).
      ...(p.task === 'embed' ? ['--runner', 'pooling', '--convert', 'embed'] : []),
    ],
    startupPath: '/health',
    readyPath: '/health',
    livePath: '/health',
    ports: [{ name: 'http', containerPort: PORTS.modelHttp }],
    metricsPort: PORTS.modelHttp,
    // Requests in flight (running + waiting) over all replicas, divided by the target per replica.
    load: (model, t) => ({
      query: `sum(vllm:num_requests_running{model="${model}"}) + sum(vllm:num_requests_waiting{model="${model}"})`,
      metricType: 'AverageValue',
      target: t.targetInFlightPerReplica,
    }),
  },
  triton: {
    image: TRITON_IMAGE,
    // Triton 25.08 is built with aws-sdk-cpp 1.11.60; EKS Pod Identity needs 1.11.263 or later
    // (EKS user guide, pod-id-minimum-sdk), and its S3 client reads only keys or a profile. The
    // AWS CLI (>= 2.15) in an init container fetches the repository with the pod's role.
    fetchesModel: true,
    command: ['tritonserver'],
    args: (p) => [
      `--model-repository=${LOCAL_MODEL_DIR}`,
      `--http-port=${p.port}`,
      `--grpc-port=${PORTS.modelGrpc}`,
      `--metrics-port=${PORTS.modelMetrics}`,
      '--strict-readiness=true',
    ],
    startupPath: '/v2/health/ready',
    readyPath: '/v2/health/ready',
    livePath: '/v2/health/live',
    ports: [
      { name: 'http', containerPort: PORTS.modelHttp },
      { name: 'grpc', containerPort: PORTS.modelGrpc },
      { name: 'metrics', containerPort: PORTS.modelMetrics },
    ],
    metricsPort: PORTS.modelMetrics,
    // Mean queue time per request in milliseconds: an average, so scaled as a Value.
    load: (model, t) => ({
      query: `sum(rate(nv_inference_queue_duration_us{model="${model}"}[2m])) / sum(rate(nv_inference_request_success{model="${model}"}[2m])) / 1000`,
      metricType: 'Value',
      target: t.targetQueueMilliseconds,
    }),
  },
};
/** Where a server that fetches its model ({@link EngineSpec.fetchesModel}) finds it. */
export const LOCAL_MODEL_DIR = '/models';

/**
 * The init container that copies `s3://bucket/models/<m>/` to {@link LOCAL_MODEL_DIR} with the
 * pod's Pod Identity role (the AWS CLI's container credential provider). Restricted like the
 * server; its CLI cache goes to /tmp.
 */
function fetchModelContainer(modelUri: string, region: string) {
  return {
    name: 'fetch-model',
    image: imageRef(IMAGES.awsCli),
    command: ['aws', 's3', 'sync', modelUri, LOCAL_MODEL_DIR, '--only-show-errors', '--no-progress'],
    env: [
      { name: 'AWS_REGION', value: region },
      { name: 'HOME', value: '/tmp' },
    ],
    resources: { requests: { cpu: '1', memory: '1Gi' }, limits: { memory: '2Gi' } },
    securityContext: restrictedContainerSecurity(),
    volumeMounts: [
      { name: 'models', mountPath: LOCAL_MODEL_DIR },
      { name: 'tmp', mountPath: '/tmp' },
    ],
  };
}

/** Where model servers run (the platform layer's namespace). */
export const SERVING_NAMESPACE = 'gpb-serving';
/** Assumed streaming rate of weights from S3 (Run:ai model streamer), for the startup budget. */
const STREAM_GIB_PER_SECOND = 0.5;

/** LeaderWorkerSet (multi-node models) API and the label our templates give leaders and workers. */
export const LWS_API_VERSION = 'leaderworkerset.x-k8s.io/v1';
export const LWS_ROLE_LABEL = 'gpb.io/lws-role';
/** Extended resource of Elastic Fabric Adapter interfaces (EFA device plugin). */
export const EFA_RESOURCE = 'vpc.amazonaws.com/efa';
/** Ray's head port on the leader of a multi-node group. */
export const RAY_PORT = 6379;

/** Workers join the leader's Ray cluster and wait; vLLM on the leader drives them. */
const WORKER_SCRIPT = `exec ray start --address=$LWS_LEADER_ADDRESS:${RAY_PORT} --block`;

/**
 * The leader starts Ray, waits until every node of the group has joined, then serves with
 * tensor parallelism inside a node and pipeline parallelism across nodes.
 */
function leaderScript(serverArgs: readonly string[], nodes: number): string {
  return [
    `ray start --head --port=${RAY_PORT}`,
    `until [ "$(ray status 2>/dev/null | grep -c node_)" -ge ${nodes} ]; do sleep 5; done`,
    `exec vllm serve ${serverArgs.join(' ')} --pipeline-parallel-size ${nodes} --distributed-executor-backend ray`,
  ].join(' && ');
}

/** The service account a model's server runs as (its Pod Identity role trusts this name). */
export const modelServiceAccount = (model: string): string => `model-${model}`;

export interface ModelServerProps {
  readonly name: string;
  /** @default 'vllm' */
  readonly engine?: ModelEngine;
  /** Where it runs: node selector, tolerations and GPU resource name come from here. */
  readonly pool: IGpuCapacity;
  /** `s3://bucket/prefix`: vLLM streams the weights from it, Triton reads its model repository there. */
  readonly modelUri: string;
  readonly region: string;
  /** Tensor-parallel size. @default 1 */
  readonly gpusPerReplica?: number;
  /** Weight size, for the startup budget. */
  readonly weightsGiB: number;
  /** Fixed replicas; leave out when an autoscaler owns the count (`autoscaled`). @default 1 */
  readonly replicas?: number;
  /** An autoscaler (KEDA) sets the replica count: the Deployment leaves it alone. @default false */
  readonly autoscaled?: boolean;
  /** Where the server registers its metrics port for scraping. @default - not scraped */
  readonly metrics?: IScrapeRegistry;
  /**
   * Nodes per replica. Above 1 the model spans whole nodes of an EFA pool as a LeaderWorkerSet
   * (tensor parallelism inside a node, pipeline parallelism across nodes, over Ray). vLLM only.
   * @default 1
   */
  readonly nodes?: number;
  /** vLLM: serve chat and completions or embeddings. @default 'generate' */
  readonly task?: ModelTask;
}

/**
 * A model server (vLLM or Triton): a Deployment placed on its GPU capacity through the capacity
 * object, GPUs in limits, weights or the model repository read from S3 with its own read-only
 * Pod Identity role, a shared-memory volume, a startup probe sized for the model's load time,
 * restricted security context, topology spread across zones, metrics registered for scraping, a
 * PodDisruptionBudget and a Service.
 */
export class ModelServer extends Construct implements IServedModel, IScalable {
  /** The Deployment (or LeaderWorkerSet for a multi-node model). */
  readonly resource: Manifest;
  /** What an autoscaler scales: the Deployment or the LeaderWorkerSet (IScalable). */
  readonly scaleTargetRef: { readonly apiVersion: string; readonly kind: string; readonly name: string };
  readonly namespace = SERVING_NAMESPACE;
  readonly serviceName: string;
  /** The served model name (what callers put in the OpenAI `model` field). */
  readonly modelName: string;
  /** Chat and completions, or embeddings. */
  readonly task: ModelTask;
  private readonly engine: EngineSpec;
  readonly port = PORTS.modelHttp;

  constructor(scope: Construct, id: string, props: ModelServerProps) {
    super(scope, id);
    const tp = props.gpusPerReplica ?? DEFAULTS.model.gpusPerReplica;
    const nodes = props.nodes ?? DEFAULTS.model.nodesPerReplica;
    const engine = ENGINES[props.engine ?? DEFAULTS.model.engine];
    this.engine = engine;
    this.modelName = props.name;
    this.task = props.task ?? DEFAULTS.model.task;
    // Where a model can run is written once (model/rules/model-placement.ts); the schema reports the same.
    const pool = props.pool;
    const placement = modelPlacementProblems({
      engine: props.engine ?? DEFAULTS.model.engine,
      task: props.task ?? DEFAULTS.model.task,
      gpusPerReplica: tp,
      nodesPerReplica: nodes,
      capacity: {
        name: pool.name,
        kind: pool.kind,
        instanceTypes: pool.instanceTypes,
        efa: pool.efa,
        timeSliced: pool.instanceTypes.some((t) => pool.schedulableGpusPerNode(t) !== t.gpus),
      },
    });
    throwProblems(
      `ModelServer '${props.name}'`,
      placement.map((p) => (p.field[0] === 'nodesPerReplica' ? { ...p, field: ['nodes'] } : p)),
    );
    const fits = props.pool.instanceTypes.filter((t) => t.gpus >= tp && t.gpus % tp === 0);
    // Ask for the share of the smallest fitting node the replica's GPUs stand for (75%, leaving room for daemons).
    const node = fits.reduce((a, b) => (b.gpus * 1000 + b.vcpus < a.gpus * 1000 + a.vcpus ? b : a));
    const share = tp / node.gpus;
    const cpu = Math.max(1, Math.floor(node.vcpus * share * 0.75));
    const memoryGiB = Math.max(8, Math.floor(node.memoryGiB * share * 0.75));
    const startupSeconds = Math.ceil(props.weightsGiB / STREAM_GIB_PER_SECOND) + 120;
    const labels = {
      'app.kubernetes.io/name': props.engine ?? DEFAULTS.model.engine,
      'app.kubernetes.io/instance': props.name,
      'gpb.io/model': props.name,
    };
    const sa = modelServiceAccount(props.name);
    const task = props.task ?? DEFAULTS.model.task;
    const serverArgs = engine.args({ name: props.name, modelUri: props.modelUri, tp, port: this.port, task });
    this.serviceName = `model-${props.name}`;
    const meta = (name: string) => ({
      name,
      namespace: SERVING_NAMESPACE,
      labels: { ...labels, 'app.kubernetes.io/managed-by': 'gpu-platform-blueprint' },
    });

    const account = new Manifest(this, 'ServiceAccount', { manifest: { apiVersion: 'v1', kind: 'ServiceAccount', metadata: meta(sa) } });
    const probe = (path: string, extra: Record<string, number>) => ({ httpGet: { path, port: this.port }, periodSeconds: 10, ...extra });
    const efa = nodes > 1 ? { [EFA_RESOURCE]: '1' } : {};
    const container = (role: 'server' | 'leader' | 'worker') => ({
      name: role === 'worker' ? 'worker' : 'server',
      image: engine.image,
      ...(role === 'server'
        ? { ...(engine.command ? { command: engine.command } : {}), args: serverArgs }
        : { command: ['/bin/sh', '-c'], args: [role === 'leader' ? leaderScript(serverArgs, nodes) : WORKER_SCRIPT] }),
      env: [
        { name: 'AWS_REGION', value: props.region },
        // The images run as uid 1000 with no passwd entry for it (vLLM's image has none): Python's
        // getpass.getuser(), which PyTorch calls, reads LOGNAME/USER before the passwd database.
        { name: 'USER', value: 'model-server' },
        { name: 'LOGNAME', value: 'model-server' },
        { name: 'HOME', value: '/tmp' },
        { name: 'HF_HOME', value: '/tmp/hf' },
        ...(nodes > 1
          ? [
              { name: 'FI_PROVIDER', value: 'efa' },
              { name: 'FI_EFA_USE_DEVICE_RDMA', value: '1' },
            ]
          : []),
      ],
      ...(role === 'worker' ? {} : { ports: engine.ports.map((p) => ({ ...p })) }),
      resources: {
        requests: { cpu: String(cpu), memory: `${memoryGiB}Gi` },
        limits: { memory: `${memoryGiB}Gi`, [props.pool.gpuResourceName]: String(tp), ...efa },
      },
      securityContext: restrictedContainerSecurity({
        writableRoot:
          'vLLM and Triton are not verified with a read-only root filesystem (that needs a GPU: docs/serving.md, verify on a cluster)',
      }),
      ...(role === 'worker'
        ? {}
        : {
            startupProbe: probe(engine.startupPath, { failureThreshold: Math.ceil(startupSeconds / 10) }),
            readinessProbe: probe(engine.readyPath, { failureThreshold: 3 }),
            livenessProbe: probe(engine.livePath, { failureThreshold: 6 }),
          }),
      volumeMounts: [
        { name: 'shm', mountPath: '/dev/shm' },
        { name: 'tmp', mountPath: '/tmp' },
        ...(engine.fetchesModel ? [{ name: 'models', mountPath: LOCAL_MODEL_DIR, readOnly: true }] : []),
      ],
    });
    const podSpec = (role: 'server' | 'leader' | 'worker') => ({
      serviceAccountName: sa,
      nodeSelector: { ...props.pool.nodeSelector },
      tolerations: props.pool.tolerations.map((t) => ({ ...t })),
      topologySpreadConstraints: [
        {
          maxSkew: 1,
          topologyKey: 'topology.kubernetes.io/zone',
          whenUnsatisfiable: 'ScheduleAnyway',
          labelSelector: { matchLabels: labels },
        },
      ],
      securityContext: restrictedPodSecurity(MODEL_SERVER_USER, { fsGroup: MODEL_SERVER_USER.gid }),
      terminationGracePeriodSeconds: 60,
      ...(engine.fetchesModel ? { initContainers: [fetchModelContainer(props.modelUri, props.region)] } : {}),
      containers: [container(role)],
      volumes: [
        { name: 'shm', emptyDir: { medium: 'Memory', sizeLimit: `${Math.min(16, 4 * tp)}Gi` } },
        { name: 'tmp', emptyDir: { sizeLimit: '20Gi' } },
        // On GPU nodes emptyDir lives on the instance store (RAID0 of local NVMe, EC2NodeClass).
        ...(engine.fetchesModel ? [{ name: 'models', emptyDir: { sizeLimit: `${Math.ceil(props.weightsGiB * 1.25) + 5}Gi` } }] : []),
      ],
    });
    const annotations = {
      'prometheus.io/scrape': 'true',
      'prometheus.io/port': String(engine.metricsPort),
      'prometheus.io/path': '/metrics',
    };
    // Terraform must not reset what the autoscaler set: no replicas field when autoscaled.
    const replicas = props.autoscaled ? {} : { replicas: props.replicas ?? 1 };
    this.scaleTargetRef = {
      ...(nodes > 1 ? { apiVersion: LWS_API_VERSION, kind: 'LeaderWorkerSet' } : { apiVersion: 'apps/v1', kind: 'Deployment' }),
      name: this.serviceName,
    };
    this.resource = new Manifest(this, 'Resource', {
      manifest:
        nodes > 1
          ? {
              apiVersion: LWS_API_VERSION,
              kind: 'LeaderWorkerSet',
              metadata: meta(this.serviceName),
              spec: {
                ...replicas,
                startupPolicy: 'LeaderCreated',
                rolloutStrategy: { type: 'RollingUpdate', rollingUpdateConfiguration: { maxUnavailable: 0, maxSurge: 1 } },
                leaderWorkerTemplate: {
                  size: nodes,
                  // One failed pod restarts its whole group: a pipeline stage cannot rejoin alone.
                  restartPolicy: 'RecreateGroupOnPodRestart',
                  leaderTemplate: { metadata: { labels: { ...labels, [LWS_ROLE_LABEL]: 'leader' }, annotations }, spec: podSpec('leader') },
                  workerTemplate: { metadata: { labels: { ...labels, [LWS_ROLE_LABEL]: 'worker' } }, spec: podSpec('worker') },
                },
              },
            }
          : {
              apiVersion: 'apps/v1',
              kind: 'Deployment',
              metadata: meta(this.serviceName),
              spec: {
                ...replicas,
                selector: { matchLabels: labels },
                strategy: { type: 'RollingUpdate', rollingUpdate: { maxUnavailable: 0, maxSurge: 1 } },
                template: { metadata: { labels, annotations }, spec: podSpec('server') },
              },
            },
      dependsOn: [account],
    });
    // Only the leader serves (and reports metrics) in a multi-node group.
    const servingPods = nodes > 1 ? { ...labels, [LWS_ROLE_LABEL]: 'leader' } : labels;
    new Manifest(this, 'Service', {
      manifest: {
        apiVersion: 'v1',
        kind: 'Service',
        metadata: meta(this.serviceName),
        spec: {
          selector: servingPods,
          ports: engine.ports.map((p) => ({ name: p.name, port: p.containerPort, targetPort: p.containerPort })),
        },
      },
    });
    props.metrics?.addScrapeTarget({
      name: this.serviceName,
      source: props.engine ?? DEFAULTS.model.engine,
      namespace: SERVING_NAMESPACE,
      podLabels: nodes > 1 ? { 'gpb.io/model': props.name, [LWS_ROLE_LABEL]: 'leader' } : { 'gpb.io/model': props.name },
      port: engine.metricsPort,
      modelLabel: 'gpb.io/model',
    });
    new Manifest(this, 'Disruption', {
      manifest: {
        apiVersion: 'policy/v1',
        kind: 'PodDisruptionBudget',
        metadata: meta(this.serviceName),
        spec: { maxUnavailable: 1, selector: { matchLabels: labels } },
      },
    });
  }

  /** The load KEDA scales this server on, for the environment's targets (the engine's own metric). */
  loadMetric(targets: AutoscalingTargets): { query: string; metricType: 'AverageValue' | 'Value'; target: number } {
    return this.engine.load(this.modelName, targets);
  }
}
