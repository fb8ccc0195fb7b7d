import { ValidatingAdmissionPolicy, ValidatingAdmissionPolicyBinding } from 'kubernetes-models/admissionregistration.k8s.io/v1';
import { describe, expect, it } from 'vitest';
import { WORKLOAD_VALIDATIONS, WorkloadAdmission } from '../../../constructs/guardrails/workload-admission';
import { admit } from './admit';
import { resourcesOf, synthWith } from '../../helpers';

const container = (over: Record<string, unknown> = {}) => ({
  name: 'server',
  image: 'vllm/vllm-openai:v0.6.3',
  resources: { requests: { cpu: '4', memory: '16Gi' }, limits: { memory: '16Gi' } },
  ...over,
});
const pod = (containers: object[], spec: Record<string, unknown> = {}) => ({
  apiVersion: 'v1',
  kind: 'Pod',
  metadata: { name: 'p' },
  spec: { containers, ...spec },
});
const gpu = { requests: { cpu: '4', memory: '16Gi', 'nvidia.com/gpu': '1' }, limits: { memory: '16Gi', 'nvidia.com/gpu': '1' } };
const gpuToleration = { tolerations: [{ key: 'nvidia.com/gpu', operator: 'Exists', effect: 'NoSchedule' }] };

describe('WorkloadAdmission CEL rules, evaluated', () => {
  it('admits a well-formed CPU pod and a well-formed GPU pod', () => {
    expect(admit(pod([container()]))).toEqual([]);
    expect(admit(pod([container({ resources: gpu })], gpuToleration))).toEqual([]);
    expect(admit(pod([container({ image: 'nvcr.io/nvidia/tritonserver@sha256:' + 'a'.repeat(64) })]))).toEqual([]);
    expect(admit(pod([container({ image: 'registry.local:5000/team/vllm:1.2' })]))).toEqual([]);
  });

  it.each([
    ['an image tagged latest', pod([container({ image: 'vllm/vllm-openai:latest' })]), 'pinned-images'],
    ['an untagged image behind a registry port', pod([container({ image: 'registry.local:5000/team/vllm' })]), 'pinned-images'],
    [
      'an untagged init container',
      pod([container()], { initContainers: [container({ name: 'init', image: 'busybox' })] }),
      'pinned-images',
    ],
    [
      'a GPU request without a limit',
      pod([container({ resources: { requests: { cpu: '1', memory: '1Gi', 'nvidia.com/gpu': '1' }, limits: { memory: '1Gi' } } })]),
      'gpu-limits',
    ],
    [
      'a MIG request that differs from its limit',
      pod(
        [
          container({
            resources: {
              requests: { cpu: '1', memory: '1Gi', 'nvidia.com/mig-1g.10gb': '2' },
              limits: { memory: '1Gi', 'nvidia.com/mig-1g.10gb': '1' },
            },
          }),
        ],
        gpuToleration,
      ),
      'gpu-limits',
    ],
    ['a GPU pod without the toleration', pod([container({ resources: gpu })]), 'gpu-toleration'],
    ['a container without memory limit', pod([container({ resources: { requests: { cpu: '1', memory: '1Gi' } } })]), 'resources'],
    ['a container without resources', pod([{ name: 'x', image: 'nginx:1.27.0' }]), 'resources'],
  ])('rejects %s', (_desc, bad, rule) => {
    expect(admit(bad)).toContain(rule);
  });

  it('accepts a wildcard toleration for GPU pods', () => {
    expect(admit(pod([container({ resources: gpu })], { tolerations: [{ operator: 'Exists' }] }))).toEqual([]);
  });
});

describe('WorkloadAdmission manifests', () => {
  const json = synthWith((scope) => {
    new WorkloadAdmission(scope, 'Admission', { action: 'Warn' });
  });
  const manifests = (j: ReturnType<typeof synthWith>) =>
    resourcesOf(j, 'kubernetes_manifest').map((m) => m.manifest as Record<string, unknown>);
  const ofKind = (j: ReturnType<typeof synthWith>, kind: string) => manifests(j).find((m) => m.kind === kind)!;
  const policy = ofKind(json, 'ValidatingAdmissionPolicy');
  const binding = ofKind(json, 'ValidatingAdmissionPolicyBinding');

  it('validate against the upstream Kubernetes schemas', () => {
    expect(() => new ValidatingAdmissionPolicy(policy as never).validate()).not.toThrow();
    expect(() => new ValidatingAdmissionPolicyBinding(binding as never).validate()).not.toThrow();
  });

  it('schema validation rejects a malformed policy (the check can fail)', () => {
    const broken = structuredClone(policy) as { spec: { failurePolicy: unknown } };
    broken.spec.failurePolicy = 42;
    expect(() => new ValidatingAdmissionPolicy(broken as never).validate()).toThrow();
  });

  it('match pods on create and update and bind to namespaces labelled for guardrails', () => {
    expect(policy).toMatchObject({
      kind: 'ValidatingAdmissionPolicy',
      spec: { failurePolicy: 'Fail', matchConstraints: { resourceRules: [{ resources: ['pods'], operations: ['CREATE', 'UPDATE'] }] } },
    });
    expect((policy.spec as { validations: unknown[] }).validations).toHaveLength(WORKLOAD_VALIDATIONS.length);
    expect(binding).toMatchObject({
      spec: {
        policyName: 'gpb-workload-guardrails',
        matchResources: { namespaceSelector: { matchLabels: { 'gpb.io/guardrails': 'enforced' } } },
      },
    });
  });

  it('warns instead of denying when configured, and denies by default', () => {
    expect((binding.spec as { validationActions: string[] }).validationActions).toEqual(['Warn', 'Audit']);
    const deny = synthWith((scope) => {
      new WorkloadAdmission(scope, 'Admission');
    });
    const denyBinding = ofKind(deny, 'ValidatingAdmissionPolicyBinding') as { spec: { validationActions: string[] } };
    expect(denyBinding.spec.validationActions).toEqual(['Deny', 'Audit']);
  });
});
