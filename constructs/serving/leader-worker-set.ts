import { NamespaceV1 } from '@cdktf/provider-kubernetes/lib/namespace-v1';
import { Release } from '@cdktf/provider-helm/lib/release';
import { Construct } from 'constructs';
import { CHARTS, IMAGES } from '../../model/pins';
import { SYSTEM_POOL_LABEL } from '../cluster/system-node-group';

/** Pinned LeaderWorkerSet controller chart (CRD `leaderworkerset.x-k8s.io/v1` included). */
export const LWS_VERSION = CHARTS.leaderWorkerSet.version;
export const LWS_NAMESPACE = 'lws-system';
/** Label LeaderWorkerSet puts on every pod of a group (its set's name). */
export const LWS_NAME_LABEL = 'leaderworkerset.sigs.k8s.io/name';

/**
 * The LeaderWorkerSet controller (kubernetes-sigs/lws), which runs a model too large for one node
 * as groups of pods (one leader, N-1 workers) created, scheduled, restarted and rolled together.
 * Installed only when the environment has a multi-node model; its CRD lives in this (platform)
 * layer, the LeaderWorkerSets in the serving layer.
 */
export class LeaderWorkerSetController extends Construct {
  readonly resource: Release;

  constructor(scope: Construct, id: string) {
    super(scope, id);
    const namespace = new NamespaceV1(this, 'Namespace', {
      metadata: {
        name: LWS_NAMESPACE,
        labels: {
          'app.kubernetes.io/managed-by': 'gpu-platform-blueprint',
          'pod-security.kubernetes.io/enforce': 'baseline',
          'pod-security.kubernetes.io/warn': 'restricted',
          'pod-security.kubernetes.io/audit': 'restricted',
        },
      },
    });
    this.resource = new Release(this, 'Resource', {
      name: 'lws',
      repository: CHARTS.leaderWorkerSet.repository,
      chart: CHARTS.leaderWorkerSet.chart,
      version: LWS_VERSION,
      namespace: LWS_NAMESPACE,
      atomic: true,
      timeout: 600,
      values: [
        JSON.stringify({
          // The chart's values.yaml at v0.7.0 says tag 'main' with pullPolicy Always: pin the
          // controller image to the release instead of trusting the packaged default.
          image: {
            manager: { repository: IMAGES.leaderWorkerSet.repository, tag: IMAGES.leaderWorkerSet.tag, pullPolicy: 'IfNotPresent' },
          },
          nodeSelector: { [SYSTEM_POOL_LABEL.key]: SYSTEM_POOL_LABEL.value },
          // The chart asks for a whole core and 1 Gi with no limit; a controller needs far less.
          resources: { requests: { cpu: '100m', memory: '256Mi' }, limits: { memory: '512Mi' } },
        }),
      ],
      dependsOn: [namespace],
    });
  }
}
