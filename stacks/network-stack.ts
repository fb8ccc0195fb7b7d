import type { Construct } from 'constructs';
import { LogsKmsKey } from '../constructs/core/logs-kms-key';
import { FlowLogs } from '../constructs/network/flow-logs';
import { Network } from '../constructs/network/network';
import { defaultSubnetLayout } from '../model/subnet-layout';
import { VpcEndpoints } from '../constructs/network/vpc-endpoints';
import { AwsLayerStack, type LayerStackProps } from './layer-stack';

/** The network layer (AWS; first in LAYERS, environments/layers.ts): the VPC, its subnets, NAT, VPC endpoints and flow logs. */
export class NetworkStack extends AwsLayerStack {
  readonly network: Network;
  readonly endpoints: VpcEndpoints;

  constructor(scope: Construct, props: LayerStackProps) {
    super(scope, 'network', props);
    const { env } = this;
    const net = env.network;

    this.network = new Network(this, 'Network', {
      namePrefix: env.name,
      cidr: net.cidr,
      layout: net.subnets ?? defaultSubnetLayout(net.cidr, net.azCount),
      availabilityZones: net.availabilityZones,
      natStrategy: net.natStrategy,
      clusterName: env.cluster.name,
    });

    this.endpoints = new VpcEndpoints(this, 'Endpoints', {
      network: this.network,
      region: env.region,
      interfaceServices: net.interfaceEndpoints,
      namePrefix: env.name,
    });

    const logsKey = new LogsKmsKey(this, 'LogsKey', {
      alias: `gpb/${env.name}/network-logs`,
      region: env.region,
    });
    new FlowLogs(this, 'FlowLogs', {
      vpcId: this.network.vpcId,
      logGroupName: `/gpb/${env.name}/vpc-flow-logs`,
      logsKey,
      retentionDays: net.flowLogs.retentionDays,
      trafficType: net.flowLogs.trafficType,
    });
  }
}
