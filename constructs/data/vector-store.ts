import type { PodIdentityRole } from '../cluster/pod-identity-role';

/** How a client authenticates to a vector store. Never a password in configuration. */
export type VectorStoreCredentials =
  | { readonly kind: 'iam-database-auth'; readonly databaseName: string; readonly username: string }
  | { readonly kind: 'sigv4'; readonly service: 'aoss' };

/** A Kubernetes service account allowed to use a data service. */
export interface DataClient {
  readonly namespace: string;
  readonly serviceAccount: string;
}

/**
 * A vector store, whatever the engine: workloads take this object (never a hostname string)
 * and get the endpoint, the port, how to authenticate, and their own Pod Identity role.
 */
export interface IVectorStore {
  readonly engine: 'aurora-pgvector' | 'opensearch-serverless';
  readonly endpoint: string;
  readonly port: number;
  readonly credentials: VectorStoreCredentials;
  /** Security group that admits clients (the cluster's security group is allowed in). */
  readonly securityGroupId: string;
  /** Each client's Pod Identity role, keyed `namespace/serviceAccount`. */
  readonly clientRoles: ReadonlyMap<string, PodIdentityRole>;
}

export const clientKey = (c: DataClient): string => `${c.namespace}/${c.serviceAccount}`;
