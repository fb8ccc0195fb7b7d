import { CloudwatchEventRule } from '@cdktf/provider-aws/lib/cloudwatch-event-rule';
import { CloudwatchEventTarget } from '@cdktf/provider-aws/lib/cloudwatch-event-target';
import { EksAccessEntry } from '@cdktf/provider-aws/lib/eks-access-entry';
import type { IamRole } from '@cdktf/provider-aws/lib/iam-role';
import { SqsQueue } from '@cdktf/provider-aws/lib/sqs-queue';
import { SqsQueuePolicy } from '@cdktf/provider-aws/lib/sqs-queue-policy';
import { Construct } from 'constructs';
import type { EksCluster } from '../cluster/eks-cluster';
import { createNodeRole } from '../cluster/node-resources';
import { PodIdentityRole, type PolicyStatement } from '../cluster/pod-identity-role';
import { AwsContext } from '../core/aws-context';

export interface KarpenterAwsProps {
  readonly cluster: EksCluster;
  /** The cluster's name as a plain string (IAM conditions need it at synth). */
  readonly clusterName: string;
  readonly region: string;
  /** Namespace and service account of the controller. @default kube-system / karpenter */
  readonly namespace?: string;
}

/** EventBridge events that warn of node loss, routed to the interruption queue. */
const INTERRUPTION_EVENTS: Record<string, { source: string[]; 'detail-type': string[] }> = {
  ScheduledChange: { source: ['aws.health'], 'detail-type': ['AWS Health Event'] },
  SpotInterruption: { source: ['aws.ec2'], 'detail-type': ['EC2 Spot Instance Interruption Warning'] },
  Rebalance: { source: ['aws.ec2'], 'detail-type': ['EC2 Instance Rebalance Recommendation'] },
  InstanceStateChange: { source: ['aws.ec2'], 'detail-type': ['EC2 Instance State-change Notification'] },
  CapacityReservationInterruption: { source: ['aws.ec2'], 'detail-type': ['EC2 Capacity Reservation Instance Interruption Warning'] },
};

/** The detail-types routed to the interruption queue (the reference template routes the same). */
export const INTERRUPTION_DETAIL_TYPES: readonly string[] = Object.values(INTERRUPTION_EVENTS).map((e) => e['detail-type'][0]);

/**
 * What Karpenter needs on the AWS side: the node role (with an EC2_LINUX access entry, so nodes
 * it launches can join), the interruption queue fed by EventBridge, and the controller's own
 * Pod Identity role with the permissions Karpenter 1.x documents, scoped to this cluster and
 * region (tag conditions on everything it creates, tags it may set, and deletes).
 */
export class KarpenterAws extends Construct {
  static readonly SERVICE_ACCOUNT = 'karpenter';

  readonly nodeRole: IamRole;
  readonly queue: SqsQueue;
  /** Queue name, a plain string (Helm values need it at synth). */
  readonly queueName: string;
  readonly controllerRole: PodIdentityRole;
  readonly namespace: string;

  constructor(scope: Construct, id: string, props: KarpenterAwsProps) {
    super(scope, id);
    const aws = AwsContext.of(this);
    const { clusterName, region } = props;
    this.namespace = props.namespace ?? 'kube-system';

    this.nodeRole = createNodeRole(this, `gpb-karpenter-node-`, ['AmazonSSMManagedInstanceCore']).role;
    new EksAccessEntry(this, 'NodeAccess', {
      clusterName: props.cluster.clusterName,
      principalArn: this.nodeRole.arn,
      type: 'EC2_LINUX',
    });

    this.queueName = `${clusterName}-karpenter`.slice(0, 80);
    this.queue = new SqsQueue(this, 'InterruptionQueue', {
      name: this.queueName,
      messageRetentionSeconds: 300,
      sqsManagedSseEnabled: true,
    });
    new SqsQueuePolicy(this, 'InterruptionQueuePolicy', {
      queueUrl: this.queue.url,
      policy: JSON.stringify({
        Version: '2012-10-17',
        Statement: [
          {
            Sid: 'EventBridgeWrite',
            Effect: 'Allow',
            Principal: { Service: ['events.amazonaws.com', 'sqs.amazonaws.com'] },
            Action: 'sqs:SendMessage',
            Resource: this.queue.arn,
          },
          {
            Sid: 'DenyHTTP',
            Effect: 'Deny',
            Principal: '*',
            Action: 'sqs:*',
            Resource: this.queue.arn,
            Condition: { Bool: { 'aws:SecureTransport': 'false' } },
          },
        ],
      }),
    });
    for (const [name, pattern] of Object.entries(INTERRUPTION_EVENTS)) {
      const rule = new CloudwatchEventRule(this, `${name}Rule`, {
        namePrefix: `${clusterName.slice(0, 20)}-${name.slice(0, 12)}-`,
        description: `Karpenter interruption handling for ${clusterName}: ${pattern['detail-type'][0]}`,
        eventPattern: JSON.stringify(pattern),
      });
      new CloudwatchEventTarget(this, `${name}Target`, { rule: rule.name, arn: this.queue.arn, targetId: 'KarpenterInterruptionQueue' });
    }

    this.controllerRole = new PodIdentityRole(this, 'ControllerRole', {
      cluster: props.cluster,
      identity: { namespace: this.namespace, serviceAccount: KarpenterAws.SERVICE_ACCOUNT },
      workloadKind: 'controller',
      statements: controllerStatements({
        partition: aws.partition,
        accountId: aws.accountId,
        region,
        clusterName,
        nodeRoleArn: this.nodeRole.arn,
        queueArn: this.queue.arn,
      }),
    });
  }
}

interface Scope {
  partition: string;
  accountId: string;
  region: string;
  clusterName: string;
  nodeRoleArn: string;
  queueArn: string;
}

/**
 * The Karpenter controller policy of the pinned release, scoped to one cluster: the statements of
 * the reference policy in Karpenter's getting-started CloudFormation template (1.14.1: five
 * managed policies, the same statements), less zonal shift, which the blueprint does not turn on.
 * test/constructs/gpu/karpenter-reference-policy.test.ts holds it to that template.
 */
export function controllerStatements(s: Scope): PolicyStatement[] {
  const ec2 = (resource: string) => `arn:${s.partition}:ec2:${s.region}:*:${resource}`;
  const owned = {
    [`aws:RequestTag/kubernetes.io/cluster/${s.clusterName}`]: 'owned',
    'aws:RequestTag/eks:eks-cluster-name': s.clusterName,
  };
  const resourceOwned = { [`aws:ResourceTag/kubernetes.io/cluster/${s.clusterName}`]: 'owned' };
  const launched = [
    ec2('fleet/*'),
    ec2('instance/*'),
    ec2('volume/*'),
    ec2('network-interface/*'),
    ec2('launch-template/*'),
    ec2('spot-instances-request/*'),
  ];
  const instanceProfiles = `arn:${s.partition}:iam::${s.accountId}:instance-profile/*`;
  return [
    {
      Sid: 'AllowScopedEC2InstanceAccessActions',
      Effect: 'Allow',
      Action: ['ec2:RunInstances', 'ec2:CreateFleet'],
      Resource: [
        `arn:${s.partition}:ec2:${s.region}::image/*`,
        `arn:${s.partition}:ec2:${s.region}::snapshot/*`,
        ec2('security-group/*'),
        ec2('subnet/*'),
        ec2('capacity-reservation/*'),
        // Placement groups an EC2NodeClass selects (1.11+).
        ec2('placement-group/*'),
      ],
    },
    {
      Sid: 'AllowScopedEC2LaunchTemplateAccessActions',
      Effect: 'Allow',
      Action: ['ec2:RunInstances', 'ec2:CreateFleet'],
      Resource: ec2('launch-template/*'),
      Condition: { StringEquals: resourceOwned, StringLike: { 'aws:ResourceTag/karpenter.sh/nodepool': '*' } },
    },
    {
      Sid: 'AllowScopedEC2InstanceActionsWithTags',
      Effect: 'Allow',
      Action: ['ec2:RunInstances', 'ec2:CreateFleet', 'ec2:CreateLaunchTemplate'],
      Resource: launched,
      Condition: { StringEquals: owned, StringLike: { 'aws:RequestTag/karpenter.sh/nodepool': '*' } },
    },
    {
      Sid: 'AllowScopedResourceCreationTagging',
      Effect: 'Allow',
      Action: 'ec2:CreateTags',
      Resource: launched,
      Condition: {
        StringEquals: { ...owned, 'ec2:CreateAction': ['RunInstances', 'CreateFleet', 'CreateLaunchTemplate'] },
        StringLike: { 'aws:RequestTag/karpenter.sh/nodepool': '*' },
      },
    },
    {
      Sid: 'AllowScopedResourceTagging',
      Effect: 'Allow',
      Action: 'ec2:CreateTags',
      Resource: ec2('instance/*'),
      Condition: {
        StringEquals: resourceOwned,
        StringLike: { 'aws:ResourceTag/karpenter.sh/nodepool': '*' },
        StringEqualsIfExists: { 'aws:RequestTag/eks:eks-cluster-name': s.clusterName },
        'ForAllValues:StringEquals': { 'aws:TagKeys': ['eks:eks-cluster-name', 'karpenter.sh/nodeclaim', 'Name'] },
      },
    },
    {
      Sid: 'AllowScopedDeletion',
      Effect: 'Allow',
      Action: ['ec2:TerminateInstances', 'ec2:DeleteLaunchTemplate'],
      Resource: [ec2('instance/*'), ec2('launch-template/*')],
      Condition: { StringEquals: resourceOwned, StringLike: { 'aws:ResourceTag/karpenter.sh/nodepool': '*' } },
    },
    {
      Sid: 'AllowRegionalReadActions',
      Effect: 'Allow',
      Action: [
        'ec2:DescribeCapacityReservations',
        'ec2:DescribeImages',
        'ec2:DescribeInstances',
        // The interruption controller's instance status health checks (required from 1.12).
        'ec2:DescribeInstanceStatus',
        'ec2:DescribeInstanceTypeOfferings',
        'ec2:DescribeInstanceTypes',
        'ec2:DescribeLaunchTemplates',
        'ec2:DescribePlacementGroups',
        'ec2:DescribeSecurityGroups',
        'ec2:DescribeSpotPriceHistory',
        'ec2:DescribeSubnets',
      ],
      Resource: '*',
      Condition: { StringEquals: { 'aws:RequestedRegion': s.region } },
    },
    {
      Sid: 'AllowSSMReadActions',
      Effect: 'Allow',
      Action: 'ssm:GetParameter',
      Resource: `arn:${s.partition}:ssm:${s.region}::parameter/aws/service/*`,
    },
    { Sid: 'AllowPricingReadActions', Effect: 'Allow', Action: 'pricing:GetProducts', Resource: '*' },
    {
      Sid: 'AllowInterruptionQueueActions',
      Effect: 'Allow',
      Action: ['sqs:DeleteMessage', 'sqs:GetQueueUrl', 'sqs:ReceiveMessage'],
      Resource: s.queueArn,
    },
    {
      Sid: 'AllowPassingInstanceRole',
      Effect: 'Allow',
      Action: 'iam:PassRole',
      Resource: s.nodeRoleArn,
      // EC2's service principal is ec2.amazonaws.com.cn in the China partition (the reference policy names both).
      Condition: { StringEquals: { 'iam:PassedToService': ['ec2.amazonaws.com', 'ec2.amazonaws.com.cn'] } },
    },
    {
      Sid: 'AllowScopedInstanceProfileCreationActions',
      Effect: 'Allow',
      Action: 'iam:CreateInstanceProfile',
      Resource: instanceProfiles,
      Condition: {
        StringEquals: { ...owned, 'aws:RequestTag/topology.kubernetes.io/region': s.region },
        StringLike: { 'aws:RequestTag/karpenter.k8s.aws/ec2nodeclass': '*' },
      },
    },
    {
      Sid: 'AllowScopedInstanceProfileTagActions',
      Effect: 'Allow',
      Action: 'iam:TagInstanceProfile',
      Resource: instanceProfiles,
      Condition: {
        StringEquals: {
          ...resourceOwned,
          'aws:ResourceTag/topology.kubernetes.io/region': s.region,
          ...owned,
          'aws:RequestTag/topology.kubernetes.io/region': s.region,
        },
        StringLike: { 'aws:ResourceTag/karpenter.k8s.aws/ec2nodeclass': '*', 'aws:RequestTag/karpenter.k8s.aws/ec2nodeclass': '*' },
      },
    },
    {
      Sid: 'AllowScopedInstanceProfileActions',
      Effect: 'Allow',
      Action: ['iam:AddRoleToInstanceProfile', 'iam:RemoveRoleFromInstanceProfile', 'iam:DeleteInstanceProfile'],
      Resource: instanceProfiles,
      Condition: {
        StringEquals: { ...resourceOwned, 'aws:ResourceTag/topology.kubernetes.io/region': s.region },
        StringLike: { 'aws:ResourceTag/karpenter.k8s.aws/ec2nodeclass': '*' },
      },
    },
    { Sid: 'AllowInstanceProfileReadActions', Effect: 'Allow', Action: 'iam:GetInstanceProfile', Resource: instanceProfiles },
    { Sid: 'AllowUnscopedInstanceProfileListAction', Effect: 'Allow', Action: 'iam:ListInstanceProfiles', Resource: '*' },
    {
      Sid: 'AllowAPIServerEndpointDiscovery',
      Effect: 'Allow',
      Action: 'eks:DescribeCluster',
      Resource: `arn:${s.partition}:eks:${s.region}:${s.accountId}:cluster/${s.clusterName}`,
    },
  ];
}
