import { EC2NodeClass } from '@kubernetes-models/karpenter/karpenter.k8s.aws/v1/EC2NodeClass';
import { NodePool } from '@kubernetes-models/karpenter/karpenter.sh/v1/NodePool';
import { describe, expect, it } from 'vitest';
import { GpuInstanceType } from '../../../model/gpu-instance-type';
import { AMI_ALIASES, GpuNodePool, type GpuNodePoolProps } from '../../../constructs/gpu/gpu-node-pool';
import { resourcesOf, synthWith } from '../../helpers';

const base: GpuNodePoolProps = {
  name: 'gpu-a',
  instanceTypes: [GpuInstanceType.of('g6.xlarge'), GpuInstanceType.of('g6.2xlarge')],
  capacityTypes: ['spot', 'on-demand'],
  gpuLimit: 4,
  nodeRoleName: 'node-role',
  clusterName: 'gpb-test',
  securityGroupId: 'sg-123',
};

type Obj = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any
function pool(over: Partial<GpuNodePoolProps> = {}): { nodePool: Obj; nodeClass: Obj; construct: GpuNodePool } {
  let construct!: GpuNodePool;
  const json = synthWith((scope) => {
    construct = new GpuNodePool(scope, 'Pool', { ...base, ...over });
  });
  const manifests = resourcesOf(json, 'kubernetes_manifest').map((m) => m.manifest as Obj);
  return {
    nodePool: manifests.find((m) => m.kind === 'NodePool')!,
    nodeClass: manifests.find((m) => m.kind === 'EC2NodeClass')!,
    construct,
  };
}

describe('GpuNodePool', () => {
  it('emits a NodePool and an EC2NodeClass valid against the upstream Karpenter schemas', () => {
    for (const over of [
      {},
      { amiFamily: 'bottlerocket' as const, sharing: { mode: 'time-slicing' as const, replicas: 2 } },
      { capacityTypes: ['reserved' as const], capacityReservationIds: ['cr-0123456789abcdef0'] },
    ]) {
      const { nodePool, nodeClass } = pool(over);
      expect(() => new NodePool(nodePool as never).validate()).not.toThrow();
      expect(() => new EC2NodeClass(nodeClass as never).validate()).not.toThrow();
    }
  });

  it('schema validation rejects a malformed NodePool (the check can fail)', () => {
    const { nodePool } = pool();
    nodePool.spec.disruption.consolidationPolicy = 'Sometimes';
    expect(() => new NodePool(nodePool as never).validate()).toThrow();
  });

  it('caps GPUs, taints nodes and restricts instance and capacity types', () => {
    const { nodePool } = pool();
    expect(nodePool.spec.limits).toEqual({ 'nvidia.com/gpu': '4' });
    expect(nodePool.spec.template.spec.taints).toEqual([{ key: 'nvidia.com/gpu', value: 'true', effect: 'NoSchedule' }]);
    expect(nodePool.spec.template.spec.requirements).toEqual(
      expect.arrayContaining([
        { key: 'node.kubernetes.io/instance-type', operator: 'In', values: ['g6.xlarge', 'g6.2xlarge'] },
        { key: 'karpenter.sh/capacity-type', operator: 'In', values: ['spot', 'on-demand'] },
      ]),
    );
  });

  it('sets consolidation, disruption budget, expiry and weight', () => {
    const { nodePool } = pool({
      consolidationPolicy: 'WhenEmpty',
      consolidateAfterSeconds: 60,
      disruptionBudget: '1',
      expireAfterHours: 0,
      weight: 50,
    });
    expect(nodePool.spec.disruption).toEqual({ consolidationPolicy: 'WhenEmpty', consolidateAfter: '60s', budgets: [{ nodes: '1' }] });
    expect(nodePool.spec.template.spec.expireAfter).toBe('Never');
    expect(nodePool.spec.weight).toBe(50);
    expect(pool().nodePool.spec.template.spec.expireAfter).toBe('720h');
  });

  it('hardens the node class: pinned AMI, IMDSv2 hop limit 1, encrypted volumes, discovery by tag', () => {
    const { nodeClass } = pool({ rootVolumeGiB: 40, dataVolumeGiB: 300 });
    expect(nodeClass.spec).toMatchObject({
      role: 'node-role',
      amiSelectorTerms: [{ alias: AMI_ALIASES.al2023 }],
      subnetSelectorTerms: [{ tags: { 'karpenter.sh/discovery': 'gpb-test' } }],
      securityGroupSelectorTerms: [{ id: 'sg-123' }],
      metadataOptions: { httpTokens: 'required', httpPutResponseHopLimit: 1 },
      instanceStorePolicy: 'RAID0',
    });
    expect(nodeClass.spec.blockDeviceMappings).toEqual([
      { deviceName: '/dev/xvda', ebs: { volumeSize: '340Gi', volumeType: 'gp3', encrypted: true, deleteOnTermination: true } },
    ]);
    expect(AMI_ALIASES.al2023).toMatch(/^al2023@v\d{8}$/);
  });

  it('gives Bottlerocket a separate data volume, its own time-slicing settings, and keeps the operator’s device plugin off', () => {
    const { nodeClass, nodePool } = pool({ amiFamily: 'bottlerocket', dataVolumeGiB: 300, sharing: { mode: 'time-slicing', replicas: 3 } });
    expect(nodeClass.spec.blockDeviceMappings.map((b: Obj) => [b.deviceName, b.ebs.volumeSize])).toEqual([
      ['/dev/xvda', '20Gi'],
      ['/dev/xvdb', '300Gi'],
    ]);
    expect(nodeClass.spec.userData).toContain('device-sharing-strategy = "time-slicing"');
    expect(nodeClass.spec.userData).toContain('replicas = 3');
    expect(nodePool.spec.template.metadata.labels['nvidia.com/gpu.deploy.device-plugin']).toBe('false');
  });

  it('selects its time-slicing or MIG configuration through node labels', () => {
    expect(
      pool({ sharing: { mode: 'time-slicing', replicas: 4 } }).nodePool.spec.template.metadata.labels['nvidia.com/device-plugin.config'],
    ).toBe('gpu-a');
    expect(pool().nodePool.spec.template.metadata.labels['nvidia.com/device-plugin.config']).toBe('default');
    const mig = pool({ instanceTypes: [GpuInstanceType.of('p4d.24xlarge')], gpuLimit: 8, sharing: { mode: 'mig', profile: 'all-1g.5gb' } });
    expect(mig.nodePool.spec.template.metadata.labels['nvidia.com/mig.config']).toBe('all-1g.5gb');
    expect(mig.construct.gpuResourceName).toBe('nvidia.com/mig-1g.5gb');
  });

  it('uses capacity reservations and labels EFA pools', () => {
    const { nodeClass, nodePool } = pool({
      instanceTypes: [GpuInstanceType.of('p5.48xlarge')],
      gpuLimit: 16,
      capacityTypes: ['reserved', 'on-demand'],
      capacityReservationIds: ['cr-0123456789abcdef0'],
      efa: true,
    });
    expect(nodeClass.spec.capacityReservationSelectorTerms).toEqual([{ id: 'cr-0123456789abcdef0' }]);
    expect(nodePool.spec.template.metadata.labels['gpb.io/efa']).toBe('true');
  });

  it('gives workloads their placement: its own node selector, the GPU toleration, GPUs per node', () => {
    const { construct } = pool({ sharing: { mode: 'time-slicing', replicas: 4 } });
    expect(construct.nodeSelector).toEqual({ 'karpenter.sh/nodepool': 'gpu-a' });
    expect(construct.tolerations).toEqual([{ key: 'nvidia.com/gpu', operator: 'Exists', effect: 'NoSchedule' }]);
    expect(construct.schedulableGpusPerNode(GpuInstanceType.of('g6.xlarge'))).toBe(4);
    expect(construct.interruptible).toBe(false);
    expect(pool({ capacityTypes: ['spot'] }).construct.interruptible).toBe(true);
  });

  it.each([
    [{ gpuLimit: 0 }, /GpuNodePool 'gpu-a': 'gpuLimit' 0 must be a positive whole number/],
    [
      { efa: true },
      /'instanceTypes\[0\]' 'g6\.xlarge' does not support EFA, which pool 'gpu-a' asks for; use an EFA type \(for example .*\n.*'instanceTypes\[1\]' 'g6\.2xlarge' does not support EFA/,
    ],
    [
      { capacityTypes: ['reserved' as const] },
      /'capacityReservationIds' \[\] must list the reservations when capacityTypes includes 'reserved'/,
    ],
    [
      { capacityReservationIds: ['cr-0123456789abcdef0'] },
      /'capacityReservationIds' \["cr-0123456789abcdef0"\] has no effect unless capacityTypes includes 'reserved'/,
    ],
    [{ amiFamily: 'bottlerocket' as const, sharing: { mode: 'mig' as const, profile: 'all-1g.5gb' } }, /MIG needs amiFamily 'al2023'/],
    [
      { sharing: { mode: 'mig' as const, profile: 'all-1g.5gb' } },
      /'instanceTypes\[0\]' 'g6\.xlarge' has NVIDIA L4 GPUs, which do not support MIG/,
    ],
    [{ instanceTypes: [] }, /'instanceTypes' \[\] must list at least one/],
    [{ instanceTypes: [GpuInstanceType.of('g6.12xlarge')], gpuLimit: 2 }, /'gpuLimit' 2 is below the 4 GPUs of the smallest instance type/],
  ])('throws on %j', (over, message) => {
    expect(() => pool(over as Partial<GpuNodePoolProps>)).toThrow(message);
  });
});
