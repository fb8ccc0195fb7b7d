import { HelmProvider } from '@cdktf/provider-helm/lib/provider';
import { KubernetesProvider } from '@cdktf/provider-kubernetes/lib/provider';
import type { Construct } from 'constructs';
import type { EksCluster } from '../constructs/cluster/eks-cluster';
import { Fn } from '../constructs/core/cdktf';
import type { Layer } from '../environments/layers';
import { LayerStack, type LayerStackProps } from './layer-stack';

export interface KubernetesLayerStackProps extends LayerStackProps {
  /** The environment's cluster (another stack: read through its state). */
  readonly cluster: EksCluster;
  /** Also configure the helm provider, for layers that install charts. @default false */
  readonly helm?: boolean;
}

/**
 * A layer that lives inside the cluster: a kubernetes provider pointed at the EKS endpoint,
 * authenticating with a short-lived token from `aws eks get-token` (the deployer's own AWS
 * identity, which needs an access entry). No AWS provider: AWS resources live in AWS-only layers.
 */
export abstract class KubernetesLayerStack extends LayerStack {
  protected constructor(scope: Construct, layer: Layer, props: KubernetesLayerStackProps) {
    super(scope, layer, props);
    const host = props.cluster.endpoint;
    const clusterCaCertificate = Fn.base64decode(props.cluster.certificateAuthorityData);
    const exec = {
      apiVersion: 'client.authentication.k8s.io/v1beta1',
      command: 'aws',
      args: ['eks', 'get-token', '--cluster-name', props.env.cluster.name, '--region', props.env.region, '--output', 'json'],
    };
    new KubernetesProvider(this, 'kubernetes', { host, clusterCaCertificate, exec: [exec] });
    if (props.helm) {
      new HelmProvider(this, 'helm', { kubernetes: { host, clusterCaCertificate, exec } });
    }
  }
}
