import { resourceRule, type Rule } from '../../engine/rule';
import { block } from '../../engine/stack-view';

const PSA_ENFORCE = 'pod-security.kubernetes.io/enforce';
const PSA_LEVELS = ['privileged', 'baseline', 'restricted'];

function namespaceLabels(type: string, config: Record<string, unknown>): { name: string; labels: Record<string, unknown> } | undefined {
  if (type === 'kubernetes_manifest') {
    const m = block(config.manifest as never);
    if (!m || m.kind !== 'Namespace') return undefined;
    const meta = block(m.metadata) ?? {};
    return { name: String(meta.name), labels: (block(meta.labels) ?? {}) as Record<string, unknown> };
  }
  const meta = block(config.metadata as never) ?? {};
  return { name: String(meta.name), labels: (block(meta.labels) ?? {}) as Record<string, unknown> };
}

export const KUBERNETES_CLUSTER_RULES: Rule[] = [
  resourceRule({
    id: 'GPB-K8S-010',
    pack: 'kubernetes',
    severity: 'error',
    title: 'Namespaces are labelled for Pod Security Admission',
    rationale: 'Without an enforce label a namespace admits privileged pods.',
    remediation: `Label the namespace ${PSA_ENFORCE}=restricted (baseline or privileged only with a reason).`,
    types: ['kubernetes_namespace', 'kubernetes_namespace_v1', 'kubernetes_manifest'],
    check: (r) => {
      const ns = namespaceLabels(r.type, r.config);
      if (!ns) return undefined;
      const level = ns.labels[PSA_ENFORCE];
      return typeof level === 'string' && PSA_LEVELS.includes(level)
        ? undefined
        : `namespace '${ns.name}' has no valid ${PSA_ENFORCE} label`;
    },
  }),
  resourceRule({
    id: 'GPB-K8S-011',
    pack: 'kubernetes',
    severity: 'error',
    title: 'Helm releases pin the chart version',
    rationale: 'Without a version, every plan may install a different chart.',
    remediation: 'Set version to an exact chart version.',
    types: ['helm_release'],
    check: (r) => {
      const v = r.config.version;
      return typeof v === 'string' && /^v?\d+\.\d+\.\d+([-+][\w.-]+)?$/.test(v) ? undefined : `chart '${String(r.config.chart)}' version ${v === undefined ? 'is not set' : `'${String(v)}' is not exact`}`;
    },
  }),
];
