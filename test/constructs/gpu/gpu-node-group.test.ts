import { describe, expect, it } from 'vitest';
import { GpuInstanceType } from '../../../model/gpu-instance-type';
import { GpuNodeGroup, type GpuNodeGroupProps } from '../../../constructs/gpu/gpu-node-group';
import { onlyResource, synthWith, testCluster } from '../../helpers';

function group(over: Partial<GpuNodeGroupProps> = {}) {
  let ng!: GpuNodeGroup;
  const json = synthWith((scope) => {
    const cluster = testCluster(scope);
    ng = new GpuNodeGroup(scope, 'Gpu', {
      cluster,
      subnetIds: ['s'],
      name: 'base',
      instanceType: GpuInstanceType.of('g6e.2xlarge'),
      minSize: 1,
      maxSize: 3,
      ...over,
    });
  });
  return { json, ng };
}

describe('GpuNodeGroup', () => {
  it('runs the NVIDIA AMI, tainted and labelled with its name', () => {
    const ng = onlyResource(group().json, 'aws_eks_node_group');
    expect(ng).toMatchObject({
      ami_type: 'AL2023_x86_64_NVIDIA',
      capacity_type: 'ON_DEMAND',
      instance_types: ['g6e.2xlarge'],
      labels: { 'gpb.io/pool': 'base', 'gpb.io/gpu': 'true' },
      taint: [{ key: 'nvidia.com/gpu', value: 'true', effect: 'NO_SCHEDULE' }],
      scaling_config: { min_size: 1, desired_size: 1, max_size: 3 },
    });
  });

  it('counts its GPUs and gives workloads its placement', () => {
    const { ng } = group({ instanceType: GpuInstanceType.of('g6e.12xlarge'), maxSize: 2 });
    expect(ng.maxGpus).toBe(8);
    expect(ng.nodeSelector).toEqual({ 'gpb.io/pool': 'base' });
    expect(ng.tolerations[0].key).toBe('nvidia.com/gpu');
  });

  it('launches a capacity block into its reservation', () => {
    const lt = onlyResource(
      group({ capacityType: 'CAPACITY_BLOCK', capacityReservationId: 'cr-0123456789abcdef0', minSize: 0 }).json,
      'aws_launch_template',
    );
    expect(lt.instance_market_options).toEqual({ market_type: 'capacity-block' });
    expect(lt.capacity_reservation_specification).toEqual({
      capacity_reservation_target: { capacity_reservation_id: 'cr-0123456789abcdef0' },
    });
  });

  it('throws on impossible sizes or a capacity block without reservation', () => {
    expect(() => group({ minSize: 3, maxSize: 2 })).toThrow(/0 <= minSize \(3\) <= desiredSize \(3\) <= maxSize \(2\)/);
    expect(() => group({ capacityType: 'CAPACITY_BLOCK' })).toThrow(/'capacityReservationId' is required/);
  });
});
