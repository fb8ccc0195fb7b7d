import { describe, expect, it } from 'vitest';
import { ADDON_VERSIONS } from '../../../model/addon-catalog';
import { ClusterAddons } from '../../../constructs/cluster/cluster-addons';
import { SystemNodeGroup } from '../../../constructs/cluster/system-node-group';
import { resourcesOf, synthWith, testCluster } from '../../helpers';

const json = synthWith((scope) => {
  const cluster = testCluster(scope, '1.32');
  const nodes = new SystemNodeGroup(scope, 'System', {
    cluster,
    subnetIds: ['subnet-a'],
    instanceTypes: ['m7i.large'],
    minSize: 1,
    desiredSize: 1,
    maxSize: 2,
  });
  new ClusterAddons(scope, 'Addons', { cluster, nodes: nodes.resource });
});
const addons = Object.fromEntries(resourcesOf(json, 'aws_eks_addon').map((a) => [a.addon_name as string, a]));

describe('ClusterAddons', () => {
  it("installs the core add-ons at the versions pinned for the cluster's Kubernetes version", () => {
    expect(Object.keys(addons).sort()).toEqual(Object.keys(ADDON_VERSIONS['1.32']).sort());
    for (const [name, version] of Object.entries(ADDON_VERSIONS['1.32'])) expect(addons[name].addon_version).toBe(version);
  });

  it('pins every version to an exact eksbuild', () => {
    for (const versions of Object.values(ADDON_VERSIONS)) {
      for (const v of Object.values(versions)) expect(v).toMatch(/^v\d+\.\d+\.\d+-eksbuild\.\d+$/);
    }
  });

  it('gives the CNI and the EBS CSI driver their own Pod Identity roles', () => {
    expect(addons['vpc-cni'].pod_identity_association).toEqual([
      { role_arn: expect.stringMatching(/aws_iam_role/), service_account: 'aws-node' },
    ]);
    expect(addons['aws-ebs-csi-driver'].pod_identity_association).toEqual([
      { role_arn: expect.stringMatching(/aws_iam_role/), service_account: 'ebs-csi-controller-sa' },
    ]);
  });

  it('waits for nodes before installing add-ons that run as Deployments', () => {
    expect(addons.coredns.depends_on).toContainEqual(expect.stringMatching(/^aws_eks_node_group\./));
    expect(addons['aws-ebs-csi-driver'].depends_on).toContainEqual(expect.stringMatching(/^aws_eks_node_group\./));
    expect(addons['kube-proxy'].depends_on).toBeUndefined();
  });
});
