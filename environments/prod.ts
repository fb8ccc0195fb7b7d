import { defineEnvironment } from './define';

/**
 * Production: three zones with a NAT gateway in each (no cross-zone egress dependency), a
 * private-only API endpoint, the full set of interface endpoints, and three system nodes.
 */
export default defineEnvironment({
  name: 'prod',
  stage: 'prod',
  region: 'us-west-2',
  accountId: '111122223333',
  tags: { owner: 'platform-team', costCenter: 'ml-platform-prod', extra: { 'data-classification': 'confidential' } },
  state: { bucket: 'gpb-terraform-state-111122223333' },
  network: {
    cidr: '10.30.0.0/16',
    azCount: 3,
    natStrategy: 'per-az',
    interfaceEndpoints: [
      'ecr.api', 'ecr.dkr', 'sts', 'eks-auth', 'ec2', 'logs', 'elasticloadbalancing',
      'autoscaling', 'kms', 'secretsmanager', 'sqs', 'aps-workspaces',
    ],
    flowLogs: { retentionDays: 365 },
  },
  cluster: {
    kubernetesVersion: '1.33',
    endpoint: { publicAccess: false },
    admins: [
      { principalArn: 'arn:aws:iam::111122223333:role/platform-admin' },
      { principalArn: 'arn:aws:iam::111122223333:role/platform-readonly', accessPolicy: 'view' },
    ],
    logRetentionDays: 365,
    systemNodeGroup: {
      instanceTypes: ['m7i.xlarge', 'm6i.xlarge'],
      minSize: 3,
      desiredSize: 3,
      maxSize: 6,
    },
  },
});
