import { resourceRule, type Rule } from '../../engine/rule';
import { isUnknown } from '../../engine/stack-view';
import { type ContainerSpec, isGpuResource, NVIDIA_NAMESPACES, POD_TEMPLATE_TYPES, podTemplateOf, type PodTemplate } from './pod-specs';

function eachContainer(check: (c: ContainerSpec, pod: PodTemplate) => string | undefined, skip?: (pod: PodTemplate) => boolean) {
  return (r: Parameters<Parameters<typeof resourceRule>[0]['check']>[0]) => {
    const pod = podTemplateOf(r);
    if (!pod || skip?.(pod)) return undefined;
    return pod.containers.flatMap((c) => {
      const m = check(c, pod);
      return m ? [`${pod.kind} ${pod.namespace}/${pod.name} container '${c.name}': ${m}`] : [];
    });
  };
}

const isNvidia = (pod: PodTemplate) => NVIDIA_NAMESPACES.includes(pod.namespace);

/** Image reference pinned to a version tag or a digest (never latest, never untagged). */
export function isPinnedImage(image: string): boolean {
  if (isUnknown(image)) return true; // resolved at apply; the producer is checked where it is defined
  if (/@sha256:[a-f0-9]{64}$/.test(image)) return true;
  const lastSegment = image.split('/').pop() ?? '';
  const colon = lastSegment.lastIndexOf(':');
  if (colon < 0) return false;
  const tag = lastSegment.slice(colon + 1);
  return tag !== '' && tag !== 'latest' && !/^(main|master|stable|nightly|dev|edge)$/.test(tag);
}

export const KUBERNETES_WORKLOAD_RULES: Rule[] = [
  resourceRule({
    id: 'GPB-K8S-001',
    pack: 'kubernetes',
    severity: 'error',
    title: 'Container images are pinned to a version or digest',
    rationale: "':latest' or a moving tag changes what runs without a plan showing it, and breaks rollbacks.",
    remediation: 'Use an exact version tag (vllm/vllm-openai:v0.6.3) or a digest.',
    checkov: 'CKV_K8S_14',
    types: POD_TEMPLATE_TYPES,
    check: eachContainer((c) => (isPinnedImage(c.image) ? undefined : `image '${c.image}' is not pinned`)),
  }),
  resourceRule({
    id: 'GPB-K8S-002',
    pack: 'kubernetes',
    severity: 'error',
    title: 'GPU containers set GPU limits',
    rationale:
      'Kubernetes schedules extended resources like nvidia.com/gpu by limits; a request without an equal limit is rejected or mis-scheduled.',
    remediation: 'Put the GPU count in resources.limits (and requests, if set, equal to it).',
    types: POD_TEMPLATE_TYPES,
    check: eachContainer((c) => {
      const gpus = Object.keys(c.requests).filter(isGpuResource);
      const missing = gpus.filter((g) => c.limits[g] === undefined);
      if (missing.length > 0) return `requests ${missing.join(', ')} without a limit`;
      const unequal = gpus.filter((g) => c.limits[g] !== c.requests[g]);
      return unequal.length > 0 ? `requests and limits differ for ${unequal.join(', ')}` : undefined;
    }),
  }),
  resourceRule({
    id: 'GPB-K8S-003',
    pack: 'kubernetes',
    severity: 'error',
    title: 'Pods that use GPUs tolerate the GPU taint',
    rationale: 'GPU nodes are tainted nvidia.com/gpu:NoSchedule; a GPU pod without the toleration stays Pending forever.',
    remediation: 'Derive tolerations from the GPU pool object (workloads take pool: GpuNodePool).',
    types: POD_TEMPLATE_TYPES,
    check: (r) => {
      const pod = podTemplateOf(r);
      if (!pod) return undefined;
      const usesGpu = pod.containers.some((c) => Object.keys(c.limits).some(isGpuResource));
      if (!usesGpu) return undefined;
      const tolerates = pod.tolerations.some(
        (t) =>
          (t.key === 'nvidia.com/gpu' && (t.effect === undefined || t.effect === 'NoSchedule')) ||
          (t.key === undefined && t.operator === 'Exists'),
      );
      return tolerates ? undefined : `${pod.kind} ${pod.namespace}/${pod.name} uses GPUs but does not tolerate nvidia.com/gpu:NoSchedule`;
    },
  }),
  resourceRule({
    id: 'GPB-K8S-004',
    pack: 'kubernetes',
    severity: 'error',
    title: 'Containers set CPU and memory requests and a memory limit',
    rationale: 'Without requests the scheduler packs blindly; without a memory limit one leak evicts its neighbours.',
    remediation: 'Set resources.requests.cpu, resources.requests.memory and resources.limits.memory.',
    checkov: 'CKV_K8S_10',
    types: POD_TEMPLATE_TYPES,
    check: eachContainer((c) => {
      const missing = [
        c.requests.cpu === undefined && 'requests.cpu',
        c.requests.memory === undefined && 'requests.memory',
        c.limits.memory === undefined && 'limits.memory',
      ].filter(Boolean);
      return missing.length > 0 ? `no ${missing.join(', ')}` : undefined;
    }),
  }),
  resourceRule({
    id: 'GPB-K8S-005',
    pack: 'kubernetes',
    severity: 'error',
    title: 'Containers run as non-root without privilege escalation (outside NVIDIA components)',
    rationale: 'A root container with escalation is one kernel bug from the node, and from there every GPU workload on it.',
    remediation: 'Set securityContext.runAsNonRoot = true and allowPrivilegeEscalation = false.',
    checkov: 'CKV_K8S_20',
    types: POD_TEMPLATE_TYPES,
    check: eachContainer((c, pod) => {
      const out: string[] = [];
      if (c.allowPrivilegeEscalation !== false) out.push('allowPrivilegeEscalation is not false');
      if (c.runAsNonRoot !== true && pod.podRunAsNonRoot !== true) out.push('runAsNonRoot is not true');
      return out.length > 0 ? out.join('; ') : undefined;
    }, isNvidia),
  }),
  resourceRule({
    id: 'GPB-K8S-006',
    pack: 'kubernetes',
    severity: 'error',
    title: 'No privileged containers outside NVIDIA components',
    rationale: 'A privileged container is root on the node.',
    remediation: 'Remove securityContext.privileged; NVIDIA’s driver and device plugin run in their own namespaces.',
    checkov: 'CKV_K8S_16',
    types: POD_TEMPLATE_TYPES,
    check: eachContainer((c) => (c.privileged === true ? 'privileged is true' : undefined), isNvidia),
  }),
  resourceRule({
    id: 'GPB-K8S-007',
    pack: 'kubernetes',
    severity: 'error',
    title: 'No hostPath volumes outside NVIDIA components',
    rationale: 'hostPath mounts expose the node’s filesystem (credentials, other pods’ data).',
    remediation: 'Use emptyDir, a PersistentVolumeClaim or a CSI volume.',
    types: POD_TEMPLATE_TYPES,
    check: (r) => {
      const pod = podTemplateOf(r);
      if (!pod || isNvidia(pod) || pod.hostPathVolumes.length === 0) return undefined;
      return `${pod.kind} ${pod.namespace}/${pod.name} mounts hostPath volume(s) ${pod.hostPathVolumes.join(', ')}`;
    },
  }),
];
