import { CloudwatchLogGroup } from '@cdktf/provider-aws/lib/cloudwatch-log-group';
import { EksAccessEntry } from '@cdktf/provider-aws/lib/eks-access-entry';
import { EksAccessPolicyAssociation } from '@cdktf/provider-aws/lib/eks-access-policy-association';
import { EksCluster as EksClusterResource } from '@cdktf/provider-aws/lib/eks-cluster';
import { IamOpenidConnectProvider } from '@cdktf/provider-aws/lib/iam-openid-connect-provider';
import { IamRole } from '@cdktf/provider-aws/lib/iam-role';
import { IamRolePolicyAttachment } from '@cdktf/provider-aws/lib/iam-role-policy-attachment';
import { KmsAlias } from '@cdktf/provider-aws/lib/kms-alias';
import { KmsKey } from '@cdktf/provider-aws/lib/kms-key';
import { Construct } from 'constructs';
import { AwsContext } from '../core/aws-context';
import type { ILogsKey } from '../core/logs-kms-key';
import { Token } from '../core/cdktf';
import { BlueprintError, show } from '../../model/errors';
import type { KubernetesVersion } from '../../model/addon-catalog';
import { DEFAULTS } from '../../model/defaults';

/** EKS access policies an access entry can be granted, by short name. */
export type AccessPolicy = 'cluster-admin' | 'admin' | 'edit' | 'view';

const ACCESS_POLICY_NAMES: Record<AccessPolicy, string> = {
  'cluster-admin': 'AmazonEKSClusterAdminPolicy',
  admin: 'AmazonEKSAdminPolicy',
  edit: 'AmazonEKSEditPolicy',
  view: 'AmazonEKSViewPolicy',
};

export interface EksClusterProps {
  readonly clusterName: string;
  readonly kubernetesVersion: KubernetesVersion;
  /**
   * EKS support type. 'standard' lets EKS upgrade the cluster when standard support ends;
   * 'extended' keeps the version, at six times the control plane's price. @default 'standard'
   */
  readonly supportType?: 'standard' | 'extended';
  readonly subnetIds: string[];
  /** The private endpoint is always on. @default false */
  readonly endpointPublicAccess?: boolean;
  /** Required (non-empty) when endpointPublicAccess is true. @default [] */
  readonly publicAccessCidrs?: readonly string[];
  /** @default '172.20.0.0/16' */
  readonly serviceIpv4Cidr?: string;
  /** @default - all five control plane log types */
  readonly controlPlaneLogTypes?: readonly string[];
  /** Retention of the control plane log group. */
  readonly logRetentionDays: number;
  /** KMS key (allowed for CloudWatch Logs) for the control plane log group. */
  readonly logsKey: ILogsKey;
  /** @default 30 */
  readonly kmsDeletionWindowDays?: number;
  /**
   * Refuse to destroy the cluster (Terraform `prevent_destroy`): a plan that would delete or
   * replace it fails instead.
   * @default false
   */
  readonly preventDestroy?: boolean;
}

/**
 * An EKS cluster with KMS envelope encryption of Secrets, control plane logs to an encrypted
 * log group with retention, a private API endpoint (public only with an allow list),
 * access entries as the only authentication mode, and an IAM OIDC provider for workloads that
 * cannot use Pod Identity yet.
 */
export class EksCluster extends Construct {
  readonly resource: EksClusterResource;
  readonly clusterName: string;
  readonly clusterArn: string;
  readonly endpoint: string;
  readonly certificateAuthorityData: string;
  /** Security group EKS created for the control plane and managed nodes. */
  readonly clusterSecurityGroupId: string;
  readonly oidcProviderArn: string;
  readonly secretsKey: KmsKey;
  readonly kubernetesVersion: KubernetesVersion;

  constructor(scope: Construct, id: string, props: EksClusterProps) {
    super(scope, id);
    const publicAccess = props.endpointPublicAccess ?? false;
    const allow = props.publicAccessCidrs ?? [];
    if (publicAccess && allow.length === 0) {
      throw new BlueprintError(
        `EksCluster '${props.clusterName}': 'publicAccessCidrs' ([]) must list at least one CIDR when 'endpointPublicAccess' is true; EKS would otherwise open the API to 0.0.0.0/0`,
      );
    }
    if (!publicAccess && allow.length > 0) {
      throw new BlueprintError(
        `EksCluster '${props.clusterName}': 'publicAccessCidrs' ${show(allow)} has no effect while 'endpointPublicAccess' is false`,
      );
    }
    const aws = AwsContext.of(this);
    this.kubernetesVersion = props.kubernetesVersion;

    this.secretsKey = new KmsKey(this, 'SecretsKey', {
      description: `EKS ${props.clusterName}: envelope encryption of Kubernetes Secrets`,
      enableKeyRotation: true,
      deletionWindowInDays: props.kmsDeletionWindowDays ?? DEFAULTS.cluster.kmsDeletionWindowDays,
    });
    new KmsAlias(this, 'SecretsKeyAlias', {
      name: `alias/gpb/${props.clusterName}/eks-secrets`,
      targetKeyId: this.secretsKey.keyId,
    });

    const role = new IamRole(this, 'ClusterRole', {
      namePrefix: `${props.clusterName.slice(0, 24)}-cluster-`,
      assumeRolePolicy: JSON.stringify({
        Version: '2012-10-17',
        Statement: [
          {
            Effect: 'Allow',
            Principal: { Service: 'eks.amazonaws.com' },
            Action: ['sts:AssumeRole', 'sts:TagSession'],
          },
        ],
      }),
    });
    const clusterPolicy = new IamRolePolicyAttachment(this, 'ClusterPolicy', {
      role: role.name,
      policyArn: `arn:${aws.partition}:iam::aws:policy/AmazonEKSClusterPolicy`,
    });

    // EKS writes to /aws/eks/<name>/cluster; owning it gives it retention and encryption.
    const logGroup = new CloudwatchLogGroup(this, 'ControlPlaneLogs', {
      name: `/aws/eks/${props.clusterName}/cluster`,
      retentionInDays: props.logRetentionDays,
      kmsKeyId: props.logsKey.keyArn,
    });

    this.resource = new EksClusterResource(this, 'Resource', {
      name: props.clusterName,
      version: props.kubernetesVersion,
      roleArn: role.arn,
      enabledClusterLogTypes: [...(props.controlPlaneLogTypes ?? ['api', 'audit', 'authenticator', 'controllerManager', 'scheduler'])],
      accessConfig: {
        authenticationMode: 'API',
        bootstrapClusterCreatorAdminPermissions: false,
      },
      encryptionConfig: {
        resources: ['secrets'],
        provider: { keyArn: this.secretsKey.arn },
      },
      vpcConfig: {
        subnetIds: props.subnetIds,
        endpointPrivateAccess: true,
        endpointPublicAccess: publicAccess,
        publicAccessCidrs: publicAccess ? [...allow] : undefined,
      },
      kubernetesNetworkConfig: {
        ipFamily: 'ipv4',
        serviceIpv4Cidr: props.serviceIpv4Cidr ?? '172.20.0.0/16',
      },
      // Extended support costs six times as much: only when the environment opts in (its
      // version past standard support), never EKS's default (EXTENDED).
      upgradePolicy: { supportType: props.supportType === 'extended' ? 'EXTENDED' : 'STANDARD' },
      dependsOn: [clusterPolicy, logGroup],
      lifecycle: props.preventDestroy ? { preventDestroy: true } : undefined,
    });

    this.clusterName = this.resource.name;
    this.clusterArn = this.resource.arn;
    this.endpoint = this.resource.endpoint;
    this.certificateAuthorityData = this.resource.certificateAuthority.get(0).data;
    this.clusterSecurityGroupId = this.resource.vpcConfig.clusterSecurityGroupId;

    const oidc = new IamOpenidConnectProvider(this, 'OidcProvider', {
      url: this.resource.identity.get(0).oidc.get(0).issuer,
      clientIdList: ['sts.amazonaws.com'],
    });
    this.oidcProviderArn = oidc.arn;
  }

  /**
   * Lets an IAM principal into the cluster through an EKS access entry with one access policy,
   * cluster-wide.
   */
  grantAccess(id: string, principalArn: string, policy: AccessPolicy): EksAccessEntry {
    if (!Token.isUnresolved(principalArn) && !/^arn:aws[a-z-]*:iam::\d{12}:(role|user)\//.test(principalArn)) {
      throw new BlueprintError(`EksCluster.grantAccess('${id}'): 'principalArn' ${show(principalArn)} must be an IAM role or user ARN`);
    }
    const aws = AwsContext.of(this);
    const entry = new EksAccessEntry(this, `Access-${id}`, {
      clusterName: this.clusterName,
      principalArn,
      type: 'STANDARD',
    });
    new EksAccessPolicyAssociation(this, `Access-${id}-Policy`, {
      clusterName: this.clusterName,
      principalArn: entry.principalArn,
      policyArn: `arn:${aws.partition}:eks::aws:cluster-access-policy/${ACCESS_POLICY_NAMES[policy]}`,
      accessScope: { type: 'cluster' },
    });
    return entry;
  }
}
