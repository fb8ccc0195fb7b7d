/**
 * Helm releases into namespaces that enforce the restricted Pod Security level. A chart renders
 * pods the blueprint does not write, with defaults it does not see (an init container without a
 * securityContext was how Qdrant's release failed). The pins registry names, for each chart, the
 * values that hold every security context the chart renders; this rule requires each to be set
 * explicitly and to meet the restricted level.
 */
import { parse as parseYaml } from 'yaml';
import { CHARTS, type ChartPin } from '../../../model/pins';
import { environmentRule, type EnvironmentViolation, type Rule } from '../../engine/rule';
import { block, isUnknown, type Json, type JsonObject, type ResourceView, type StackView, strings } from '../../engine/stack-view';

const ENFORCE = 'pod-security.kubernetes.io/enforce';
const SECCOMP_OK = ['RuntimeDefault', 'Localhost'];

export const CHART_SECURITY_RULES: Rule[] = [
  environmentRule({
    id: 'GPB-K8S-014',
    pack: 'kubernetes',
    severity: 'error',
    title: 'Charts released into restricted namespaces set every pod and container security context',
    rationale:
      "The API server rejects a pod that misses one restricted requirement, and an atomic release then rolls back after its timeout. A chart's own defaults (an init container, a sidecar) are invisible in the blueprint unless each security context is set explicitly.",
    remediation:
      "List the chart's security context values in model/pins.ts (securityContexts, checked against its values.yaml) and set each: pods runAsNonRoot, containers allowPrivilegeEscalation: false and capabilities.drop [ALL], seccompProfile RuntimeDefault at either level.",
    evaluateEnvironment: (stacks) => {
      const restricted = restrictedNamespaces(stacks);
      const out: EnvironmentViolation[] = [];
      for (const stack of stacks) {
        for (const release of stack.resourcesOf('helm_release')) {
          const namespace = release.config.namespace;
          if (typeof namespace !== 'string' || !restricted.has(namespace)) continue;
          for (const message of releaseProblems(release))
            out.push({
              stack,
              resource: release,
              message: `${String(release.config.chart)} in restricted namespace '${namespace}': ${message}`,
            });
        }
      }
      return out;
    },
  }),
];

function restrictedNamespaces(stacks: readonly StackView[]): Set<string> {
  const out = new Set<string>();
  for (const stack of stacks) {
    for (const r of [...stack.resourcesOf('kubernetes_namespace_v1'), ...stack.resourcesOf('kubernetes_namespace')]) {
      const meta = block(r.config.metadata);
      if (block(meta?.labels)?.[ENFORCE] === 'restricted' && typeof meta?.name === 'string') out.add(meta.name);
    }
  }
  return out;
}

function chartPin(release: ResourceView): ChartPin | undefined {
  return Object.values(CHARTS as Record<string, ChartPin>).find(
    (c) => c.chart === release.config.chart && c.repository === release.config.repository,
  );
}

/** The release's values, merged in order (later documents win, as in Helm). */
export function releaseValues(release: ResourceView): JsonObject {
  let merged: JsonObject = {};
  for (const doc of strings(release.config.values)) {
    if (isUnknown(doc) && !doc.trim().startsWith('{')) continue;
    try {
      merged = helmMerge(merged, (parseYaml(doc) ?? {}) as JsonObject);
    } catch {
      // a document Terraform assembles at apply cannot be read here
    }
  }
  return merged;
}

/** Helm's coalescing of values over earlier ones (or a chart's defaults): maps merge, anything else replaces, null removes. */
export function helmMerge(base: JsonObject, values: JsonObject): JsonObject {
  const out: JsonObject = { ...base };
  for (const [k, v] of Object.entries(values)) {
    const d = out[k];
    if (v === null) delete out[k];
    else if (v && typeof v === 'object' && !Array.isArray(v) && d && typeof d === 'object' && !Array.isArray(d)) out[k] = helmMerge(d, v);
    else out[k] = v;
  }
  return out;
}

export function valueAt(values: JsonObject, path: string): Json | undefined {
  let cur: Json | undefined = values;
  for (const part of path.split('.')) cur = block(cur)?.[part];
  return cur;
}

function releaseProblems(release: ResourceView): string[] {
  const pin = chartPin(release);
  if (!pin?.securityContexts) {
    return [`model/pins.ts names no security contexts for this chart, so nothing shows its pods pass the restricted level`];
  }
  const values = releaseValues(release);
  const pods = pin.securityContexts.pod.map((p) => [p, block(valueAt(values, p))] as const);
  const containers = pin.securityContexts.container.map((p) => [p, block(valueAt(values, p))] as const);
  const podSeccomp = pods.every(([, v]) => SECCOMP_OK.includes(String(block(v?.seccompProfile)?.type)));
  const out: string[] = [];
  for (const [path, v] of pods) {
    if (!v) out.push(`${path} is not set`);
    else if (v.runAsNonRoot !== true && !containers.every(([, c]) => c?.runAsNonRoot === true))
      out.push(`${path}.runAsNonRoot is not true`);
  }
  for (const [path, v] of containers) {
    if (!v) {
      out.push(`${path} is not set`);
      continue;
    }
    if (v.allowPrivilegeEscalation !== false) out.push(`${path}.allowPrivilegeEscalation is not false`);
    if (!strings(block(v.capabilities)?.drop).includes('ALL')) out.push(`${path}.capabilities.drop does not include ALL`);
    if (!podSeccomp && !SECCOMP_OK.includes(String(block(v.seccompProfile)?.type)))
      out.push(`${path}.seccompProfile.type is not RuntimeDefault (nor set on the pod)`);
  }
  return out;
}
