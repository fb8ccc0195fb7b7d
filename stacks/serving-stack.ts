import type { Construct } from 'constructs';
import type { QdrantAws } from '../constructs/data/qdrant-aws';
import { QdrantVectorStore } from '../constructs/data/qdrant-vector-store';
import type { IVectorStore } from '../constructs/data/vector-store';
import { ENCRYPTED_GP3 } from '../constructs/platform/encrypted-storage-class';
import { KubernetesLayerStack, type KubernetesLayerStackProps } from './kubernetes-layer-stack';
import type { PlatformStack } from './platform-stack';

export interface ServingStackProps extends KubernetesLayerStackProps {
  /** The layer that installs the operators and CRDs this one uses; deployed after it. */
  readonly platform: PlatformStack;
  /** The AWS side of Qdrant, when the environment runs it. */
  readonly qdrant?: QdrantAws;
}

/**
 * Layer 6 (in-cluster): workloads. Today the in-cluster vector store (Qdrant); model servers and
 * the gateway join it with the serving capability.
 */
export class ServingStack extends KubernetesLayerStack {
  readonly vectorStore?: IVectorStore;

  constructor(scope: Construct, props: ServingStackProps) {
    super(scope, 'serving', { ...props, helm: true });
    this.addDependency(props.platform);
    const vs = props.env.data.vectorStore;
    if (vs.engine === 'qdrant' && props.qdrant) {
      this.vectorStore = new QdrantVectorStore(this, 'VectorStore', {
        apiKeySecretName: props.qdrant.secretName,
        region: props.env.region,
        snapshotBucket: props.qdrant.snapshots.bucketName,
        replicas: vs.replicas,
        storageGiB: vs.storageGiB,
        storageClassName: ENCRYPTED_GP3,
      });
    }
  }
}
