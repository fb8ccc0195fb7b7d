/**
 * Rules over all stacks of an environment: what one layer builds has to match what another
 * layer relies on (an association in the data layer and one in the cluster layer for the same
 * service account; a role in the data layer and the prefix its server in the serving layer
 * lists; NetworkPolicies in the platform layer and the CNI in the cluster layer).
 */
import { environmentRule, type EnvironmentViolation, type Rule } from '../../engine/rule';
import { block, blocks, isUnknown, type Json, type JsonObject, type ResourceView, type StackView, strings } from '../../engine/stack-view';
import { identityStatements } from '../iam-documents';
import { podSpecsOfObject } from '../kubernetes/pod-specs';
import { WORKLOAD_KIND_TAG } from './platform';

/** Tag PodIdentityRole puts on every role: `<namespace>.<serviceAccount>`. */
const SERVICE_ACCOUNT_TAG = 'gpb.io/service-account';

export const ACROSS_STACK_RULES: Rule[] = [
  environmentRule({
    id: 'GPB-AI-009',
    pack: 'platform',
    severity: 'error',
    title: 'One Pod Identity association per service account',
    rationale:
      'EKS allows one Pod Identity association per cluster, namespace and service account: a second one fails the apply with 409, and removing it leaves the workload without the grants its role held.',
    remediation:
      'Give the workload one role and add every grant to it (WorkloadIdentities.grant in the stack that builds the roles), instead of a role per service it uses.',
    evaluateEnvironment: (stacks) => {
      const seen = new Map<string, { stack: StackView; resource: ResourceView }>();
      const out: EnvironmentViolation[] = [];
      for (const { stack, resource, namespace, serviceAccount } of associations(stacks)) {
        const key = `${namespace}/${serviceAccount}`;
        const first = seen.get(key);
        if (first) {
          out.push({
            stack,
            resource,
            message: `service account ${key} already has a Pod Identity association (${first.stack.id} ${first.resource.address}); EKS refuses a second one`,
          });
        } else {
          seen.set(key, { stack, resource });
        }
      }
      return out;
    },
  }),
  environmentRule({
    id: 'GPB-AI-010',
    pack: 'platform',
    severity: 'error',
    title: 'Model servers can list the model prefix they are given',
    rationale:
      "A server lists its weights with the prefix exactly as its URI gives it; a role whose s3:ListBucket condition does not match that prefix denies the listing and the model never loads (vLLM's S3 helper lists with the URI's path as the prefix).",
    remediation:
      "Give the server s3://<bucket>/<prefix>/ with the trailing slash and allow s3:ListBucket with s3:prefix '<prefix>/*' (PrivateBucket.readStatements).",
    evaluateEnvironment: (stacks) => {
      const roles = modelRoles(stacks);
      return stacks.flatMap((stack) =>
        stack.resourcesOf('kubernetes_manifest').flatMap((resource) => {
          const namespace = block(block(resource.config.manifest)?.metadata)?.namespace;
          return podSpecsOfObject(resource.config.manifest).flatMap((pod) =>
            unlistablePrefixes(pod, typeof namespace === 'string' ? namespace : undefined, roles).map((message) => ({
              stack,
              resource,
              message,
            })),
          );
        }),
      );
    },
  }),
  environmentRule({
    id: 'GPB-K8S-013',
    pack: 'kubernetes',
    severity: 'error',
    title: 'NetworkPolicies are written only where the cluster enforces them',
    rationale:
      'The VPC CNI ignores NetworkPolicy objects unless its network policy agent is on (enableNetworkPolicy, off by default): default-deny policies that nothing enforces are a guarantee that is not true at run time.',
    remediation: 'Set the vpc-cni add-on\'s configuration_values to {"enableNetworkPolicy": "true"} (ClusterAddons does).',
    evaluateEnvironment: (stacks) => {
      const enforced = stacks.some((s) =>
        s
          .resourcesOf('aws_eks_addon')
          .some((a) => a.config.addon_name === 'vpc-cni' && networkPolicyEnabled(a.config.configuration_values)),
      );
      if (enforced) return [];
      return stacks.flatMap((stack) => {
        const first = stack.resources.find(
          (r) => r.type === 'kubernetes_network_policy_v1' || r.type === 'kubernetes_network_policy' || manifestKind(r) === 'NetworkPolicy',
        );
        return first
          ? [
              {
                stack,
                resource: first,
                message: `${stack.id} writes NetworkPolicies, but no vpc-cni add-on of this environment sets enableNetworkPolicy: they would not be enforced`,
              },
            ]
          : [];
      });
    },
  }),
];

function manifestKind(r: ResourceView): string | undefined {
  const kind = r.type === 'kubernetes_manifest' ? block(r.config.manifest)?.kind : undefined;
  return typeof kind === 'string' ? kind : undefined;
}

function networkPolicyEnabled(values: Json | undefined): boolean {
  if (typeof values !== 'string' || isUnknown(values)) return false;
  try {
    const parsed = JSON.parse(values) as JsonObject;
    return parsed.enableNetworkPolicy === 'true' || parsed.enableNetworkPolicy === true;
  } catch {
    return false;
  }
}

/** Pod Identity associations: the resource, and those EKS add-ons make (kube-system). */
function associations(
  stacks: readonly StackView[],
): { stack: StackView; resource: ResourceView; namespace: string; serviceAccount: string }[] {
  return stacks.flatMap((stack) => [
    ...stack.resourcesOf('aws_eks_pod_identity_association').flatMap((resource) => {
      const { namespace, service_account: serviceAccount } = resource.config;
      return typeof namespace === 'string' && typeof serviceAccount === 'string' ? [{ stack, resource, namespace, serviceAccount }] : [];
    }),
    ...stack
      .resourcesOf('aws_eks_addon')
      .flatMap((resource) =>
        blocks(resource.config.pod_identity_association).flatMap((a) =>
          typeof a.service_account === 'string' ? [{ stack, resource, namespace: 'kube-system', serviceAccount: a.service_account }] : [],
        ),
      ),
  ]);
}

/** Model-server roles by `<namespace>.<serviceAccount>`, with the prefixes they may list. */
function modelRoles(stacks: readonly StackView[]): Map<string, { address: string; listPrefixes: string[] }> {
  const out = new Map<string, { address: string; listPrefixes: string[] }>();
  for (const stack of stacks) {
    for (const role of stack.resourcesOf('aws_iam_role')) {
      const tags = block(role.config.tags);
      const who = tags?.[SERVICE_ACCOUNT_TAG];
      if (tags?.[WORKLOAD_KIND_TAG] !== 'model-server' || typeof who !== 'string') continue;
      const statements = [role, ...stack.referencing('aws_iam_role_policy', role)].flatMap((p) => identityStatements(p, stack));
      const listPrefixes = statements
        .filter((s) => s.effect === 'Allow' && s.actions.some((a) => a === 's3:ListBucket' || a === 's3:*'))
        .flatMap((s) =>
          strings(block(s.condition?.StringLike)?.['s3:prefix']).concat(strings(block(s.condition?.StringEquals)?.['s3:prefix'])),
        );
      out.set(who, { address: `${stack.id} ${role.address}`, listPrefixes });
    }
  }
  return out;
}

/** Why a model server's pod could not list the prefixes it is given, one message each. */
function unlistablePrefixes(pod: JsonObject, namespace: string | undefined, roles: ReturnType<typeof modelRoles>): string[] {
  const sa = pod.serviceAccountName;
  const role = typeof sa === 'string' && namespace !== undefined ? roles.get(`${namespace}.${sa}`) : undefined;
  if (!role) return [];
  return modelUris(pod)
    .filter((prefix) => !role.listPrefixes.some((pattern) => iamLike(pattern, prefix)))
    .map(
      (prefix) =>
        `the server lists s3 prefix '${prefix}', which role ${role.address} does not allow (s3:prefix ${role.listPrefixes.map((p) => `'${p}'`).join(', ') || 'none'})`,
    );
}

/** The S3 prefixes a pod's containers are given (`s3://bucket/prefix` in args, command or env). */
function modelUris(pod: JsonObject): string[] {
  const containers = [...blocks(pod.initContainers), ...blocks(pod.containers)];
  const texts = containers.flatMap((c) => [...strings(c.args), ...strings(c.command), ...blocks(c.env).flatMap((e) => strings(e.value))]);
  return [...new Set(texts.flatMap((t) => [...t.matchAll(/s3:\/\/(?:\$\{[^}]*\}|[^/\s'"]+)\/([^\s'"]*)/g)].map((m) => m[1])))];
}

/** IAM StringLike: `*` any run of characters, `?` one character. */
function iamLike(pattern: string, value: string): boolean {
  const re = new RegExp(
    `^${pattern
      .replace(/[.+^${}()|[\]\\]/g, '\\$&')
      .replace(/\*/g, '.*')
      .replace(/\?/g, '.')}$`,
  );
  return re.test(value);
}
