import { EksPodIdentityAssociation } from '@cdktf/provider-aws/lib/eks-pod-identity-association';
import { IamRole } from '@cdktf/provider-aws/lib/iam-role';
import { IamRolePolicy } from '@cdktf/provider-aws/lib/iam-role-policy';
import { IamRolePolicyAttachment } from '@cdktf/provider-aws/lib/iam-role-policy-attachment';
import { Construct } from 'constructs';
import { AwsContext } from '../core/aws-context';
import { Lazy, Token } from '../core/cdktf';
import { moveFromPath } from '../core/moved';
import { BlueprintError } from '../../model/errors';

/** A statement of an IAM policy document. */
export interface PolicyStatement {
  readonly Sid?: string;
  readonly Effect: 'Allow' | 'Deny';
  readonly Action: string | readonly string[];
  readonly Resource: string | readonly string[];
  readonly Condition?: Readonly<Record<string, Readonly<Record<string, string | readonly string[]>>>>;
}

export interface PodIdentityRoleProps {
  /** Name of the EKS cluster the pods run in. */
  readonly clusterName: string;
  /** ARN of that cluster (trust is limited to it). */
  readonly clusterArn: string;
  readonly namespace: string;
  readonly serviceAccount: string;
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

  /** The inline policy's statements; grows with {@link addStatements}. */
  private readonly statements: PolicyStatement[] = [];
  private policy?: IamRolePolicy;
  private association?: EksPodIdentityAssociation;

  constructor(scope: Construct, id: string, props: PodIdentityRoleProps) {
    super(scope, id);
    const statements = props.statements ?? [];
    const managed = props.managedPolicies ?? [];
    if (statements.length === 0 && managed.length === 0) {
      throw new BlueprintError(
        `PodIdentityRole '${id}' (${props.namespace}/${props.serviceAccount}): give 'statements' or 'managedPolicies'; a role with no permissions is a mistake`,
      );
    }
    const aws = AwsContext.of(this);
    this.namespace = props.namespace;
    this.serviceAccount = props.serviceAccount;
    this.resource = new IamRole(this, 'Resource', {
      namePrefix: `${namePart(props.clusterName, 20)}-${namePart(props.serviceAccount, 8)}-`,
      description: `Pod Identity: ${props.namespace}/${props.serviceAccount} in ${props.clusterName}`,
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
              ArnEquals: { 'aws:SourceArn': props.clusterArn },
            },
          },
        ],
      }),
      tags: {
        'gpb.io/service-account': `${props.namespace}.${props.serviceAccount}`,
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
        clusterName: props.clusterName,
        namespace: props.namespace,
        serviceAccount: props.serviceAccount,
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
