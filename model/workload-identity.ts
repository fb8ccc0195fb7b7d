/**
 * Workload identities: the service account a workload's pods run as, in its namespace. EKS
 * allows one Pod Identity association per cluster, namespace and service account, so roles are
 * keyed by this (constructs/cluster/workload-identities.ts) and the schema checks grants by it.
 */

/** A workload's identity in the cluster: the service account its pods run as. */
export interface WorkloadIdentity {
  readonly namespace: string;
  readonly serviceAccount: string;
}

export const identityKey = (i: WorkloadIdentity): string => `${i.namespace}/${i.serviceAccount}`;

/** The LLM gateway: namespace `gpb-gateway` (the platform layer's network policies open it to the VPC), service account `gateway` (data-layer roles, e.g. the cache client, trust it). */
export const GATEWAY_IDENTITY = { namespace: 'gpb-gateway', serviceAccount: 'gateway' } as const satisfies WorkloadIdentity;
