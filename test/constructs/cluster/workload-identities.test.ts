import { describe, expect, it } from 'vitest';
import { WorkloadIdentities } from '../../../constructs/cluster/workload-identities';
import { OpenSearchVectorStore } from '../../../constructs/data/opensearch-vector-store';
import { ValkeyCache } from '../../../constructs/data/valkey-cache';
import { onlyResource, policyOf, resourcesOf, synthWith, testCluster } from '../../helpers';

const gateway = { namespace: 'gpb-gateway', serviceAccount: 'gateway' };
const common = { vpcId: 'vpc-1', subnetIds: ['s1', 's2'], name: 'gpb-t' };

describe('WorkloadIdentities', () => {
  // given a vector store and a cache with the same client, through one registry (the data stack's shape)
  const shared = synthWith((scope) => {
    const cluster = testCluster(scope);
    const identities = new WorkloadIdentities(scope, 'Identities', { cluster });
    new OpenSearchVectorStore(scope, 'VectorStore', { ...common, name: 'gpb-t-vectors', cluster, identities, clients: [gateway] });
    new ValkeyCache(scope, 'Cache', {
      ...common,
      cluster,
      identities,
      logsKey: { keyArn: 'arn:aws:kms:us-west-2:1:key/l' },
      clients: [gateway],
    });
  });

  it('gives a workload that uses two services one role and one Pod Identity association', () => {
    // then EKS sees one association for the service account (a second one is a 409 at apply)
    expect(onlyResource(shared, 'aws_eks_pod_identity_association')).toMatchObject({
      namespace: 'gpb-gateway',
      service_account: 'gateway',
    });
    expect(resourcesOf(shared, 'aws_iam_role').filter((r) => String(r.description).startsWith('Pod Identity'))).toHaveLength(1);
  });

  it('puts both services’ grants on that role', () => {
    const [policy] = resourcesOf(shared, 'aws_iam_role_policy');
    const actions = policyOf(policy).Statement.map((s) => s.Action);
    expect(actions).toEqual(['aoss:APIAccessAll', 'elasticache:Connect']);
  });

  it('refuses, at synth, two services built on their own that would each associate a role (the old shape)', () => {
    // given the same two services without a shared registry: two associations for one service
    // account, which EKS refuses at apply; PodIdentityRole refuses the second at synth
    expect(() =>
      synthWith((scope) => {
        const cluster = testCluster(scope);
        new OpenSearchVectorStore(scope, 'VectorStore', { ...common, name: 'gpb-t-vectors', cluster, clients: [gateway] });
        new ValkeyCache(scope, 'Cache', { ...common, cluster, logsKey: { keyArn: 'arn:aws:kms:us-west-2:1:key/l' }, clients: [gateway] });
      }),
    ).toThrow(
      /service account gpb-gateway\/gateway already has a Pod Identity role in this cluster \(test\/VectorStore\/.+\); EKS allows one association per service account/,
    );
  });

  it('refuses two grants whose statement ids collide (IAM requires unique Sids)', () => {
    expect(() =>
      synthWith((scope) => {
        const identities = new WorkloadIdentities(scope, 'Identities', { cluster: testCluster(scope) });
        const s = { Sid: 'Read', Effect: 'Allow' as const, Action: 's3:GetObject', Resource: 'arn:aws:s3:::b/*' };
        identities.grant(gateway, [s]);
        identities.grant(gateway, [s]);
      }),
    ).toThrow(/two statements have Sid 'Read'/);
  });
});
