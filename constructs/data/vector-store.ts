import type { Construct } from 'constructs';
import type { EksCluster } from '../cluster/eks-cluster';
import type { PodIdentityRole, PolicyStatement } from '../cluster/pod-identity-role';
import { WorkloadIdentities, type WorkloadIdentity } from '../cluster/workload-identities';

/** How a client authenticates to a vector store. Never a password in configuration. */
export type VectorStoreCredentials =
  | { readonly kind: 'iam-database-auth'; readonly databaseName: string; readonly username: string }
  | { readonly kind: 'sigv4'; readonly service: 'aoss' }
  | { readonly kind: 'api-key'; readonly namespace: string; readonly secretName: string; readonly key: string };

/** What admits clients: an AWS security group, or (in the cluster) the namespace's network policies. */
export type ClientAdmission =
  { readonly kind: 'security-group'; readonly id: string } | { readonly kind: 'network-policy'; readonly namespace: string };

/** A Kubernetes service account allowed to use a data service. */
export type DataClient = WorkloadIdentity;

/**
 * A vector store, whatever the engine: workloads take this object (never a hostname string)
 * and get the endpoint, the port, how to authenticate, and their own Pod Identity role.
 */
export interface IVectorStore {
  readonly engine: 'aurora-pgvector' | 'opensearch-serverless' | 'qdrant';
  readonly endpoint: string;
  readonly port: number;
  readonly credentials: VectorStoreCredentials;
  /** What admits clients (the cluster's security group, or the platform's network policies). */
  readonly admission: ClientAdmission;
  /** Each client's Pod Identity role, keyed `namespace/serviceAccount`. */
  readonly clientRoles: ReadonlyMap<string, PodIdentityRole>;
}

export const clientKey = (c: DataClient): string => `${c.namespace}/${c.serviceAccount}`;

/** What every data service construct takes: where it lives, who may use it, whether it is protected. */
export interface DataServiceProps {
  /** Name prefix of the service's resources, e.g. `gpb-prod`. */
  readonly name: string;
  readonly vpcId: string;
  /** The data subnets. */
  readonly subnetIds: string[];
  /** The cluster whose security group is admitted and whose pods are the clients. */
  readonly cluster: EksCluster;
  /** Deletion protection, final snapshots where they exist, and prevent_destroy. @default false */
  readonly protect?: boolean;
  /** Service accounts that may use the service. @default [] */
  readonly clients?: readonly DataClient[];
  /**
   * Where the clients' roles live: one role per workload identity, shared with the other
   * services the same workload uses. @default - a registry of the service's own
   */
  readonly identities?: WorkloadIdentities;
}

/**
 * Grants `statements` to each client's role in `props.identities` (the stack's one role per
 * workload identity) and returns those roles keyed `namespace/serviceAccount`. Without a
 * registry (a construct used on its own), the clients' roles live in a registry of their own,
 * child `Clients` of `scope`.
 */
export function createClientRoles(
  scope: Construct,
  props: Pick<DataServiceProps, 'cluster' | 'clients' | 'identities'>,
  statements: readonly PolicyStatement[],
): ReadonlyMap<string, PodIdentityRole> {
  const clients = props.clients ?? [];
  if (clients.length === 0) return new Map();
  const identities = props.identities ?? new WorkloadIdentities(scope, 'Clients', { cluster: props.cluster });
  return new Map(clients.map((c) => [clientKey(c), identities.grant(c, statements)]));
}
