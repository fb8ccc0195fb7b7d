import { Construct } from 'constructs';
import type { EksCluster } from './eks-cluster';
import { PodIdentityRole, type PodIdentityRoleProps, type PolicyStatement } from './pod-identity-role';

import { identityKey, type WorkloadIdentity } from '../../model/workload-identity';

export { identityKey, type WorkloadIdentity };

export interface WorkloadIdentitiesProps {
  /** The cluster whose pods assume the roles (trust is limited to it). */
  readonly cluster: EksCluster;
}

/**
 * The Pod Identity roles of a stack's workloads, one per identity. EKS allows one Pod Identity
 * association per cluster, namespace and service account, so a workload that uses several
 * services (the gateway: the cache and the vector store) gets one role holding every grant,
 * never a role per service. Children `<namespace>-<serviceAccount>`.
 */
export class WorkloadIdentities extends Construct {
  private readonly roles = new Map<string, PodIdentityRole>();

  constructor(
    scope: Construct,
    id: string,
    private readonly props: WorkloadIdentitiesProps,
  ) {
    super(scope, id);
  }

  /**
   * Grants `statements` to the identity's role, creating the role (and its association) on the
   * first grant. `workloadKind` tags the role (policy rules read it); grants that name another
   * kind than the role has are refused.
   */
  grant(
    identity: WorkloadIdentity,
    statements: readonly PolicyStatement[],
    workloadKind?: PodIdentityRoleProps['workloadKind'],
  ): PodIdentityRole {
    const key = identityKey(identity);
    const existing = this.roles.get(key);
    if (existing) {
      existing.addStatements(...statements);
      return existing;
    }
    const role = new PodIdentityRole(this, `${identity.namespace}-${identity.serviceAccount}`, {
      cluster: this.props.cluster,
      identity,
      workloadKind,
      statements,
    });
    this.roles.set(key, role);
    return role;
  }

  /** The identity's role, when something was granted to it. */
  roleOf(identity: WorkloadIdentity): PodIdentityRole | undefined {
    return this.roles.get(identityKey(identity));
  }
}
