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
      return typeof v === 'string' && /^v?\d+\.\d+\.\d+([-+][\w.-]+)?$/.test(v)
        ? undefined
        : `chart '${String(r.config.chart)}' version ${v === undefined ? 'is not set' : `'${String(v)}' is not exact`}`;
    },
  }),
  resourceRule({
    id: 'GPB-K8S-012',
    pack: 'kubernetes',
    severity: 'error',
    title: 'An ALB in prod admits named client networks only',
    rationale: 'An ALB Ingress without inbound-cidrs, or with 0.0.0.0/0, puts the model gateway in front of the whole internet.',
    remediation: 'Set alb.ingress.kubernetes.io/inbound-cidrs to the client networks (serving.gateway.exposure.allowCidrs).',
    types: ['kubernetes_manifest', 'kubernetes_ingress_v1'],
    check: (r, ctx) => {
      if (ctx.stage !== 'prod') return undefined;
      const ingress = albIngress(r.type, r.config);
      if (!ingress) return undefined;
      const cidrs = ingress.annotations['alb.ingress.kubernetes.io/inbound-cidrs'];
      if (typeof cidrs !== 'string' || cidrs.trim() === '') {
        return ingress.annotations['alb.ingress.kubernetes.io/scheme'] === 'internet-facing'
          ? `internet-facing Ingress '${ingress.name}' has no inbound-cidrs (the ALB admits 0.0.0.0/0)`
          : undefined;
      }
      const open = cidrs
        .split(',')
        .map((c) => c.trim())
        .filter((c) => /\/0$/.test(c));
      return open.length > 0 ? `Ingress '${ingress.name}' admits ${open.join(', ')} in a prod-stage environment` : undefined;
    },
  }),
];

/** An Ingress of the ALB class (by ingressClassName or the legacy annotation), with its annotations. */
function albIngress(type: string, config: Record<string, unknown>): { name: string; annotations: Record<string, unknown> } | undefined {
  const m = type === 'kubernetes_manifest' ? block(config.manifest as never) : config;
  if (!m || (type === 'kubernetes_manifest' && m.kind !== 'Ingress')) return undefined;
  const meta = block(m.metadata as never) ?? {};
  const spec = block(m.spec as never) ?? {};
  const annotations = (block(meta.annotations as never) ?? {}) as Record<string, unknown>;
  const className = spec.ingressClassName ?? spec.ingress_class_name ?? annotations['kubernetes.io/ingress.class'];
  return className === 'alb' ? { name: String(meta.name), annotations } : undefined;
}
