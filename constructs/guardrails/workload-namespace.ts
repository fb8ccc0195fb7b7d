import { NamespaceV1 } from '@cdktf/provider-kubernetes/lib/namespace-v1';
import { NetworkPolicyV1 } from '@cdktf/provider-kubernetes/lib/network-policy-v1';
import { Construct } from 'constructs';
import { BlueprintError, show } from '../../model/errors';
import { POD_IDENTITY_AGENT, PORTS, type PortSpec } from '../../model/ports';

export type PodSecurityLevel = 'restricted' | 'baseline' | 'privileged';

/** Namespaces carrying this label are subject to the platform's admission policies. */
export const GUARDRAILS_LABEL = { key: 'gpb.io/guardrails', value: 'enforced' } as const;

export interface WorkloadNamespaceProps {
  /** Kubernetes name of the namespace. */
  readonly name: string;
  /** Kubernetes minor version the Pod Security Standards are pinned to, e.g. `1.33`. */
  readonly kubernetesVersion: string;
  /** Pod Security Admission level enforced. Audit and warn stay at `restricted`. @default 'restricted' */
  readonly podSecurity?: PodSecurityLevel;
  /** Extra labels. @default - none */
  readonly labels?: Readonly<Record<string, string>>;
}

const NAME = /^[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?$/;

/**
 * A namespace for platform workloads: Pod Security Admission labels pinned to the cluster
 * version, the label the admission policies select, and a default-deny NetworkPolicy with only
 * DNS and Pod Identity credentials allowed. Traffic between namespaces is opened explicitly
 * with {@link allowFrom} (both directions of the policy pair) and {@link allowEgressTo}.
 */
export class WorkloadNamespace extends Construct {
  readonly resource: NamespaceV1;
  /** The namespace name (a plain string; it is known at synth). */
  readonly name: string;
  readonly podSecurity: PodSecurityLevel;

  constructor(scope: Construct, id: string, props: WorkloadNamespaceProps) {
    super(scope, id);
    if (!NAME.test(props.name)) {
      throw new BlueprintError(
        `WorkloadNamespace '${id}': 'name' ${show(props.name)} must be a DNS label (lowercase letters, digits, '-', at most 63)`,
      );
    }
    this.name = props.name;
    this.podSecurity = props.podSecurity ?? 'restricted';
    const version = `v${props.kubernetesVersion}`;
    this.resource = new NamespaceV1(this, 'Resource', {
      metadata: {
        name: props.name,
        labels: {
          ...props.labels,
          'app.kubernetes.io/managed-by': 'gpu-platform-blueprint',
          [GUARDRAILS_LABEL.key]: GUARDRAILS_LABEL.value,
          'pod-security.kubernetes.io/enforce': this.podSecurity,
          'pod-security.kubernetes.io/enforce-version': version,
          'pod-security.kubernetes.io/audit': 'restricted',
          'pod-security.kubernetes.io/audit-version': version,
          'pod-security.kubernetes.io/warn': 'restricted',
          'pod-security.kubernetes.io/warn-version': version,
        },
      },
    });

    this.policy('DefaultDeny', 'default-deny', { podSelector: {}, policyTypes: ['Ingress', 'Egress'] });
    this.policy('AllowDns', 'allow-dns', {
      podSelector: {},
      policyTypes: ['Egress'],
      egress: [
        {
          to: [
            {
              namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': 'kube-system' } },
              podSelector: { matchLabels: { 'k8s-app': 'kube-dns' } },
            },
          ],
          ports: [
            { port: String(PORTS.dns), protocol: 'UDP' },
            { port: String(PORTS.dns), protocol: 'TCP' },
          ],
        },
      ],
    });
    this.policy('AllowPodIdentity', 'allow-pod-identity-agent', {
      podSelector: {},
      policyTypes: ['Egress'],
      egress: [
        { to: [{ ipBlock: { cidr: POD_IDENTITY_AGENT.cidr } }], ports: [{ port: String(POD_IDENTITY_AGENT.port), protocol: 'TCP' }] },
      ],
    });
  }

  /**
   * Lets pods of `source` reach this namespace's pods on `ports`: an ingress policy here and the
   * matching egress policy in `source` (both are needed under default deny).
   */
  allowFrom(source: WorkloadNamespace, ports: readonly PortSpec[]): void {
    checkPorts(this.node.id, ports);
    this.policy(`AllowFrom-${source.node.id}`, `allow-from-${source.name}`, {
      podSelector: {},
      policyTypes: ['Ingress'],
      ingress: [{ from: [{ namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': source.name } } }], ports: portsOf(ports) }],
    });
    source.policy(`AllowTo-${this.node.id}`, `allow-to-${this.name}`, {
      podSelector: {},
      policyTypes: ['Egress'],
      egress: [{ to: [{ namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': this.name } } }], ports: portsOf(ports) }],
    });
  }

  /** Lets clients in `cidrs` (load balancers, VPC clients) reach this namespace on `ports`. */
  allowIngressFromCidrs(id: string, cidrs: readonly string[], ports: readonly PortSpec[]): void {
    checkPorts(id, ports);
    if (cidrs.length === 0)
      throw new BlueprintError(`WorkloadNamespace '${this.node.id}'.allowIngressFromCidrs('${id}'): 'cidrs' must not be empty`);
    this.policy(`AllowIngress-${id}`, `allow-ingress-${id.toLowerCase()}`, {
      podSelector: {},
      policyTypes: ['Ingress'],
      ingress: [{ from: cidrs.map((cidr) => ({ ipBlock: { cidr } })), ports: portsOf(ports) }],
    });
  }

  /** Lets this namespace's pods reach `cidrs` on `ports` (AWS data services, HTTPS APIs). */
  allowEgressTo(id: string, cidrs: readonly string[], ports: readonly PortSpec[]): void {
    checkPorts(id, ports);
    if (cidrs.length === 0)
      throw new BlueprintError(`WorkloadNamespace '${this.node.id}'.allowEgressTo('${id}'): 'cidrs' must not be empty`);
    this.policy(`AllowEgress-${id}`, `allow-egress-${id.toLowerCase()}`, {
      podSelector: {},
      policyTypes: ['Egress'],
      egress: [{ to: cidrs.map((cidr) => ({ ipBlock: { cidr } })), ports: portsOf(ports) }],
    });
  }

  /**
   * Lets the pods of multi-node groups (pods carrying `groupLabel`) reach each other on every
   * port: Ray and NCCL bootstrap pick ports at run time. Nothing else gains a path.
   */
  allowWithinGroups(id: string, groupLabel: string): void {
    const members = { matchExpressions: [{ key: groupLabel, operator: 'Exists' }] };
    this.policy(`AllowGroup-${id}`, `allow-within-${id.toLowerCase()}`, {
      podSelector: members,
      policyTypes: ['Ingress', 'Egress'],
      ingress: [{ from: [{ podSelector: members }] }],
      egress: [{ to: [{ podSelector: members }] }],
    });
  }

  private policy(id: string, name: string, spec: ConstructorParameters<typeof NetworkPolicyV1>[2]['spec']): NetworkPolicyV1 {
    return new NetworkPolicyV1(this, id, {
      metadata: { name, namespace: this.name, labels: { 'app.kubernetes.io/managed-by': 'gpu-platform-blueprint' } },
      spec,
      dependsOn: [this.resource],
    });
  }
}

function portsOf(ports: readonly PortSpec[]) {
  return ports.map((p) => ({ port: String(p.port), protocol: p.protocol ?? 'TCP' }));
}

function checkPorts(id: string, ports: readonly PortSpec[]): void {
  if (ports.length === 0) throw new BlueprintError(`network policy '${id}': 'ports' must not be empty; open named ports, not everything`);
  for (const p of ports) {
    if (!Number.isInteger(p.port) || p.port < 1 || p.port > 65535) {
      throw new BlueprintError(`network policy '${id}': port ${show(p.port)} must be an integer from 1 to 65535`);
    }
  }
}
