import { Release } from '@cdktf/provider-helm/lib/release';
import { Construct } from 'constructs';
import { GPU_TAINT } from '../../model/gpu-capacity';
import { CHARTS } from '../../model/pins';

export const EFA_DEVICE_PLUGIN_VERSION = CHARTS.efaDevicePlugin.version;

/**
 * The AWS EFA device plugin (advertises `vpc.amazonaws.com/efa`, which multi-node pods request
 * and Karpenter then attaches EFA interfaces for), on nodes of EFA pools only.
 */
export class EfaDevicePlugin extends Construct {
  readonly resource: Release;

  constructor(scope: Construct, id: string) {
    super(scope, id);
    this.resource = new Release(this, 'Resource', {
      name: 'aws-efa-k8s-device-plugin',
      repository: CHARTS.efaDevicePlugin.repository,
      chart: CHARTS.efaDevicePlugin.chart,
      version: EFA_DEVICE_PLUGIN_VERSION,
      namespace: 'kube-system',
      atomic: true,
      values: [
        JSON.stringify({
          nodeSelector: { 'gpb.io/efa': 'true' },
          tolerations: [{ key: GPU_TAINT.key, operator: 'Exists', effect: GPU_TAINT.effect }],
        }),
      ],
    });
  }
}
