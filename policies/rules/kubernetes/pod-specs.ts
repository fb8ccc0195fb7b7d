import { block, blocks, type Json, type JsonObject, type ResourceView, strings } from '../../engine/stack-view';

/**
 * Pod templates found in a stack, normalised across the two ways cdktf emits Kubernetes
 * objects: `kubernetes_manifest` (the object as YAML would have it: camelCase, lists) and the
 * typed resources (`kubernetes_deployment_v1` and friends: snake_case, nested blocks).
 */
export interface PodTemplate {
  readonly resource: ResourceView;
  readonly kind: string;
  readonly namespace: string;
  readonly name: string;
  readonly containers: readonly ContainerSpec[];
  readonly tolerations: readonly { key?: string; operator?: string; effect?: string }[];
  readonly hostPathVolumes: readonly string[];
  readonly podRunAsNonRoot?: boolean;
}

export interface ContainerSpec {
  readonly name: string;
  readonly init: boolean;
  readonly image: string;
  readonly requests: Readonly<Record<string, string>>;
  readonly limits: Readonly<Record<string, string>>;
  readonly privileged?: boolean;
  readonly allowPrivilegeEscalation?: boolean;
  readonly runAsNonRoot?: boolean;
  readonly env: readonly { name: string; value?: string }[];
}

const TYPED_WORKLOADS: Record<string, string> = {
  kubernetes_deployment: 'Deployment',
  kubernetes_deployment_v1: 'Deployment',
  kubernetes_daemonset: 'DaemonSet',
  kubernetes_daemon_set_v1: 'DaemonSet',
  kubernetes_stateful_set: 'StatefulSet',
  kubernetes_stateful_set_v1: 'StatefulSet',
  kubernetes_job: 'Job',
  kubernetes_job_v1: 'Job',
  kubernetes_cron_job_v1: 'CronJob',
  kubernetes_pod: 'Pod',
  kubernetes_pod_v1: 'Pod',
};

/** Resource types that can hold a pod template (for rule `types`). */
export const POD_TEMPLATE_TYPES = ['kubernetes_manifest', ...Object.keys(TYPED_WORKLOADS)];

/** The pod template a resource holds, or undefined. */
export function podTemplateOf(resource: ResourceView): PodTemplate | undefined {
  if (resource.type === 'kubernetes_manifest') return fromManifest(resource);
  if (resource.type in TYPED_WORKLOADS) return fromTyped(resource, TYPED_WORKLOADS[resource.type]);
  return undefined;
}

/**
 * The pod specs a Kubernetes object holds, as written in a manifest or rendered by a chart: a
 * Pod's own, a CronJob's job template's, a LeaderWorkerSet's leader and worker templates (in that
 * order), any other workload's template.
 */
export function podSpecsOfObject(object: Json | undefined): JsonObject[] {
  const m = block(object);
  if (!m) return [];
  const kind = String(m.kind ?? '');
  const spec = block(m.spec) ?? {};
  const found =
    kind === 'Pod'
      ? [spec]
      : kind === 'CronJob'
        ? [block(block(block(block(spec.jobTemplate)?.spec)?.template)?.spec)]
        : kind === 'LeaderWorkerSet'
          ? [
              block(block(block(spec.leaderWorkerTemplate)?.leaderTemplate)?.spec),
              block(block(block(spec.leaderWorkerTemplate)?.workerTemplate)?.spec),
            ]
          : [block(block(spec.template)?.spec)];
  return found.filter((p): p is JsonObject => p !== undefined);
}

function fromManifest(resource: ResourceView): PodTemplate | undefined {
  const m = block(resource.config.manifest);
  if (!m) return undefined;
  // A LeaderWorkerSet is judged by its workers' template (the last one).
  const podSpec = podSpecsOfObject(m).at(-1);
  if (!podSpec) return undefined;
  return fromPodSpec(resource, String(m.kind ?? ''), block(m.metadata) ?? {}, podSpec, MANIFEST_KEYS);
}

function fromTyped(resource: ResourceView, kind: string): PodTemplate | undefined {
  const meta = block(resource.config.metadata) ?? {};
  const spec = block(resource.config.spec) ?? {};
  const podSpec =
    kind === 'Pod'
      ? spec
      : kind === 'CronJob'
        ? block(block(block(block(spec.job_template)?.spec)?.template)?.spec)
        : block(block(spec.template)?.spec);
  return podSpec ? fromPodSpec(resource, kind, meta, podSpec, TYPED_KEYS) : undefined;
}

/** Field names of a pod spec: Kubernetes' own (manifests) or the typed resources' snake_case blocks. */
interface PodSpecKeys {
  readonly initContainers: string;
  readonly containers: string;
  readonly securityContext: string;
  readonly runAsNonRoot: string;
  readonly allowPrivilegeEscalation: string;
  readonly tolerations: string;
  readonly volumes: string;
  readonly hostPath: string;
}

const MANIFEST_KEYS: PodSpecKeys = {
  initContainers: 'initContainers',
  containers: 'containers',
  securityContext: 'securityContext',
  runAsNonRoot: 'runAsNonRoot',
  allowPrivilegeEscalation: 'allowPrivilegeEscalation',
  tolerations: 'tolerations',
  volumes: 'volumes',
  hostPath: 'hostPath',
};

const TYPED_KEYS: PodSpecKeys = {
  initContainers: 'init_container',
  containers: 'container',
  securityContext: 'security_context',
  runAsNonRoot: 'run_as_non_root',
  allowPrivilegeEscalation: 'allow_privilege_escalation',
  tolerations: 'toleration',
  volumes: 'volume',
  hostPath: 'host_path',
};

function fromPodSpec(resource: ResourceView, kind: string, meta: JsonObject, podSpec: JsonObject, k: PodSpecKeys): PodTemplate {
  const podSc = block(podSpec[k.securityContext]);
  return {
    resource,
    kind,
    namespace: String(meta.namespace ?? 'default'),
    name: String(meta.name ?? resource.name),
    containers: [
      ...blocks(podSpec[k.initContainers]).map((c) => containerOf(c, true, k)),
      ...blocks(podSpec[k.containers]).map((c) => containerOf(c, false, k)),
    ],
    tolerations: blocks(podSpec[k.tolerations]).map((t) => ({ key: str(t.key), operator: str(t.operator), effect: str(t.effect) })),
    hostPathVolumes: blocks(podSpec[k.volumes])
      .filter((v) => blocks(v[k.hostPath]).length > 0)
      .map((v) => String(v.name)),
    podRunAsNonRoot: bool(podSc?.[k.runAsNonRoot]),
  };
}

function containerOf(c: JsonObject, init: boolean, k: PodSpecKeys): ContainerSpec {
  const res = block(c.resources) ?? {};
  const sc = block(c[k.securityContext]);
  return {
    name: String(c.name ?? ''),
    init,
    image: String(c.image ?? ''),
    requests: quantities(res.requests),
    limits: quantities(res.limits),
    privileged: bool(sc?.privileged),
    allowPrivilegeEscalation: bool(sc?.[k.allowPrivilegeEscalation]),
    runAsNonRoot: bool(sc?.[k.runAsNonRoot]),
    env: blocks(c.env).map((e) => ({ name: String(e.name), value: str(e.value) })),
  };
}

function quantities(value: Json | undefined): Record<string, string> {
  const obj = block(value);
  if (!obj) return {};
  return Object.fromEntries(Object.entries(obj).map(([k, v]) => [k, String(v)]));
}

function str(v: Json | undefined): string | undefined {
  return typeof v === 'string' ? v : undefined;
}

function bool(v: Json | undefined): boolean | undefined {
  if (v === true || v === 'true') return true;
  if (v === false || v === 'false') return false;
  return undefined;
}

/** Namespaces where NVIDIA's own components run; they need host access by design. */
export const NVIDIA_NAMESPACES = ['gpu-operator', 'nvidia-device-plugin', 'nvidia-dcgm-exporter'];

/** Extended resource names that mean "a GPU" (full GPUs and MIG slices). */
export function isGpuResource(name: string): boolean {
  return (
    name === 'nvidia.com/gpu' ||
    name.startsWith('nvidia.com/mig-') ||
    name === 'aws.amazon.com/neuron' ||
    name === 'aws.amazon.com/neuroncore'
  );
}

export { strings };
