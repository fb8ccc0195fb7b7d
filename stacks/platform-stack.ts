import type { Construct } from 'constructs';
import type { KarpenterAws } from '../constructs/gpu/karpenter-aws';
import { EfaDevicePlugin } from '../constructs/gpu/efa-device-plugin';
import { KarpenterController } from '../constructs/gpu/karpenter-controller';
import { NvidiaGpuOperator } from '../constructs/gpu/nvidia-gpu-operator';
import type { Network } from '../constructs/network/network';
import { EncryptedStorageClass } from '../constructs/platform/encrypted-storage-class';
import { ExternalSecrets } from '../constructs/platform/external-secrets';
import { PORTS, tcp } from '../constructs/guardrails/ports';
import { WorkloadAdmission } from '../constructs/guardrails/workload-admission';
import { WorkloadNamespace } from '../constructs/guardrails/workload-namespace';
import { KubernetesLayerStack, type KubernetesLayerStackProps } from './kubernetes-layer-stack';

export interface PlatformStackProps extends KubernetesLayerStackProps {
  /** The environment's network: data subnet CIDRs bound the data-layer egress. */
  readonly network: Network;
  /** Karpenter's AWS side, when the environment has GPU pools. */
  readonly karpenter?: KarpenterAws;
}

/**
 * Layer 3 (in-cluster): the runtime guardrails the workload layers rely on. Namespaces for the
 * gateway, model servers and the in-cluster vector store, each under Pod Security Admission
 * and default-deny network policies, with only these paths open:
 *
 *   VPC clients -> gateway:4000 -> model servers:8000/8001
 *   gateway, model servers -> vector store:6333/6334, data subnets:6379/5432
 *   model servers, vector store, gateway -> HTTPS (S3 weights and snapshots, AWS APIs)
 *
 * and a ValidatingAdmissionPolicy enforcing the GPU workload rules at admission.
 */
export class PlatformStack extends KubernetesLayerStack {
  readonly gateway: WorkloadNamespace;
  readonly serving: WorkloadNamespace;
  readonly vectorStore: WorkloadNamespace;
  readonly admission: WorkloadAdmission;
  readonly karpenter?: KarpenterController;
  readonly gpuOperator?: NvidiaGpuOperator;
  /** Encrypted gp3 volumes for in-cluster state (present when the environment runs Qdrant). */
  readonly storageClass?: EncryptedStorageClass;
  readonly externalSecrets?: ExternalSecrets;

  constructor(scope: Construct, props: PlatformStackProps) {
    const qdrant = props.env.data.vectorStore.engine === 'qdrant';
    super(scope, 'platform', { ...props, helm: qdrant || props.env.gpu.pools.length + props.env.gpu.nodeGroups.length > 0 });
    const { env, network } = props;
    const version = env.cluster.kubernetesVersion;
    const ns = (id: string, name: string) => new WorkloadNamespace(this, id, { name, kubernetesVersion: version });

    this.gateway = ns('GatewayNamespace', 'gpb-gateway');
    this.serving = ns('ServingNamespace', 'gpb-serving');
    this.vectorStore = ns('VectorStoreNamespace', 'gpb-vector');

    this.gateway.allowIngressFromCidrs('Vpc', [network.cidr], tcp(PORTS.gateway));
    this.serving.allowFrom(this.gateway, tcp(PORTS.modelHttp, PORTS.modelGrpc));
    this.vectorStore.allowFrom(this.gateway, tcp(PORTS.qdrantHttp, PORTS.qdrantGrpc));
    this.vectorStore.allowFrom(this.serving, tcp(PORTS.qdrantHttp, PORTS.qdrantGrpc));
    for (const client of [this.gateway, this.serving]) {
      client.allowEgressTo('DataSubnets', network.dataSubnetCidrs, tcp(PORTS.valkey, PORTS.postgres));
    }
    // S3 (weights, snapshots) and AWS APIs answer on public addresses or interface endpoints.
    for (const client of [this.gateway, this.serving, this.vectorStore]) {
      client.allowEgressTo('Https', ['0.0.0.0/0'], tcp(PORTS.https));
    }

    if (qdrant) {
      this.vectorStore.allowFrom(this.vectorStore, tcp(PORTS.qdrantP2p)); // Raft between Qdrant pods
      this.storageClass = new EncryptedStorageClass(this, 'EncryptedStorage', { retain: env.stage !== 'dev' });
      this.externalSecrets = new ExternalSecrets(this, 'ExternalSecrets', { kubernetesVersion: version, vpcCidr: network.cidr });
    }

    this.admission = new WorkloadAdmission(this, 'WorkloadAdmission', { action: env.guardrails.admissionAction });

    const { pools, nodeGroups } = env.gpu;
    if (props.karpenter) {
      this.karpenter = new KarpenterController(this, 'Karpenter', {
        clusterName: env.cluster.name,
        interruptionQueueName: props.karpenter.queueName,
        namespace: props.karpenter.namespace,
      });
    }
    if (pools.length + nodeGroups.length > 0) {
      this.gpuOperator = new NvidiaGpuOperator(this, 'NvidiaGpuOperator', {
        timeSlicing: pools.flatMap((p) =>
          p.amiFamily === 'al2023' && p.sharing.mode === 'time-slicing' ? [{ pool: p.name, timeSlicingReplicas: p.sharing.replicas }] : [],
        ),
        mig: pools.some((p) => p.sharing.mode === 'mig'),
      });
    }
    if (pools.some((p) => p.efa)) new EfaDevicePlugin(this, 'EfaDevicePlugin');
  }
}
