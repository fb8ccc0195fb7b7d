import { describe, expect, it } from 'vitest';
import { PodIdentityRole, type PodIdentityRoleProps } from '../../../constructs/cluster/pod-identity-role';
import { findRule } from '../../../policies';
import { evaluateStack } from '../../../policies/engine/evaluate';
import { type JsonObject, StackView } from '../../../policies/engine/stack-view';
import type { Construct } from 'constructs';
import { TerraformStack } from '../../../constructs/core/cdktf';
import { onlyResource, policyOf, resourcesOf, synthWith, testCluster, testStack } from '../../helpers';

const CLUSTER = { clusterName: 'gpb-test', clusterArn: 'arn:aws:eks:us-west-2:111122223333:cluster/gpb-test' };

const base: PodIdentityRoleProps = {
  cluster: CLUSTER,
  identity: { namespace: 'serving', serviceAccount: 'llama' },
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
    expect(trust.Condition).toMatchObject({ ArnEquals: { 'aws:SourceArn': CLUSTER.clusterArn } });
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

  it('tags the workload kind that policy rules key on', () => {
    expect(
      (onlyResource(role({ workloadKind: 'model-server' }), 'aws_iam_role').tags as Record<string, string>)['gpb.io/workload-kind'],
    ).toBe('model-server');
    expect((onlyResource(role(), 'aws_iam_role').tags as Record<string, string>)['gpb.io/workload-kind']).toBeUndefined();
  });

  it('a model-server role with write access fails policy GPB-AI-005', () => {
    const json = role({
      workloadKind: 'model-server',
      statements: [{ Effect: 'Allow', Action: ['s3:GetObject', 's3:PutObject'], Resource: 'arn:aws:s3:::models/*' }],
    });
    const stack = new StackView('test', json as unknown as JsonObject);
    const findings = evaluateStack(stack, [findRule('GPB-AI-005')!], { environment: 'test', stage: 'dev' }, []);
    expect(findings.map((f) => f.message)).toEqual(["model-server role allows 's3:PutObject'"]);
  });

  it('throws when a statement allows * on *', () => {
    expect(() => role({ statements: [{ Effect: 'Allow', Action: '*', Resource: '*' }] })).toThrow(
      /PodIdentityRole 'Role' \(serving\/llama\): a statement allows action '\*' on resource '\*'/,
    );
  });

  it('throws when the role would have no permissions', () => {
    expect(() => role({ statements: [] })).toThrow(/give 'statements' or 'managedPolicies'/);
  });

  it('refuses a second role for a service account of the same cluster, even from another stack', () => {
    // The duplicate the deploy fix removed: the gateway's cache role and vector-store role were
    // two roles, two associations, for gpb-gateway/gateway; EKS refuses the second at apply.
    const app = testStack().node.root as Construct;
    const cluster = testCluster(new TerraformStack(app, 'cluster'));
    const data = new TerraformStack(app, 'data');
    const gateway = { namespace: 'gpb-gateway', serviceAccount: 'gateway' };
    new PodIdentityRole(data, 'CacheClient', { ...base, cluster, identity: gateway });
    expect(
      () => new PodIdentityRole(new TerraformStack(app, 'other'), 'VectorStoreClient', { ...base, cluster, identity: gateway }),
    ).toThrow(
      "PodIdentityRole 'VectorStoreClient' (gpb-gateway/gateway): service account gpb-gateway/gateway already has a Pod Identity role in this cluster (data/CacheClient); EKS allows one association per service account: grant to that role instead (WorkloadIdentities.grant)",
    );
    // another service account, another cluster, or an add-on's own association elsewhere: fine
    new PodIdentityRole(data, 'Other', { ...base, cluster, identity: { ...gateway, serviceAccount: 'other' } });
    new PodIdentityRole(data, 'OtherCluster', { ...base, identity: gateway });
  });

  it('keeps apps apart: the same cluster object in a second app is a fresh start', () => {
    expect(() => {
      role({ cluster: CLUSTER });
      role({ cluster: CLUSTER });
    }).not.toThrow();
  });
});
