import { describe, expect, it } from 'vitest';
import { PodIdentityRole, type PodIdentityRoleProps } from '../../../constructs/cluster/pod-identity-role';
import { onlyResource, policyOf, resourcesOf, synthWith } from '../../helpers';

const base: PodIdentityRoleProps = {
  clusterName: 'gpb-test',
  clusterArn: 'arn:aws:eks:us-west-2:111122223333:cluster/gpb-test',
  namespace: 'serving',
  serviceAccount: 'llama',
  statements: [{ Effect: 'Allow', Action: ['s3:GetObject'], Resource: 'arn:aws:s3:::models/llama/*' }],
};

const role = (props: Partial<PodIdentityRoleProps> = {}) =>
  synthWith((scope) => {
    new PodIdentityRole(scope, 'Role', { ...base, ...props });
  });

describe('PodIdentityRole', () => {
  it('is assumable by EKS Pod Identity for this account and cluster only', () => {
    const [trust] = policyOf(onlyResource(role(), 'aws_iam_role'), 'assume_role_policy').Statement;
    expect(trust.Principal).toEqual({ Service: 'pods.eks.amazonaws.com' });
    expect(trust.Action).toEqual(['sts:AssumeRole', 'sts:TagSession']);
    expect(trust.Condition).toMatchObject({ ArnEquals: { 'aws:SourceArn': base.clusterArn } });
  });

  it('associates the role with the service account', () => {
    expect(onlyResource(role(), 'aws_eks_pod_identity_association')).toMatchObject({
      cluster_name: 'gpb-test',
      namespace: 'serving',
      service_account: 'llama',
    });
  });

  it('leaves the association to an add-on when asked', () => {
    expect(resourcesOf(role({ associate: false }), 'aws_eks_pod_identity_association')).toEqual([]);
  });

  it('carries the permissions boundary', () => {
    const b = 'arn:aws:iam::111122223333:policy/boundary';
    expect(onlyResource(role({ permissionsBoundaryArn: b }), 'aws_iam_role').permissions_boundary).toBe(b);
  });

  it('throws when a statement allows * on *', () => {
    expect(() => role({ statements: [{ Effect: 'Allow', Action: '*', Resource: '*' }] })).toThrow(
      /PodIdentityRole 'Role' \(serving\/llama\): a statement allows action '\*' on resource '\*'/,
    );
  });

  it('throws when the role would have no permissions', () => {
    expect(() => role({ statements: [] })).toThrow(/give 'statements' or 'managedPolicies'/);
  });
});
