import { Manifest } from '@cdktf/provider-kubernetes/lib/manifest';
import { Construct } from 'constructs';
import { GUARDRAILS_LABEL } from './workload-namespace';
import { DEFAULTS } from '../../model/defaults';

/** What a failed validation does: reject the pod, or admit it with a warning (both audited). */
export type AdmissionAction = 'Deny' | 'Warn';

export interface CelValidation {
  readonly name: string;
  readonly expression: string;
  readonly message: string;
}

/** CEL variables the validations share (evaluated in order, as Kubernetes does). */
export const WORKLOAD_VARIABLES: readonly { name: string; expression: string }[] = [
  {
    name: 'containers',
    expression: 'object.spec.containers + (has(object.spec.initContainers) ? object.spec.initContainers : [])',
  },
  {
    name: 'usesGpu',
    expression:
      "variables.containers.exists(c, has(c.resources) && has(c.resources.limits) && c.resources.limits.exists(k, k.startsWith('nvidia.com/')))",
  },
];

/**
 * The GPU workload rules of the policy pack, enforced again at admission time for anything that
 * reaches the cluster without going through this repository (kubectl, other pipelines).
 */
export const WORKLOAD_VALIDATIONS: readonly CelValidation[] = [
  {
    name: 'pinned-images',
    expression:
      "variables.containers.all(c, c.image.contains('@sha256:') || (c.image.lastIndexOf(':') > c.image.lastIndexOf('/') && !c.image.endsWith(':latest')))",
    message: 'every container image must be pinned to a version tag or a digest (no :latest, no untagged images)',
  },
  {
    name: 'gpu-limits',
    expression:
      "variables.containers.all(c, !has(c.resources) || !has(c.resources.requests) || c.resources.requests.all(k, !k.startsWith('nvidia.com/') || (has(c.resources.limits) && k in c.resources.limits && c.resources.limits[k] == c.resources.requests[k])))",
    message: 'GPU resources (nvidia.com/*) must be set in limits, and requests, when given, must equal them',
  },
  {
    name: 'gpu-toleration',
    expression:
      "!variables.usesGpu || (has(object.spec.tolerations) && object.spec.tolerations.exists(t, (has(t.key) && t.key == 'nvidia.com/gpu') || (!has(t.key) && has(t.operator) && t.operator == 'Exists')))",
    message: 'pods that use GPUs must tolerate the nvidia.com/gpu:NoSchedule taint of GPU nodes',
  },
  {
    name: 'resources',
    expression:
      "object.spec.containers.all(c, has(c.resources) && has(c.resources.requests) && 'cpu' in c.resources.requests && 'memory' in c.resources.requests && has(c.resources.limits) && 'memory' in c.resources.limits)",
    message: 'every container must request cpu and memory and set a memory limit',
  },
];

export interface WorkloadAdmissionProps {
  /** @default 'Deny' */
  readonly action?: AdmissionAction;
}

/**
 * A ValidatingAdmissionPolicy (native Kubernetes, no webhook or controller to run) with the GPU
 * workload rules, bound to every namespace labelled `gpb.io/guardrails=enforced`
 * (WorkloadNamespace sets it). Pod Security Admission covers non-root and privilege escalation.
 */
export class WorkloadAdmission extends Construct {
  static readonly POLICY_NAME = 'gpb-workload-guardrails';

  /** The policy. */
  readonly resource: Manifest;
  readonly binding: Manifest;

  constructor(scope: Construct, id: string, props: WorkloadAdmissionProps = {}) {
    super(scope, id);
    const action = props.action ?? DEFAULTS.admission.action;
    this.resource = new Manifest(this, 'Resource', {
      manifest: {
        apiVersion: 'admissionregistration.k8s.io/v1',
        kind: 'ValidatingAdmissionPolicy',
        metadata: { name: WorkloadAdmission.POLICY_NAME, labels: { 'app.kubernetes.io/managed-by': 'gpu-platform-blueprint' } },
        spec: {
          failurePolicy: 'Fail',
          matchConstraints: {
            resourceRules: [{ apiGroups: [''], apiVersions: ['v1'], operations: ['CREATE', 'UPDATE'], resources: ['pods'] }],
          },
          variables: WORKLOAD_VARIABLES.map((v) => ({ ...v })),
          validations: WORKLOAD_VALIDATIONS.map((v) => ({ expression: v.expression, message: v.message, reason: 'Invalid' })),
        },
      },
    });
    this.binding = new Manifest(this, 'Binding', {
      manifest: {
        apiVersion: 'admissionregistration.k8s.io/v1',
        kind: 'ValidatingAdmissionPolicyBinding',
        metadata: { name: WorkloadAdmission.POLICY_NAME, labels: { 'app.kubernetes.io/managed-by': 'gpu-platform-blueprint' } },
        spec: {
          policyName: WorkloadAdmission.POLICY_NAME,
          validationActions: action === 'Deny' ? ['Deny', 'Audit'] : ['Warn', 'Audit'],
          matchResources: { namespaceSelector: { matchLabels: { [GUARDRAILS_LABEL.key]: GUARDRAILS_LABEL.value } } },
        },
      },
      dependsOn: [this.resource],
    });
  }
}
