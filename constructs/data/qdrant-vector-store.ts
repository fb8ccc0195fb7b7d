import { Release } from '@cdktf/provider-helm/lib/release';
import { Construct } from 'constructs';
import { SYSTEM_POOL_LABEL } from '../cluster/system-node-group';
import { PORTS } from '../../model/ports';
import { SECRET_STORE, secretsManagerStore, syncedSecret } from '../platform/secret-sync';
import { QDRANT_NAMESPACE, QDRANT_SERVICE_ACCOUNT } from './qdrant-aws';
import type { IVectorStore, VectorStoreCredentials } from './vector-store';
import type { PodIdentityRole } from '../cluster/pod-identity-role';
import { CHARTS, IMAGES } from '../../model/pins';
import { DEFAULTS } from '../../model/defaults';

/** Pinned chart and image (the chart defaults to the latest image otherwise). */
export const QDRANT_CHART_VERSION = CHARTS.qdrant.version;
export const QDRANT_IMAGE_TAG = IMAGES.qdrant.tag;
const API_KEY_SECRET = 'qdrant-api-key';

export interface QdrantVectorStoreProps {
  /** Secrets Manager secret holding the API key (QdrantAws.secretName). */
  readonly apiKeySecretName: string;
  readonly region: string;
  /** Snapshot bucket name (QdrantAws.snapshots.bucketName). */
  readonly snapshotBucket: string;
  /** @default 1 */
  readonly replicas?: number;
  /** @default 50 */
  readonly storageGiB?: number;
  /** Storage class of the volumes (encrypted gp3). */
  readonly storageClassName: string;
}

/**
 * Qdrant in the cluster, from its pinned Helm chart: the API key synced from Secrets Manager into
 * a Kubernetes Secret by External Secrets (never in values or state), persistence on encrypted gp3,
 * snapshots to S3 with its Pod Identity role, non-root with a read-only root filesystem, and with
 * more than one replica Qdrant's distributed mode with pods on different nodes.
 */
export class QdrantVectorStore extends Construct implements IVectorStore {
  readonly engine = 'qdrant' as const;
  readonly resource: Release;
  readonly endpoint = `qdrant.${QDRANT_NAMESPACE}.svc.cluster.local`;
  readonly port = PORTS.qdrantHttp;
  readonly credentials: VectorStoreCredentials = {
    kind: 'api-key',
    namespace: QDRANT_NAMESPACE,
    secretName: API_KEY_SECRET,
    key: 'api-key',
  };
  readonly admission = { kind: 'network-policy', namespace: QDRANT_NAMESPACE } as const;
  readonly clientRoles: ReadonlyMap<string, PodIdentityRole> = new Map();

  constructor(scope: Construct, id: string, props: QdrantVectorStoreProps) {
    super(scope, id);
    const replicas = props.replicas ?? DEFAULTS.qdrant.replicas;
    const store = secretsManagerStore(this, 'SecretStore', {
      metadata: { name: SECRET_STORE, namespace: QDRANT_NAMESPACE },
      region: props.region,
    });
    const apiKey = syncedSecret(this, 'ApiKey', {
      metadata: { name: API_KEY_SECRET, namespace: QDRANT_NAMESPACE },
      store,
      data: [['api-key', props.apiKeySecretName]],
    });
    const labels = { 'app.kubernetes.io/name': 'qdrant', 'app.kubernetes.io/instance': 'qdrant' };
    this.resource = new Release(this, 'Resource', {
      name: 'qdrant',
      repository: CHARTS.qdrant.repository,
      chart: CHARTS.qdrant.chart,
      version: QDRANT_CHART_VERSION,
      namespace: QDRANT_NAMESPACE,
      atomic: true,
      timeout: 900,
      values: [
        JSON.stringify({
          replicaCount: replicas,
          image: { tag: QDRANT_IMAGE_TAG },
          // The chart names its service account (and every object) after its fullname and has no
          // serviceAccount.name value; the Pod Identity association names QDRANT_SERVICE_ACCOUNT.
          fullnameOverride: QDRANT_SERVICE_ACCOUNT,
          // gpb-vector enforces the restricted Pod Security level. The chart's default init
          // container (ensure-dir-ownership, from updateVolumeFsOwnership) has no securityContext
          // and runs as root; fsGroup already gives the pod's group the volumes. Helm merges these
          // maps into the chart's defaults (values.yaml of qdrant 1.15.4), so the defaults that
          // are kept are restated here to make the rendered contexts readable in one place.
          updateVolumeFsOwnership: false,
          podSecurityContext: {
            runAsNonRoot: true,
            fsGroup: 3000,
            fsGroupChangePolicy: 'Always',
            seccompProfile: { type: 'RuntimeDefault' },
          },
          containerSecurityContext: {
            runAsNonRoot: true,
            runAsUser: 1000,
            runAsGroup: 2000,
            allowPrivilegeEscalation: false,
            privileged: false,
            readOnlyRootFilesystem: true,
            capabilities: { drop: ['ALL'] },
            seccompProfile: { type: 'RuntimeDefault' },
          },
          env: [
            { name: 'QDRANT__SERVICE__API_KEY', valueFrom: { secretKeyRef: { name: API_KEY_SECRET, key: 'api-key' } } },
            { name: 'QDRANT__STORAGE__SNAPSHOTS_CONFIG__SNAPSHOTS_STORAGE', value: 's3' },
            { name: 'QDRANT__STORAGE__SNAPSHOTS_CONFIG__S3_CONFIG__BUCKET', value: props.snapshotBucket },
            { name: 'QDRANT__STORAGE__SNAPSHOTS_CONFIG__S3_CONFIG__REGION', value: props.region },
          ],
          config: { cluster: { enabled: replicas > 1 } },
          persistence: { size: `${props.storageGiB ?? DEFAULTS.qdrant.storageGiB}Gi`, storageClassName: props.storageClassName },
          resources: { requests: { cpu: '500m', memory: '2Gi' }, limits: { memory: '4Gi' } },
          nodeSelector: { [SYSTEM_POOL_LABEL.key]: SYSTEM_POOL_LABEL.value },
          podDisruptionBudget: { enabled: replicas > 1, maxUnavailable: 1 },
          ...(replicas > 1
            ? {
                affinity: {
                  podAntiAffinity: {
                    requiredDuringSchedulingIgnoredDuringExecution: [
                      { topologyKey: 'kubernetes.io/hostname', labelSelector: { matchLabels: labels } },
                    ],
                  },
                },
              }
            : {}),
        }),
      ],
      dependsOn: [apiKey],
    });
  }
}
