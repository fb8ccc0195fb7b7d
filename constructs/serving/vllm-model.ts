import { Manifest } from '@cdktf/provider-kubernetes/lib/manifest';
import { Construct } from 'constructs';
import { BlueprintError, show } from '../core/errors';
import type { IGpuCapacity } from '../gpu/gpu-capacity';
import { PORTS } from '../guardrails/ports';

/** Pinned vLLM OpenAI-compatible server image. */
export const VLLM_IMAGE = 'vllm/vllm-openai:v0.10.1.1';
/** Where model servers run (the platform layer's namespace). */
export const SERVING_NAMESPACE = 'gpb-serving';
/** Assumed streaming rate of weights from S3 (Run:ai model streamer), for the startup budget. */
const STREAM_GIB_PER_SECOND = 0.5;

/** The service account a model's server runs as (its Pod Identity role trusts this name). */
export const modelServiceAccount = (model: string): string => `model-${model}`;

export interface VllmModelProps {
  readonly name: string;
  /** Where it runs: node selector, tolerations and GPU resource name come from here. */
  readonly pool: IGpuCapacity;
  /** `s3://bucket/prefix` the weights stream from. */
  readonly modelUri: string;
  readonly region: string;
  /** Tensor-parallel size. @default 1 */
  readonly gpusPerReplica?: number;
  /** Weight size, for the startup budget. */
  readonly weightsGiB: number;
  /** @default 1 */
  readonly replicas?: number;
}

/**
 * A vLLM model server: a Deployment placed on its GPU capacity through the capacity object,
 * GPUs in limits, weights streamed from S3 with its own read-only Pod Identity role, a
 * shared-memory volume for tensor parallelism, startup probe sized for the model's load time,
 * restricted security context, topology spread across zones, a PodDisruptionBudget, a Service.
 */
export class VllmModel extends Construct {
  /** The Deployment. */
  readonly resource: Manifest;
  readonly serviceName: string;
  readonly port = PORTS.modelHttp;

  constructor(scope: Construct, id: string, props: VllmModelProps) {
    super(scope, id);
    const tp = props.gpusPerReplica ?? 1;
    const fits = props.pool.instanceTypes.filter((t) => t.gpus >= tp && t.gpus % tp === 0);
    if (fits.length === 0) {
      throw new BlueprintError(`VllmModel '${props.name}': 'gpusPerReplica' ${show(tp)} does not divide the GPUs per node of any instance type of '${props.pool.name}'`);
    }
    // Ask for the share of the smallest fitting node the replica's GPUs stand for (75%, leaving room for daemons).
    const node = fits.reduce((a, b) => (b.gpus * 1000 + b.vcpus < a.gpus * 1000 + a.vcpus ? b : a));
    const share = tp / node.gpus;
    const cpu = Math.max(1, Math.floor(node.vcpus * share * 0.75));
    const memoryGiB = Math.max(8, Math.floor(node.memoryGiB * share * 0.75));
    const startupSeconds = Math.ceil(props.weightsGiB / STREAM_GIB_PER_SECOND) + 120;
    const labels = { 'app.kubernetes.io/name': 'vllm', 'app.kubernetes.io/instance': props.name, 'gpb.io/model': props.name };
    const sa = modelServiceAccount(props.name);
    this.serviceName = `model-${props.name}`;
    const meta = (name: string) => ({ name, namespace: SERVING_NAMESPACE, labels: { ...labels, 'app.kubernetes.io/managed-by': 'gpu-platform-blueprint' } });

    const account = new Manifest(this, 'ServiceAccount', { manifest: { apiVersion: 'v1', kind: 'ServiceAccount', metadata: meta(sa) } });
    const probe = (path: string, extra: Record<string, number>) => ({ httpGet: { path, port: this.port }, periodSeconds: 10, ...extra });
    this.resource = new Manifest(this, 'Resource', {
      manifest: {
        apiVersion: 'apps/v1',
        kind: 'Deployment',
        metadata: meta(this.serviceName),
        spec: {
          replicas: props.replicas ?? 1,
          selector: { matchLabels: labels },
          strategy: { type: 'RollingUpdate', rollingUpdate: { maxUnavailable: 0, maxSurge: 1 } },
          template: {
            metadata: { labels },
            spec: {
              serviceAccountName: sa,
              nodeSelector: { ...props.pool.nodeSelector },
              tolerations: props.pool.tolerations.map((t) => ({ ...t })),
              topologySpreadConstraints: [{ maxSkew: 1, topologyKey: 'topology.kubernetes.io/zone', whenUnsatisfiable: 'ScheduleAnyway', labelSelector: { matchLabels: labels } }],
              securityContext: { runAsNonRoot: true, runAsUser: 1000, runAsGroup: 1000, fsGroup: 1000, seccompProfile: { type: 'RuntimeDefault' } },
              terminationGracePeriodSeconds: 60,
              containers: [
                {
                  name: 'vllm',
                  image: VLLM_IMAGE,
                  args: [
                    '--model', props.modelUri,
                    '--load-format', 'runai_streamer',
                    '--served-model-name', props.name,
                    '--tensor-parallel-size', String(tp),
                    '--port', String(this.port),
                  ],
                  env: [
                    { name: 'AWS_REGION', value: props.region },
                    { name: 'HOME', value: '/tmp' },
                    { name: 'HF_HOME', value: '/tmp/hf' },
                  ],
                  ports: [{ name: 'http', containerPort: this.port }],
                  resources: {
                    requests: { cpu: String(cpu), memory: `${memoryGiB}Gi` },
                    limits: { memory: `${memoryGiB}Gi`, [props.pool.gpuResourceName]: String(tp) },
                  },
                  securityContext: { allowPrivilegeEscalation: false, capabilities: { drop: ['ALL'] } },
                  startupProbe: probe('/health', { failureThreshold: Math.ceil(startupSeconds / 10) }),
                  readinessProbe: probe('/health', { failureThreshold: 3 }),
                  livenessProbe: probe('/health', { failureThreshold: 6 }),
                  volumeMounts: [
                    { name: 'shm', mountPath: '/dev/shm' },
                    { name: 'tmp', mountPath: '/tmp' },
                  ],
                },
              ],
              volumes: [
                { name: 'shm', emptyDir: { medium: 'Memory', sizeLimit: `${Math.min(16, 4 * tp)}Gi` } },
                { name: 'tmp', emptyDir: { sizeLimit: '20Gi' } },
              ],
            },
          },
        },
      },
      dependsOn: [account],
    });
    new Manifest(this, 'Service', {
      manifest: {
        apiVersion: 'v1',
        kind: 'Service',
        metadata: meta(this.serviceName),
        spec: { selector: labels, ports: [{ name: 'http', port: this.port, targetPort: this.port }] },
      },
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
}
