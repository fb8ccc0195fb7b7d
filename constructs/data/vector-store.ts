import type { Construct } from 'constructs';
import type { EksCluster } from '../cluster/eks-cluster';
import { PodIdentityRole, type PodIdentityRoleProps, type PolicyStatement } from '../cluster/pod-identity-role';

/** How a client authenticates to a vector store. Never a password in configuration. */
export type VectorStoreCredentials =
  | { readonly kind: 'iam-database-auth'; readonly databaseName: string; readonly username: string }
  | { readonly kind: 'sigv4'; readonly service: 'aoss' }
  | { readonly kind: 'api-key'; readonly namespace: string; readonly secretName: string; readonly key: string };

/** What admits clients: an AWS security group, or (in the cluster) the namespace's network policies. */
export type ClientAdmission = { readonly kind: 'security-group'; readonly id: string } | { readonly kind: 'network-policy'; readonly namespace: string };

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
}

/** One Pod Identity role per client (child `Client-<namespace>-<serviceAccount>` of `scope`). */
export function createClientRoles(
  scope: Construct,
  props: Pick<DataServiceProps, 'cluster' | 'clients'>,
  workloadKind: PodIdentityRoleProps['workloadKind'],
  statements: readonly PolicyStatement[],
): ReadonlyMap<string, PodIdentityRole> {
  return new Map(
    (props.clients ?? []).map((c) => [
      clientKey(c),
      new PodIdentityRole(scope, `Client-${c.namespace}-${c.serviceAccount}`, {
        clusterName: props.cluster.clusterName,
        clusterArn: props.cluster.clusterArn,
        namespace: c.namespace,
        serviceAccount: c.serviceAccount,
        workloadKind,
        statements,
      }),
    ]),
  );
}
