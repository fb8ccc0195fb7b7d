import { Release } from '@cdktf/provider-helm/lib/release';
import { Construct } from 'constructs';
import { AwsContext } from '../core/aws-context';
import { type IPodIdentityCluster, PodIdentityRole, type PolicyStatement } from './pod-identity-role';
import { SYSTEM_POOL_LABEL } from './system-node-group';
import { CHARTS } from '../../model/pins';

/** Pinned AWS Load Balancer Controller chart (eks-charts 1.13.x ships controller v2.13). */
export const LOAD_BALANCER_CONTROLLER_VERSION = CHARTS.loadBalancerController.version;
export const LOAD_BALANCER_CONTROLLER_NAMESPACE = 'kube-system';
export const LOAD_BALANCER_CONTROLLER_SERVICE_ACCOUNT = 'aws-load-balancer-controller';
/** Tag the controller puts on everything it creates; its write permissions require it. */
const CLUSTER_TAG = 'elbv2.k8s.aws/cluster';

/**
 * What the controller (v2.13) needs, after its published policy, with one tightening: writes to
 * load balancers, target groups and security groups require the cluster tag to name *this*
 * cluster, not merely to exist, so two clusters in an account cannot touch each other's.
 */
export function loadBalancerControllerStatements(clusterName: string, partition: string): PolicyStatement[] {
  const elb = (path: string) => `arn:${partition}:elasticloadbalancing:*:*:${path}`;
  const ownRequest = { StringEquals: { [`aws:RequestTag/${CLUSTER_TAG}`]: clusterName } };
  const ownResource = { StringEquals: { [`aws:ResourceTag/${CLUSTER_TAG}`]: clusterName } };
  const lbAndTg = [elb('targetgroup/*/*'), elb('loadbalancer/net/*/*'), elb('loadbalancer/app/*/*')];
  return [
    {
      Sid: 'ServiceLinkedRole',
      Effect: 'Allow',
      Action: 'iam:CreateServiceLinkedRole',
      Resource: '*',
      Condition: { StringEquals: { 'iam:AWSServiceName': 'elasticloadbalancing.amazonaws.com' } },
    },
    {
      Sid: 'Describe',
      Effect: 'Allow',
      Action: [
        'ec2:DescribeAccountAttributes',
        'ec2:DescribeAddresses',
        'ec2:DescribeAvailabilityZones',
        'ec2:DescribeInternetGateways',
        'ec2:DescribeVpcs',
        'ec2:DescribeVpcPeeringConnections',
        'ec2:DescribeSubnets',
        'ec2:DescribeSecurityGroups',
        'ec2:DescribeInstances',
        'ec2:DescribeNetworkInterfaces',
        'ec2:DescribeTags',
        'ec2:GetCoipPoolUsage',
        'ec2:DescribeCoipPools',
        'ec2:GetSecurityGroupsForVpc',
        'ec2:DescribeIpamPools',
        'ec2:DescribeRouteTables',
        'elasticloadbalancing:DescribeLoadBalancers',
        'elasticloadbalancing:DescribeLoadBalancerAttributes',
        'elasticloadbalancing:DescribeListeners',
        'elasticloadbalancing:DescribeListenerCertificates',
        'elasticloadbalancing:DescribeSSLPolicies',
        'elasticloadbalancing:DescribeRules',
        'elasticloadbalancing:DescribeTargetGroups',
        'elasticloadbalancing:DescribeTargetGroupAttributes',
        'elasticloadbalancing:DescribeTargetHealth',
        'elasticloadbalancing:DescribeTags',
        'elasticloadbalancing:DescribeTrustStores',
        'elasticloadbalancing:DescribeListenerAttributes',
        'elasticloadbalancing:DescribeCapacityReservation',
      ],
      Resource: '*',
    },
    {
      Sid: 'CertificatesAndWaf',
      Effect: 'Allow',
      Action: [
        'cognito-idp:DescribeUserPoolClient',
        'acm:ListCertificates',
        'acm:DescribeCertificate',
        'iam:ListServerCertificates',
        'iam:GetServerCertificate',
        'waf-regional:GetWebACL',
        'waf-regional:GetWebACLForResource',
        'waf-regional:AssociateWebACL',
        'waf-regional:DisassociateWebACL',
        'wafv2:GetWebACL',
        'wafv2:GetWebACLForResource',
        'wafv2:AssociateWebACL',
        'wafv2:DisassociateWebACL',
        'shield:GetSubscriptionState',
        'shield:DescribeProtection',
        'shield:CreateProtection',
        'shield:DeleteProtection',
      ],
      Resource: '*',
    },
    // Ingress rules on the node/cluster security groups so the ALB reaches its targets.
    {
      Sid: 'TargetSecurityGroupRules',
      Effect: 'Allow',
      Action: ['ec2:AuthorizeSecurityGroupIngress', 'ec2:RevokeSecurityGroupIngress'],
      Resource: '*',
    },
    { Sid: 'CreateSecurityGroup', Effect: 'Allow', Action: 'ec2:CreateSecurityGroup', Resource: '*' },
    {
      Sid: 'TagNewSecurityGroup',
      Effect: 'Allow',
      Action: 'ec2:CreateTags',
      Resource: `arn:${partition}:ec2:*:*:security-group/*`,
      Condition: { StringEquals: { 'ec2:CreateAction': 'CreateSecurityGroup', [`aws:RequestTag/${CLUSTER_TAG}`]: clusterName } },
    },
    {
      Sid: 'OwnSecurityGroups',
      Effect: 'Allow',
      Action: [
        'ec2:CreateTags',
        'ec2:DeleteTags',
        'ec2:AuthorizeSecurityGroupIngress',
        'ec2:RevokeSecurityGroupIngress',
        'ec2:DeleteSecurityGroup',
      ],
      Resource: `arn:${partition}:ec2:*:*:security-group/*`,
      Condition: ownResource,
    },
    {
      Sid: 'CreateOwnLoadBalancers',
      Effect: 'Allow',
      Action: ['elasticloadbalancing:CreateLoadBalancer', 'elasticloadbalancing:CreateTargetGroup'],
      Resource: '*',
      Condition: ownRequest,
    },
    {
      Sid: 'TagOnCreate',
      Effect: 'Allow',
      Action: 'elasticloadbalancing:AddTags',
      Resource: lbAndTg,
      Condition: {
        StringEquals: {
          'elasticloadbalancing:CreateAction': ['CreateTargetGroup', 'CreateLoadBalancer'],
          [`aws:RequestTag/${CLUSTER_TAG}`]: clusterName,
        },
      },
    },
    {
      Sid: 'OwnLoadBalancers',
      Effect: 'Allow',
      Action: [
        'elasticloadbalancing:ModifyLoadBalancerAttributes',
        'elasticloadbalancing:SetIpAddressType',
        'elasticloadbalancing:SetSecurityGroups',
        'elasticloadbalancing:SetSubnets',
        'elasticloadbalancing:DeleteLoadBalancer',
        'elasticloadbalancing:ModifyTargetGroup',
        'elasticloadbalancing:ModifyTargetGroupAttributes',
        'elasticloadbalancing:DeleteTargetGroup',
        'elasticloadbalancing:ModifyCapacityReservation',
        'elasticloadbalancing:ModifyIpPools',
      ],
      Resource: lbAndTg,
      Condition: ownResource,
    },
    {
      // Retagging its own load balancers and target groups, never the cluster tag itself
      // (upstream: aws:RequestTag/<cluster tag> must be absent).
      Sid: 'TagOwnLoadBalancers',
      Effect: 'Allow',
      Action: ['elasticloadbalancing:AddTags', 'elasticloadbalancing:RemoveTags'],
      Resource: lbAndTg,
      Condition: { ...ownResource, Null: { [`aws:RequestTag/${CLUSTER_TAG}`]: 'true' } },
    },
    // Listener attributes belong to listeners (upstream grants it on the tagged resource, any type).
    {
      Sid: 'OwnListenerAttributes',
      Effect: 'Allow',
      Action: 'elasticloadbalancing:ModifyListenerAttributes',
      Resource: [elb('listener/net/*/*/*'), elb('listener/app/*/*/*')],
      Condition: ownResource,
    },
    {
      Sid: 'ListenersAndRules',
      Effect: 'Allow',
      Action: [
        'elasticloadbalancing:CreateListener',
        'elasticloadbalancing:DeleteListener',
        'elasticloadbalancing:CreateRule',
        'elasticloadbalancing:DeleteRule',
        'elasticloadbalancing:ModifyListener',
        'elasticloadbalancing:AddListenerCertificates',
        'elasticloadbalancing:RemoveListenerCertificates',
        'elasticloadbalancing:ModifyRule',
        'elasticloadbalancing:SetRulePriorities',
        'elasticloadbalancing:SetWebAcl',
      ],
      Resource: [
        elb('loadbalancer/app/*/*'),
        elb('loadbalancer/net/*/*'),
        elb('listener/net/*/*/*'),
        elb('listener/app/*/*/*'),
        elb('listener-rule/net/*/*/*'),
        elb('listener-rule/app/*/*/*'),
      ],
    },
    // Tags on listeners and rules only: on load balancers they need the ownership conditions above.
    {
      Sid: 'TagListenersAndRules',
      Effect: 'Allow',
      Action: ['elasticloadbalancing:AddTags', 'elasticloadbalancing:RemoveTags'],
      Resource: [elb('listener/net/*/*/*'), elb('listener/app/*/*/*'), elb('listener-rule/net/*/*/*'), elb('listener-rule/app/*/*/*')],
    },
    {
      Sid: 'Targets',
      Effect: 'Allow',
      Action: ['elasticloadbalancing:RegisterTargets', 'elasticloadbalancing:DeregisterTargets'],
      Resource: elb('targetgroup/*/*'),
    },
  ];
}

export interface LoadBalancerControllerAwsProps {
  /** The cluster whose load balancers the controller manages (and whose pods assume its role). */
  readonly cluster: IPodIdentityCluster;
}

/** The controller's Pod Identity role (cluster layer): ALBs and NLBs of this cluster only. */
export class LoadBalancerControllerAws extends Construct {
  readonly role: PodIdentityRole;

  constructor(scope: Construct, id: string, props: LoadBalancerControllerAwsProps) {
    super(scope, id);
    this.role = new PodIdentityRole(this, 'Role', {
      cluster: props.cluster,
      identity: { namespace: LOAD_BALANCER_CONTROLLER_NAMESPACE, serviceAccount: LOAD_BALANCER_CONTROLLER_SERVICE_ACCOUNT },
      workloadKind: 'controller',
      statements: loadBalancerControllerStatements(props.cluster.clusterName, AwsContext.of(this).partition),
    });
  }
}

export interface LoadBalancerControllerProps {
  readonly clusterName: string;
  readonly region: string;
  readonly vpcId: string;
}

/**
 * The AWS Load Balancer Controller (platform layer): turns Ingresses of class `alb` into ALBs
 * with IP targets. Two replicas on system nodes.
 */
export class LoadBalancerController extends Construct {
  readonly resource: Release;

  constructor(scope: Construct, id: string, props: LoadBalancerControllerProps) {
    super(scope, id);
    this.resource = new Release(this, 'Resource', {
      name: 'aws-load-balancer-controller',
      repository: CHARTS.loadBalancerController.repository,
      chart: CHARTS.loadBalancerController.chart,
      version: LOAD_BALANCER_CONTROLLER_VERSION,
      namespace: LOAD_BALANCER_CONTROLLER_NAMESPACE,
      atomic: true,
      values: [
        JSON.stringify({
          clusterName: props.clusterName,
          region: props.region,
          vpcId: props.vpcId,
          replicaCount: 2,
          // The gateway's ALB comes from an Ingress. The Service mutator webhook (default on,
          // failurePolicy Fail) would sit in the path of every Service created in the cluster.
          enableServiceMutatorWebhook: false,
          serviceAccount: { create: true, name: LOAD_BALANCER_CONTROLLER_SERVICE_ACCOUNT },
          nodeSelector: { [SYSTEM_POOL_LABEL.key]: SYSTEM_POOL_LABEL.value },
          resources: { requests: { cpu: '100m', memory: '128Mi' }, limits: { memory: '512Mi' } },
        }),
      ],
    });
  }
}
