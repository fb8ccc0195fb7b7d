import { Construct } from 'constructs';
import type { EksCluster } from '../cluster/eks-cluster';
import { PodIdentityRole } from '../cluster/pod-identity-role';
import { moveFrom } from '../core/moved';
import { GeneratedSecret } from './generated-secret';
import { PrivateBucket } from './private-bucket';

/** Where the in-cluster parts run (namespace and service accounts the roles trust). */
export const QDRANT_NAMESPACE = 'gpb-vector';
export const QDRANT_SERVICE_ACCOUNT = 'qdrant';

export interface QdrantAwsProps {
  readonly name: string;
  readonly cluster: EksCluster;
  /** @default false */
  readonly protect?: boolean;
}

/**
 * The AWS side of the in-cluster Qdrant vector store: its API key in Secrets Manager (generated
 * and written write-only, so it is in neither configuration nor Terraform state; External
 * Secrets copies it into the cluster), a snapshot bucket and Qdrant's own Pod Identity role for
 * snapshots.
 */
export class QdrantAws extends Construct {
  readonly apiKey: GeneratedSecret;
  readonly snapshots: PrivateBucket;
  readonly qdrantRole: PodIdentityRole;
  /** The secret's name, a plain string (the in-cluster layer references it at synth). */
  readonly secretName: string;

  constructor(scope: Construct, id: string, props: QdrantAwsProps) {
    super(scope, id);
    this.apiKey = new GeneratedSecret(this, 'ApiKey', {
      name: `${props.name}/qdrant/api-key`,
      purpose: `Qdrant API key (${props.name})`,
      protect: props.protect,
    });
    this.secretName = this.apiKey.secretName;
    // Addresses before GeneratedSecret existed: move, do not replace, a deployed key and secret.
    moveFrom(this.apiKey.key, 'aws_kms_key.Qdrant_SecretKey_C30B05D0');
    moveFrom(this.apiKey.secret, 'aws_secretsmanager_secret.Qdrant_ApiKey_1A51A50F');
    moveFrom(this.apiKey.version, 'aws_secretsmanager_secret_version.Qdrant_ApiKeyValue_8834BCB9');
    this.snapshots = new PrivateBucket(this, 'Snapshots', {
      purpose: 'Qdrant snapshots',
      namePrefix: `${props.name}-qdrant-snapshots-`,
      preventDestroy: props.protect,
    });
    this.qdrantRole = new PodIdentityRole(this, 'QdrantRole', {
      cluster: props.cluster,
      identity: { namespace: QDRANT_NAMESPACE, serviceAccount: QDRANT_SERVICE_ACCOUNT },
      workloadKind: 'vector-store',
      statements: this.snapshots.readWriteStatements(),
    });
  }
}
