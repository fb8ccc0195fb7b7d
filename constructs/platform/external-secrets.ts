import { Release } from '@cdktf/provider-helm/lib/release';
import { Construct } from 'constructs';
import { SYSTEM_POOL_LABEL } from '../cluster/system-node-group';
import { EXTERNAL_SECRETS_NAMESPACE, EXTERNAL_SECRETS_SERVICE_ACCOUNT } from '../data/generated-secret';
import { PORTS, tcp } from '../../model/ports';
import { WorkloadNamespace } from '../guardrails/workload-namespace';
import { CHARTS } from '../../model/pins';
import { RESTRICTED_CONTAINER, RESTRICTED_POD } from '../guardrails/security-contexts';

/** Pinned External Secrets Operator chart (CRDs included). */
export const EXTERNAL_SECRETS_VERSION = CHARTS.externalSecrets.version;

export interface ExternalSecretsProps {
  readonly kubernetesVersion: string;
  /** The VPC CIDR: the API server reaches the operator's webhook from its ENIs there. */
  readonly vpcCidr: string;
}

/**
 * External Secrets Operator: copies secrets from AWS Secrets Manager into Kubernetes Secrets,
 * authenticating with its own Pod Identity role (`externalSecretsRole`), so no AWS
 * credential is ever stored in the cluster. Runs on system nodes in a restricted namespace.
 */
export class ExternalSecrets extends Construct {
  readonly resource: Release;
  readonly namespace: WorkloadNamespace;

  constructor(scope: Construct, id: string, props: ExternalSecretsProps) {
    super(scope, id);
    this.namespace = new WorkloadNamespace(this, 'Namespace', {
      name: EXTERNAL_SECRETS_NAMESPACE,
      kubernetesVersion: props.kubernetesVersion,
    });
    // Secrets Manager and the Kubernetes API both answer on 443; the API server calls the webhook.
    this.namespace.allowEgressTo('Https', ['0.0.0.0/0'], tcp(PORTS.https));
    this.namespace.allowIngressFromCidrs('Webhook', [props.vpcCidr], tcp(10250));
    const system = { [SYSTEM_POOL_LABEL.key]: SYSTEM_POOL_LABEL.value };
    const resources = { requests: { cpu: '50m', memory: '128Mi' }, limits: { memory: '256Mi' } };
    // Every security context the chart renders, explicitly (restricted namespace, GPB-K8S-014);
    // 'enabled' is the chart's own switch, the uid its default (values.yaml of 0.19.2).
    const podSecurityContext = { enabled: true, ...RESTRICTED_POD };
    const securityContext = { enabled: true, ...RESTRICTED_CONTAINER, runAsUser: 1000 };
    this.resource = new Release(this, 'Resource', {
      name: 'external-secrets',
      repository: CHARTS.externalSecrets.repository,
      chart: CHARTS.externalSecrets.chart,
      version: EXTERNAL_SECRETS_VERSION,
      namespace: EXTERNAL_SECRETS_NAMESPACE,
      atomic: true,
      values: [
        JSON.stringify({
          installCRDs: true,
          serviceAccount: { create: true, name: EXTERNAL_SECRETS_SERVICE_ACCOUNT },
          nodeSelector: system,
          resources,
          podSecurityContext,
          securityContext,
          webhook: { nodeSelector: system, resources, podSecurityContext, securityContext },
          certController: { nodeSelector: system, resources, podSecurityContext, securityContext },
        }),
      ],
      dependsOn: [this.namespace.resource],
    });
  }
}
