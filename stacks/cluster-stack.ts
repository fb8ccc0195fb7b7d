import type { Construct } from 'constructs';
import { ClusterAddons } from '../constructs/cluster/cluster-addons';
import { EksCluster } from '../constructs/cluster/eks-cluster';
import { startNodesAfter } from '../constructs/cluster/node-resources';
import { SystemNodeGroup } from '../constructs/cluster/system-node-group';
import { LoadBalancerControllerAws } from '../constructs/cluster/load-balancer-controller';
import { TerraformOutput } from '../constructs/core/cdktf';
import { LogsKmsKey } from '../constructs/core/logs-kms-key';
import { GpuNodeGroup } from '../constructs/gpu/gpu-node-group';
import { KarpenterAws } from '../constructs/gpu/karpenter-aws';
import type { Network } from '../constructs/network/network';
import { AwsLayerStack, type LayerStackProps } from './layer-stack';

export interface ClusterStackProps extends LayerStackProps {
  /** The environment's network (another stack: read through its state). */
  readonly network: Network;
}

/**
 * The cluster layer (AWS, after network): EKS with encrypted Secrets and logs, access entries for the environment's admins,
 * the system node group and the core add-ons.
 */
export class ClusterStack extends AwsLayerStack {
  readonly cluster: EksCluster;
  readonly systemNodes: SystemNodeGroup;
  readonly addons: ClusterAddons;
  /** Karpenter's AWS side; present when the environment has GPU pools. */
  readonly karpenter?: KarpenterAws;
  /** The AWS Load Balancer Controller's role, when the gateway is exposed through an ALB. */
  readonly loadBalancerController?: LoadBalancerControllerAws;
  /** Managed GPU node groups (static or reserved capacity), by name. */
  readonly gpuNodeGroups: ReadonlyMap<string, GpuNodeGroup>;

  constructor(scope: Construct, props: ClusterStackProps) {
    super(scope, 'cluster', props);
    const { env } = this;
    const c = env.cluster;

    const logsKey = new LogsKmsKey(this, 'LogsKey', {
      alias: `gpb/${env.name}/cluster-logs`,
      region: env.region,
      deletionWindowDays: c.kmsDeletionWindowDays,
    });

    this.cluster = new EksCluster(this, 'Cluster', {
      clusterName: c.name,
      kubernetesVersion: c.kubernetesVersion,
      supportType: c.supportType,
      subnetIds: props.network.privateSubnetIds,
      endpointPublicAccess: c.endpoint.publicAccess,
      publicAccessCidrs: c.endpoint.publicAccessCidrs,
      serviceIpv4Cidr: c.serviceIpv4Cidr,
      controlPlaneLogTypes: c.controlPlaneLogTypes,
      logRetentionDays: c.logRetentionDays,
      logsKey,
      kmsDeletionWindowDays: c.kmsDeletionWindowDays,
      preventDestroy: env.posture.protectState,
    });
    c.admins.forEach((admin, i) => {
      this.cluster.grantAccess(`Admin${i}`, admin.principalArn, admin.accessPolicy);
    });

    this.systemNodes = new SystemNodeGroup(this, 'SystemNodes', {
      cluster: this.cluster,
      subnetIds: props.network.privateSubnetIds,
      ...c.systemNodeGroup,
    });

    this.addons = new ClusterAddons(this, 'Addons', {
      cluster: this.cluster,
      nodes: this.systemNodes.resource,
    });
    // A node without the CNI stays NotReady: the CNI, kube-proxy and the Pod Identity agent first.
    this.systemNodes.startAfter(...this.addons.beforeNodes);

    if (env.gpu.pools.length > 0) {
      this.karpenter = new KarpenterAws(this, 'Karpenter', { cluster: this.cluster, clusterName: c.name, region: env.region });
    }
    // The gateway behind an ALB needs the controller that builds it (docs/serving.md, "Exposure").
    if (env.serving.gateway.exposure.type === 'alb') {
      this.loadBalancerController = new LoadBalancerControllerAws(this, 'LoadBalancerController', { cluster: this.cluster });
    }
    this.gpuNodeGroups = new Map(
      env.gpu.nodeGroups.map((ng) => [
        ng.name,
        new GpuNodeGroup(this, `GpuNodeGroup-${ng.name}`, {
          cluster: this.cluster,
          subnetIds: props.network.privateSubnetIds,
          name: ng.name,
          instanceType: ng.capacity.instanceTypes[0],
          minSize: ng.minSize,
          maxSize: ng.maxSize,
          desiredSize: ng.desiredSize,
          capacityType: ng.capacityType,
          capacityReservationId: ng.capacityReservationId,
          diskSizeGiB: ng.diskSizeGiB,
        }),
      ]),
    );
    for (const group of this.gpuNodeGroups.values()) startNodesAfter(group.resource, this.addons.beforeNodes);

    new TerraformOutput(this, 'cluster_name', { value: this.cluster.clusterName });
    new TerraformOutput(this, 'cluster_endpoint', { value: this.cluster.endpoint });
    new TerraformOutput(this, 'cluster_certificate_authority_data', { value: this.cluster.certificateAuthorityData });
    new TerraformOutput(this, 'oidc_provider_arn', { value: this.cluster.oidcProviderArn });
    new TerraformOutput(this, 'system_node_role_arn', { value: this.systemNodes.nodeRole.arn });
  }
}
