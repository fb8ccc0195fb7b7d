import { describe, expect, it } from 'vitest';
import { tcp } from '../../../model/ports';
import { WorkloadNamespace } from '../../../constructs/guardrails/workload-namespace';
import { onlyResource, resourcesOf, synthWith } from '../../helpers';

type Policy = { metadata: { name: string; namespace: string }; spec: Record<string, unknown> };
const policies = (json: ReturnType<typeof synthWith>) => resourcesOf(json, 'kubernetes_network_policy_v1') as unknown as Policy[];
const named = (json: ReturnType<typeof synthWith>, ns: string, name: string) =>
  policies(json).find((p) => p.metadata.namespace === ns && p.metadata.name === name);

describe('WorkloadNamespace', () => {
  const json = synthWith((scope) => {
    const gateway = new WorkloadNamespace(scope, 'Gateway', { name: 'gpb-gateway', kubernetesVersion: '1.33' });
    const serving = new WorkloadNamespace(scope, 'Serving', { name: 'gpb-serving', kubernetesVersion: '1.33', podSecurity: 'baseline' });
    serving.allowFrom(gateway, tcp(8000));
    serving.allowEgressTo('Https', ['0.0.0.0/0'], tcp(443));
  });

  it('labels the namespace for Pod Security Admission pinned to the cluster version, and for the admission policy', () => {
    const gateway = resourcesOf(json, 'kubernetes_namespace_v1')[0] as { metadata: { labels: Record<string, string> } };
    expect(gateway.metadata.labels).toMatchObject({
      'pod-security.kubernetes.io/enforce': 'restricted',
      'pod-security.kubernetes.io/enforce-version': 'v1.33',
      'pod-security.kubernetes.io/warn': 'restricted',
      'gpb.io/guardrails': 'enforced',
    });
    const serving = resourcesOf(json, 'kubernetes_namespace_v1')[1] as { metadata: { labels: Record<string, string> } };
    expect(serving.metadata.labels['pod-security.kubernetes.io/enforce']).toBe('baseline');
    expect(serving.metadata.labels['pod-security.kubernetes.io/audit']).toBe('restricted');
  });

  it('denies all traffic by default and allows only DNS and Pod Identity credentials', () => {
    expect(named(json, 'gpb-gateway', 'default-deny')?.spec).toEqual({ pod_selector: {}, policy_types: ['Ingress', 'Egress'] });
    expect(named(json, 'gpb-gateway', 'allow-dns')?.spec).toMatchObject({
      egress: [
        {
          ports: [
            { port: '53', protocol: 'UDP' },
            { port: '53', protocol: 'TCP' },
          ],
        },
      ],
    });
    expect(JSON.stringify(named(json, 'gpb-gateway', 'allow-pod-identity-agent')?.spec)).toContain('169.254.170.23/32');
    expect(
      policies(json)
        .filter((p) => p.metadata.namespace === 'gpb-gateway')
        .map((p) => p.metadata.name)
        .sort(),
    ).toEqual(['allow-dns', 'allow-pod-identity-agent', 'allow-to-gpb-serving', 'default-deny']);
  });

  it('opens a path between namespaces on both sides: ingress at the target, egress at the source', () => {
    expect(named(json, 'gpb-serving', 'allow-from-gpb-gateway')?.spec).toEqual({
      pod_selector: {},
      policy_types: ['Ingress'],
      ingress: [
        {
          from: [{ namespace_selector: { match_labels: { 'kubernetes.io/metadata.name': 'gpb-gateway' } } }],
          ports: [{ port: '8000', protocol: 'TCP' }],
        },
      ],
    });
    expect(named(json, 'gpb-gateway', 'allow-to-gpb-serving')?.spec).toMatchObject({
      policy_types: ['Egress'],
      egress: [{ to: [{ namespace_selector: { match_labels: { 'kubernetes.io/metadata.name': 'gpb-serving' } } }] }],
    });
  });

  it('creates policies after the namespace', () => {
    for (const p of resourcesOf(json, 'kubernetes_network_policy_v1')) {
      expect(p.depends_on).toEqual([expect.stringMatching(/^kubernetes_namespace_v1\./)]);
    }
    expect(
      onlyResource(
        synthWith((s) => new WorkloadNamespace(s, 'N', { name: 'n1', kubernetesVersion: '1.33' })),
        'kubernetes_namespace_v1',
      ),
    ).toBeDefined();
  });

  it('throws when the name is not a DNS label', () => {
    expect(() => synthWith((s) => new WorkloadNamespace(s, 'N', { name: 'Serving_NS', kubernetesVersion: '1.33' }))).toThrow(
      /WorkloadNamespace 'N': 'name' 'Serving_NS' must be a DNS label/,
    );
  });

  it('throws when a policy would open no ports or an invalid port', () => {
    expect(() =>
      synthWith((s) => {
        const a = new WorkloadNamespace(s, 'A', { name: 'a', kubernetesVersion: '1.33' });
        a.allowEgressTo('Any', ['0.0.0.0/0'], []);
      }),
    ).toThrow(/'ports' must not be empty/);
    expect(() =>
      synthWith((s) => {
        const a = new WorkloadNamespace(s, 'A', { name: 'a', kubernetesVersion: '1.33' });
        a.allowIngressFromCidrs('Lb', ['10.0.0.0/16'], tcp(70000));
      }),
    ).toThrow(/port 70000 must be an integer from 1 to 65535/);
  });
});
