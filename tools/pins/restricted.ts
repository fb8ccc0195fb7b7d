/**
 * The Pod Security Standards' restricted level (Kubernetes docs, "Pod Security Standards",
 * restricted profile, latest), applied to a rendered pod spec: what the API server checks when
 * a namespace enforces `restricted`. Used on `helm template` output by the pins workflow and on
 * the blueprint's own manifests by the tests.
 */
import type { JsonObject } from '../../policies/engine/stack-view';
import { podSpecsOfObject } from '../../policies/rules/kubernetes/pod-specs';

type Obj = Record<string, unknown>;
const obj = (v: unknown): Obj | undefined => (v && typeof v === 'object' && !Array.isArray(v) ? (v as Obj) : undefined);
const list = (v: unknown): Obj[] => (Array.isArray(v) ? v.map(obj).filter((x): x is Obj => !!x) : []);

/** Volume types the restricted level allows. */
const ALLOWED_VOLUMES = ['configMap', 'csi', 'downwardAPI', 'emptyDir', 'ephemeral', 'persistentVolumeClaim', 'projected', 'secret'];
const SECCOMP_OK = ['RuntimeDefault', 'Localhost'];

/** Every restricted-level violation of a pod spec, one line each, naming the container. */
export function restrictedViolations(podSpec: Obj): string[] {
  const out: string[] = [];
  const pod = obj(podSpec.securityContext) ?? {};
  for (const host of ['hostNetwork', 'hostPID', 'hostIPC'] as const) if (podSpec[host] === true) out.push(`pod sets ${host}`);
  for (const v of list(podSpec.volumes)) {
    const type = Object.keys(v).find((k) => k !== 'name');
    if (type && !ALLOWED_VOLUMES.includes(type)) out.push(`volume '${String(v.name)}' is ${type}`);
  }
  const containers = [
    ...list(podSpec.initContainers).map((c) => ['init container', c] as const),
    ...list(podSpec.containers).map((c) => ['container', c] as const),
    ...list(podSpec.ephemeralContainers).map((c) => ['ephemeral container', c] as const),
  ];
  for (const [kind, c] of containers) {
    const sc = obj(c.securityContext) ?? {};
    const who = `${kind} '${String(c.name)}'`;
    if (sc.privileged === true) out.push(`${who} is privileged`);
    if (sc.allowPrivilegeEscalation !== false) out.push(`${who}: allowPrivilegeEscalation is not false`);
    const caps = obj(sc.capabilities) ?? {};
    const drop = Array.isArray(caps.drop) ? caps.drop : [];
    if (!drop.includes('ALL')) out.push(`${who}: capabilities.drop does not include ALL`);
    const add = (Array.isArray(caps.add) ? caps.add : []).filter((a) => a !== 'NET_BIND_SERVICE');
    if (add.length > 0) out.push(`${who} adds capabilities ${add.join(', ')}`);
    const nonRoot = sc.runAsNonRoot ?? pod.runAsNonRoot;
    if (nonRoot !== true) out.push(`${who}: runAsNonRoot is not true (container or pod)`);
    if ((sc.runAsUser ?? pod.runAsUser) === 0) out.push(`${who} runs as uid 0`);
    const seccomp = String(obj(sc.seccompProfile)?.type ?? obj(pod.seccompProfile)?.type ?? '');
    if (!SECCOMP_OK.includes(seccomp)) out.push(`${who}: seccompProfile is not RuntimeDefault or Localhost (container or pod)`);
    for (const p of list(c.ports)) if (p.hostPort !== undefined && p.hostPort !== 0) out.push(`${who} uses hostPort ${String(p.hostPort)}`);
  }
  return out;
}

/** The (first) pod spec of a rendered workload object; the policy pack's walk (pod-specs.ts). */
export function podSpecOf(object: Obj): Obj | undefined {
  return podSpecsOfObject(object as JsonObject)[0];
}
