import { describe, expect, it } from 'vitest';
import { SystemNodeGroup, type SystemNodeGroupProps } from '../../../constructs/cluster/system-node-group';
import { onlyResource, resourcesOf, synthWith, testCluster } from '../../helpers';

function nodes(props: Partial<SystemNodeGroupProps> = {}) {
  return synthWith((scope) => {
    const cluster = testCluster(scope);
    new SystemNodeGroup(scope, 'System', {
      cluster,
      subnetIds: ['subnet-a', 'subnet-b'],
      instanceTypes: ['m7i.large'],
      minSize: 2,
      desiredSize: 2,
      maxSize: 4,
      ...props,
    });
  });
}

describe('SystemNodeGroup', () => {
  it('requires IMDSv2 with a hop limit of 1', () => {
    expect(onlyResource(nodes(), 'aws_launch_template').metadata_options).toEqual({
      http_tokens: 'required',
      http_put_response_hop_limit: 1,
      http_endpoint: 'enabled',
    });
  });

  it('encrypts gp3 root volumes of the requested size', () => {
    const [device] = onlyResource(nodes({ diskSizeGiB: 80 }), 'aws_launch_template').block_device_mappings as {
      ebs: Record<string, unknown>;
    }[];
    expect(device.ebs).toMatchObject({ volume_size: 80, volume_type: 'gp3', encrypted: 'true' });
  });

  it('runs AL2023 on demand, labelled as the system pool, with no GPU instance types', () => {
    const ng = onlyResource(nodes(), 'aws_eks_node_group');
    expect(ng).toMatchObject({ ami_type: 'AL2023_x86_64_STANDARD', capacity_type: 'ON_DEMAND', labels: { 'gpb.io/pool': 'system' } });
    expect(ng.scaling_config).toEqual({ min_size: 2, desired_size: 2, max_size: 4 });
  });

  it('gives the node role join and pull rights only (the CNI uses Pod Identity)', () => {
    const policies = resourcesOf(nodes(), 'aws_iam_role_policy_attachment')
      .map((a) => String(a.policy_arn).split('/').pop())
      .filter((n) => n !== 'AmazonEKSClusterPolicy');
    expect(policies.sort()).toEqual(['AmazonEC2ContainerRegistryPullOnly', 'AmazonEKSWorkerNodePolicy']);
  });

  it('throws when the sizes are out of order', () => {
    expect(() => nodes({ minSize: 3, desiredSize: 2 })).toThrow(/1 <= minSize \(3\) <= desiredSize \(2\) <= maxSize \(4\)/);
  });

  it('throws when no instance type is given', () => {
    expect(() => nodes({ instanceTypes: [] })).toThrow(/'instanceTypes' must list at least one/);
  });
});
