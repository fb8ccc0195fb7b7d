import { EksPodIdentityAssociation } from '@cdktf/provider-aws/lib/eks-pod-identity-association';
import { IamRole } from '@cdktf/provider-aws/lib/iam-role';
import { IamRolePolicy } from '@cdktf/provider-aws/lib/iam-role-policy';
import { IamRolePolicyAttachment } from '@cdktf/provider-aws/lib/iam-role-policy-attachment';
import { Construct, type IConstruct } from 'constructs';
import { AwsContext } from '../core/aws-context';
import { Lazy, Token } from '../core/cdktf';
import { moveFromPath } from '../core/moved';
import { BlueprintError } from '../../model/errors';
import { identityKey, type WorkloadIdentity } from '../../model/workload-identity';

/** A statement of an IAM policy document. */
export interface PolicyStatement {
  readonly Sid?: string;
  readonly Effect: 'Allow' | 'Deny';
  readonly Action: string | readonly string[];
  readonly Resource: string | readonly string[];
  readonly Condition?: Readonly<Record<string, Readonly<Record<string, string | readonly string[]>>>>;
}

/** The EKS cluster a Pod Identity role is for (an EksCluster, or any object with its name and ARN). */
export interface IPodIdentityCluster {
  readonly clusterName: string;
  /** Trust is limited to this cluster. */
  readonly clusterArn: string;
}

/**
 * The service accounts that hold a Pod Identity association, per cluster object: EKS allows one
 * association per cluster, namespace and service account, and refuses a second at apply, after
 * other resources changed. Every stack of an app shares the one EksCluster object, so a second
 * role for an identity is refused at synth, naming both construct paths. Kept per app (the
 * construct tree's root), so two apps in one process never see each other's roles.
 */
const associated = new WeakMap<IConstruct, WeakMap<IPodIdentityCluster, Map<string, string>>>();

function claimsOf(scope: IConstruct, cluster: IPodIdentityCluster): Map<string, string> {
  const perApp = associated.get(scope.node.root) ?? new WeakMap<IPodIdentityCluster, Map<string, string>>();
  associated.set(scope.node.root, perApp);
  const claims = perApp.get(cluster) ?? new Map<string, string>();
  perApp.set(cluster, claims);
  return claims;
}

export interface PodIdentityRoleProps {
  /** The cluster the pods run in. */
  readonly cluster: IPodIdentityCluster;
  /** The service account (in its namespace) that assumes the role. */
  readonly identity: WorkloadIdentity;
  /** Inline permissions, scoped to the workload's own resources. @default - none */
  readonly statements?: readonly PolicyStatement[];
  /** AWS managed policies by name, e.g. `AmazonEBSCSIDriverPolicy`. @default - none */
  readonly managedPolicies?: readonly string[];
  /**
   * What kind of workload assumes the role, as tag `gpb.io/workload-kind` (policy rules read it:
   * `model-server` roles may only read model weights, GPB-AI-005).
   * @default - no tag
   */
  readonly workloadKind?: 'model-server' | 'gateway' | 'collector' | 'controller' | 'vector-store';
  /** Permissions boundary for the role. @default - none */
  readonly permissionsBoundaryArn?: string;
  /**
   * Create the Pod Identity association. Turn off when an EKS add-on associates the role itself
   * (its `pod_identity_association` block).
   * @default true
   */
  readonly associate?: boolean;
}

/**
 * An IAM role one Kubernetes service account assumes through EKS Pod Identity: trusted by
 * `pods.eks.amazonaws.com` for this account and cluster only, with its own permissions.
 */
export class PodIdentityRole extends Construct {
  readonly resource: IamRole;
  readonly roleArn: string;
  readonly namespace: string;
  readonly serviceAccount: string;
  readonly identity: WorkloadIdentity;

  /** The inline policy's statements; grows with {@link addStatements}. */
  private readonly statements: PolicyStatement[] = [];
  private policy?: IamRolePolicy;
  private association?: EksPodIdentityAssociation;

  constructor(scope: Construct, id: string, props: PodIdentityRoleProps) {
    super(scope, id);
    const { cluster, identity } = props;
    const who = `PodIdentityRole '${id}' (${identityKey(identity)})`;
    const statements = props.statements ?? [];
    const managed = props.managedPolicies ?? [];
    if (statements.length === 0 && managed.length === 0) {
      throw new BlueprintError(`${who}: give 'statements' or 'managedPolicies'; a role with no permissions is a mistake`);
    }
    // An add-on's own association (associate: false) still takes the service account.
    const claims = claimsOf(this, cluster);
    const earlier = claims.get(identityKey(identity));
    if (earlier !== undefined) {
      throw new BlueprintError(
        `${who}: service account ${identityKey(identity)} already has a Pod Identity role in this cluster (${earlier}); EKS allows one association per service account: grant to that role instead (WorkloadIdentities.grant)`,
      );
    }
    claims.set(identityKey(identity), this.node.path);
    const aws = AwsContext.of(this);
    this.identity = identity;
    this.namespace = identity.namespace;
    this.serviceAccount = identity.serviceAccount;
    this.resource = new IamRole(this, 'Resource', {
      namePrefix: `${namePart(cluster.clusterName, 20)}-${namePart(identity.serviceAccount, 8)}-`,
      description: `Pod Identity: ${identity.namespace}/${identity.serviceAccount} in ${cluster.clusterName}`,
      permissionsBoundary: props.permissionsBoundaryArn,
      assumeRolePolicy: JSON.stringify({
        Version: '2012-10-17',
        Statement: [
          {
            Effect: 'Allow',
            Principal: { Service: 'pods.eks.amazonaws.com' },
            Action: ['sts:AssumeRole', 'sts:TagSession'],
            Condition: {
              StringEquals: { 'aws:SourceAccount': aws.accountId },
              ArnEquals: { 'aws:SourceArn': cluster.clusterArn },
            },
          },
        ],
      }),
      tags: {
        'gpb.io/service-account': `${identity.namespace}.${identity.serviceAccount}`,
        ...(props.workloadKind ? { 'gpb.io/workload-kind': props.workloadKind } : {}),
      },
    });
    this.roleArn = this.resource.arn;
    this.addStatements(...statements);
    managed.forEach((name) => {
      new IamRolePolicyAttachment(this, `Managed-${name}`, {
        role: this.resource.name,
        policyArn: `arn:${aws.partition}:iam::aws:policy/${name}`,
      });
    });
    if (props.associate ?? true) {
      this.association = new EksPodIdentityAssociation(this, 'Association', {
        clusterName: cluster.clusterName,
        namespace: identity.namespace,
        serviceAccount: identity.serviceAccount,
        roleArn: this.roleArn,
      });
    }
  }

  /**
   * Adds permissions to the role's inline policy: every grant a workload needs goes to its one
   * role (EKS allows one Pod Identity association per service account).
   */
  addStatements(...statements: readonly PolicyStatement[]): void {
    const who = `PodIdentityRole '${this.node.id}' (${this.namespace}/${this.serviceAccount})`;
    for (const s of statements) {
      const actions = ([] as string[]).concat(s.Action as string[]);
      const resources = ([] as string[]).concat(s.Resource as string[]);
      if (s.Effect === 'Allow' && actions.includes('*') && resources.includes('*')) {
        throw new BlueprintError(`${who}: a statement allows action '*' on resource '*'; name the actions and resources it needs`);
      }
      if (s.Sid !== undefined && this.statements.some((t) => t.Sid === s.Sid)) {
        throw new BlueprintError(`${who}: two statements have Sid '${s.Sid}'; IAM requires Sids to be unique within a policy`);
      }
      this.statements.push(s);
    }
    if (this.statements.length > 0 && !this.policy) {
      this.policy = new IamRolePolicy(this, 'Policy', {
        role: this.resource.id,
        name: 'workload',
        policy: Lazy.stringValue({ produce: () => JSON.stringify({ Version: '2012-10-17', Statement: this.statements }) }),
      });
    }
  }

  /**
   * Keeps the state of a role that used to live at `oldPath` (construct ids below the stack):
   * `moved` blocks for the role, its inline policy and its association.
   */
  movedFrom(oldPath: readonly string[]): void {
    moveFromPath(this.resource, [...oldPath, 'Resource']);
    if (this.policy) moveFromPath(this.policy, [...oldPath, 'Policy']);
    if (this.association) moveFromPath(this.association, [...oldPath, 'Association']);
  }
}

/** A readable piece of a role name; a token (known only at apply) cannot be cut, so it is left out. */
function namePart(s: string, n: number): string {
  if (Token.isUnresolved(s)) return 'gpb';
  return s.length <= n ? s : s.slice(0, n);
}
