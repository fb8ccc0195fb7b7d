import { Release } from '@cdktf/provider-helm/lib/release';
import { Construct } from 'constructs';
import { SYSTEM_POOL_LABEL } from '../cluster/system-node-group';
import type { IScrapeRegistry } from '../telemetry/otel-collector';
import { KarpenterAws } from './karpenter-aws';
import { CHARTS } from '../../model/pins';

/** Pinned Karpenter release (chart and controller share the version). */
export const KARPENTER_VERSION = CHARTS.karpenter.version;

export interface KarpenterControllerProps {
  readonly clusterName: string;
  /** The interruption queue's name (KarpenterAws.queueName). */
  readonly interruptionQueueName: string;
  /** @default 'kube-system' */
  readonly namespace?: string;
  /** @default 2 */
  readonly replicas?: number;
  /** Where the controller registers for scraping (port 8080). @default - not scraped */
  readonly metrics?: IScrapeRegistry;
}

/**
 * The Karpenter controller from its OCI Helm charts: CRDs as their own release (Helm does not
 * upgrade CRDs inside a chart), then the controller on the system nodes, two replicas, with the
 * service account whose Pod Identity role KarpenterAws created.
 */
export class KarpenterController extends Construct {
  /** The controller release. */
  readonly resource: Release;
  readonly crds: Release;

  constructor(scope: Construct, id: string, props: KarpenterControllerProps) {
    super(scope, id);
    const namespace = props.namespace ?? 'kube-system';
    this.crds = new Release(this, 'Crds', {
      name: 'karpenter-crd',
      repository: CHARTS.karpenterCrd.repository,
      chart: CHARTS.karpenterCrd.chart,
      version: CHARTS.karpenterCrd.version,
      namespace,
      atomic: true,
    });
    this.resource = new Release(this, 'Resource', {
      name: 'karpenter',
      repository: CHARTS.karpenter.repository,
      chart: CHARTS.karpenter.chart,
      version: KARPENTER_VERSION,
      namespace,
      skipCrds: true,
      atomic: true,
      timeout: 600,
      values: [
        JSON.stringify({
          settings: { clusterName: props.clusterName, interruptionQueue: props.interruptionQueueName },
          serviceAccount: { create: true, name: KarpenterAws.SERVICE_ACCOUNT },
          replicas: props.replicas ?? 2,
          nodeSelector: { [SYSTEM_POOL_LABEL.key]: SYSTEM_POOL_LABEL.value },
          controller: { resources: { requests: { cpu: '500m', memory: '1Gi' }, limits: { memory: '1Gi' } } },
        }),
      ],
      dependsOn: [this.crds],
    });
    props.metrics?.addScrapeTarget({
      name: 'karpenter',
      source: 'karpenter',
      namespace,
      podLabels: { 'app.kubernetes.io/name': 'karpenter' },
      port: 8080,
    });
  }
}
