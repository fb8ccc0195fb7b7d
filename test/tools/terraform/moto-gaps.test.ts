import { describe, expect, it } from 'vitest';
import { MOTO_GAPS, splitForMoto, unkeptOverrides } from '../../../tools/terraform/moto-gaps';

describe('what the rehearsal leaves out of a moto apply', () => {
  const stack = {
    resource: {
      aws_eks_cluster: { C: { name: 'c', lifecycle: { ignore_changes: ['tags'] } } },
      aws_eks_addon: { Cni: { cluster_name: '${aws_eks_cluster.C.name}' } },
      // Depends on the add-on by depends_on, and through it on nothing else.
      aws_eks_node_group: { Nodes: { cluster_name: '${aws_eks_cluster.C.name}', depends_on: ['aws_eks_addon.Cni'] } },
      // Reads the node group: left out transitively.
      aws_iam_role_policy: { P: { policy: '${aws_eks_node_group.Nodes.arn}' } },
      aws_sqs_queue: { Q: { name: 'q' } },
      aws_vpc_security_group_ingress_rule: {
        FromCluster: { referenced_security_group_id: '${data.terraform_remote_state.c.outputs.x_vpc_config0cluster_security_group_id}' },
        FromVpc: { cidr_ipv4: '10.0.0.0/16' },
      },
    },
  };

  it('leaves out the gap types, what depends on them (by reference or depends_on, transitively) and rules on the unreal cluster group', () => {
    const { applied, leftOut } = splitForMoto(stack);
    expect(applied).toEqual(['aws_eks_cluster.C', 'aws_sqs_queue.Q', 'aws_vpc_security_group_ingress_rule.FromVpc']);
    expect(Object.fromEntries(leftOut)).toEqual({
      'aws_eks_addon.Cni': MOTO_GAPS.aws_eks_addon,
      'aws_eks_node_group.Nodes': 'depends on aws_eks_addon.Cni',
      'aws_iam_role_policy.P': 'depends on aws_eks_node_group.Nodes',
      'aws_vpc_security_group_ingress_rule.FromCluster': expect.stringContaining('cluster security group'),
    });
  });

  it('applies everything when moto has no gap for the stack', () => {
    expect(splitForMoto(stack, {}).leftOut.size).toBe(1); // only the unfaithful reference remains
  });

  it('ignores, in the rehearsal copy only, the arguments moto does not keep, keeping ignore_changes already set', () => {
    expect(unkeptOverrides(stack)).toEqual({
      aws_eks_cluster: { C: { lifecycle: { ignore_changes: ['tags', 'access_config', 'upgrade_policy'] } } },
    });
    expect(unkeptOverrides({ resource: { aws_sqs_queue: { Q: {} } } })).toEqual({});
  });
});
