import { block, blocks, type JsonObject, type ResourceView, strings } from '../engine/stack-view';

/** EC2 instance families with NVIDIA GPUs or AWS accelerators. */
const ACCELERATED_FAMILY = /^(g\d[a-z]*|p\d[a-z]*|gr\d|inf\d|trn\d[a-z]*|dl\d[a-z]*)$/;

export function isAcceleratedInstanceType(instanceType: string): boolean {
  return ACCELERATED_FAMILY.test(instanceType.split('.')[0]);
}

/** The Karpenter NodePool manifest of a resource, if it is one. */
export function nodePoolOf(r: ResourceView): JsonObject | undefined {
  if (r.type !== 'kubernetes_manifest') return undefined;
  const m = block(r.config.manifest);
  return m && m.kind === 'NodePool' && String(m.apiVersion ?? '').startsWith('karpenter.sh/') ? m : undefined;
}

/** True when a NodePool can launch GPU capacity (GPU taint, GPU instance families or GPU requirements). */
export function isGpuNodePool(pool: JsonObject): boolean {
  const spec = block(block(block(pool.spec)?.template)?.spec) ?? {};
  if (blocks(spec.taints).some((t) => t.key === 'nvidia.com/gpu')) return true;
  return blocks(spec.requirements).some((req) => {
    const key = String(req.key ?? '');
    const values = strings(req.values);
    if (key === 'karpenter.k8s.aws/instance-gpu-count' || key === 'karpenter.k8s.aws/instance-gpu-name') return true;
    if (key === 'node.kubernetes.io/instance-type') return values.some(isAcceleratedInstanceType);
    if (key === 'karpenter.k8s.aws/instance-family') return values.some((v) => ACCELERATED_FAMILY.test(v));
    return false;
  });
}

/** True when a managed node group runs accelerated instance types. */
export function isGpuNodeGroup(r: ResourceView): boolean {
  return r.type === 'aws_eks_node_group' && strings(r.config.instance_types).some(isAcceleratedInstanceType);
}
