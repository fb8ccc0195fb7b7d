import { Manifest } from '@cdktf/provider-kubernetes/lib/manifest';
import type { Construct } from 'constructs';

/** The SecretStore a workload namespace reads AWS Secrets Manager through (External Secrets' role). */
export const SECRET_STORE = 'aws-secrets-manager';

/** Metadata of the objects below: `name` is also the synced Kubernetes Secret's name. */
export interface SyncedMetadata {
  readonly name: string;
  readonly namespace: string;
  readonly [key: string]: unknown;
}

/** The namespace's SecretStore for AWS Secrets Manager (created in `scope` as `id`). */
export function secretsManagerStore(
  scope: Construct,
  id: string,
  props: { readonly metadata: SyncedMetadata; readonly region: string },
): Manifest {
  return new Manifest(scope, id, {
    manifest: {
      apiVersion: 'external-secrets.io/v1',
      kind: 'SecretStore',
      metadata: props.metadata,
      spec: { provider: { aws: { service: 'SecretsManager', region: props.region } } },
    },
  });
}

export interface SyncedSecretProps {
  /** Its `name` is the Kubernetes Secret's. */
  readonly metadata: SyncedMetadata;
  /** The namespace's SecretStore ({@link secretsManagerStore}). */
  readonly store: Manifest;
  /** [key in the fetched data, Secrets Manager secret name], in order. */
  readonly data: readonly (readonly [secretKey: string, secretName: string])[];
  /**
   * Keys of the Kubernetes Secret assembled from the fetched data (External Secrets template
   * engine v2, e.g. a URL around a password). @default - the fetched keys as they are
   */
  readonly template?: Readonly<Record<string, string>>;
}

/**
 * An ExternalSecret: Secrets Manager values copied into a Kubernetes Secret of the same name,
 * refreshed hourly, owned (deleted with it) by the ExternalSecret.
 */
export function syncedSecret(scope: Construct, id: string, props: SyncedSecretProps): Manifest {
  return new Manifest(scope, id, {
    manifest: {
      apiVersion: 'external-secrets.io/v1',
      kind: 'ExternalSecret',
      metadata: props.metadata,
      spec: {
        refreshInterval: '1h',
        secretStoreRef: { kind: 'SecretStore', name: SECRET_STORE },
        target: {
          name: props.metadata.name,
          creationPolicy: 'Owner',
          ...(props.template ? { template: { engineVersion: 'v2', data: props.template } } : {}),
        },
        data: props.data.map(([secretKey, key]) => ({ secretKey, remoteRef: { key } })),
      },
    },
    dependsOn: [props.store],
  });
}
