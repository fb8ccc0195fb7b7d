import { describe, expect, it } from 'vitest';
import { EksCluster, type EksClusterProps } from '../../../constructs/cluster/eks-cluster';
import { onlyResource, resourcesOf, synthWith } from '../../helpers';

const base: EksClusterProps = {
  clusterName: 'gpb-test',
  kubernetesVersion: '1.33',
  subnetIds: ['subnet-a', 'subnet-b'],
  logRetentionDays: 30,
  logsKey: { keyArn: 'arn:aws:kms:us-west-2:111122223333:key/logs' },
};

function cluster(props: Partial<EksClusterProps> = {}, admins: [string, 'cluster-admin' | 'view'][] = []) {
  return synthWith((scope) => {
    const c = new EksCluster(scope, 'Cluster', { ...base, ...props });
    admins.forEach(([arn, policy], i) => c.grantAccess(`Admin${i}`, arn, policy));
  });
}

describe('EksCluster', () => {
  it('encrypts Secrets with its own rotating KMS key', () => {
    const json = cluster();
    const eks = onlyResource(json, 'aws_eks_cluster');
    expect(eks.encryption_config).toEqual({
      resources: ['secrets'],
      provider: { key_arn: expect.stringMatching(/^\$\{aws_kms_key\.\w+\.arn\}$/) },
    });
    expect(onlyResource(json, 'aws_kms_key').enable_key_rotation).toBe(true);
  });

  it('keeps the endpoint private by default', () => {
    const vpc = onlyResource(cluster(), 'aws_eks_cluster').vpc_config as Record<string, unknown>;
    expect(vpc).toMatchObject({ endpoint_private_access: true, endpoint_public_access: false });
    expect(vpc.public_access_cidrs).toBeUndefined();
  });

  it('opens the public endpoint to the allow list only', () => {
    const vpc = onlyResource(cluster({ endpointPublicAccess: true, publicAccessCidrs: ['198.51.100.0/24'] }), 'aws_eks_cluster')
      .vpc_config as Record<string, unknown>;
    expect(vpc).toMatchObject({ endpoint_public_access: true, public_access_cidrs: ['198.51.100.0/24'] });
  });

  it('throws when the public endpoint has no allow list', () => {
    expect(() => cluster({ endpointPublicAccess: true })).toThrow(
      /EksCluster 'gpb-test': 'publicAccessCidrs' \(\[\]\) must list at least one CIDR when 'endpointPublicAccess' is true/,
    );
  });

  it('throws when an allow list is given for a private endpoint', () => {
    expect(() => cluster({ publicAccessCidrs: ['198.51.100.0/24'] })).toThrow(/has no effect while 'endpointPublicAccess' is false/);
  });

  it('ships all control plane logs to an encrypted log group with retention, created first', () => {
    const json = cluster();
    const eks = onlyResource(json, 'aws_eks_cluster');
    expect(eks.enabled_cluster_log_types).toEqual(['api', 'audit', 'authenticator', 'controllerManager', 'scheduler']);
    expect(onlyResource(json, 'aws_cloudwatch_log_group')).toMatchObject({
      name: '/aws/eks/gpb-test/cluster',
      retention_in_days: 30,
      kms_key_id: base.logsKey.keyArn,
    });
    expect(eks.depends_on).toContainEqual(expect.stringMatching(/^aws_cloudwatch_log_group\./));
  });

  it('authenticates through access entries only, with no implicit creator admin', () => {
    expect(onlyResource(cluster(), 'aws_eks_cluster').access_config).toEqual({
      authentication_mode: 'API',
      bootstrap_cluster_creator_admin_permissions: false,
    });
  });

  it('pins the version and stays on standard support', () => {
    const eks = onlyResource(cluster({ kubernetesVersion: '1.32' }), 'aws_eks_cluster');
    expect(eks.version).toBe('1.32');
    expect(eks.upgrade_policy).toEqual({ support_type: 'STANDARD' });
  });

  it('grants each admin an access entry with the chosen policy, cluster-wide', () => {
    const json = cluster({}, [
      ['arn:aws:iam::111122223333:role/admin', 'cluster-admin'],
      ['arn:aws:iam::111122223333:role/viewer', 'view'],
    ]);
    expect(resourcesOf(json, 'aws_eks_access_entry').map((e) => e.principal_arn)).toEqual([
      'arn:aws:iam::111122223333:role/admin',
      'arn:aws:iam::111122223333:role/viewer',
    ]);
    const policies = resourcesOf(json, 'aws_eks_access_policy_association');
    expect(policies.map((p) => String(p.policy_arn).split('/').pop())).toEqual(['AmazonEKSClusterAdminPolicy', 'AmazonEKSViewPolicy']);
    for (const p of policies) expect(p.access_scope).toEqual({ type: 'cluster' });
  });

  it('throws when an access principal is not an IAM ARN', () => {
    expect(() => cluster({}, [['bob', 'view']])).toThrow(/grantAccess\('Admin0'\): 'principalArn' 'bob' must be an IAM role or user ARN/);
  });

  it('creates an OIDC provider for the cluster issuer', () => {
    const oidc = onlyResource(cluster(), 'aws_iam_openid_connect_provider');
    expect(oidc.client_id_list).toEqual(['sts.amazonaws.com']);
    expect(oidc.url).toMatch(/aws_eks_cluster\.\w+\.identity\[0\]\.oidc\[0\]\.issuer/);
  });
});
