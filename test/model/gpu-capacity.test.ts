import { describe, expect, it } from 'vitest';
import { REFERENCE_ENVIRONMENTS } from '../../environments';
import { environmentGpuCost, instanceTypeResolver } from '../../environments/gpu-schema';
import { capacitiesOf } from '../../environments/serving-schema';
import { gpuCapacities } from '../../model/gpu-capacity';
import { GpuInstanceType } from '../../model/gpu-instance-type';
import { validEnv } from '../helpers';

const pool = {
  name: 'burst',
  instanceTypes: ['g6.xlarge', 'g6.12xlarge', 'g9.nope'],
  gpuLimit: 8,
  capacityTypes: ['spot'],
  sharing: { mode: 'time-slicing' },
  efa: false,
};
const group = { name: 'baseline', instanceType: 'g6e.12xlarge', minSize: 1, maxSize: 3, capacityType: 'ON_DEMAND' };

describe('GPU capacities, derived once from the environment', () => {
  it('derives a pool: its cap is gpuLimit, nothing runs idle, spot-only is interruptible', () => {
    const [c] = gpuCapacities({ pools: [pool], nodeGroups: [] }, GpuInstanceType.find);
    expect(c).toMatchObject({
      name: 'burst',
      kind: 'pool',
      maxGpus: 8,
      minInstances: 0,
      interruptible: true,
      timeSliced: true,
      efa: false,
    });
    // an unknown type is left for validation to report at its field
    expect(c.instanceTypes.map((t) => t.name)).toEqual(['g6.xlarge', 'g6.12xlarge']);
  });

  it('derives a node group: its cap is maxSize x GPUs per node, minSize runs idle', () => {
    const [c] = gpuCapacities({ pools: [], nodeGroups: [group] }, GpuInstanceType.find);
    expect(c).toMatchObject({ name: 'baseline', kind: 'nodeGroup', maxGpus: 12, minInstances: 1, interruptible: false, timeSliced: false });
    expect(gpuCapacities({ pools: [], nodeGroups: [{ ...group, instanceType: 'g9.nope' }] }, GpuInstanceType.find)).toEqual([]);
  });

  it.each(Object.keys(REFERENCE_ENVIRONMENTS))('%s: the cost table and model sizing read the same capacities', (name) => {
    const env = validEnv(REFERENCE_ENVIRONMENTS[name as keyof typeof REFERENCE_ENVIRONMENTS]);
    const sizing = capacitiesOf(env.gpu);
    const cost = environmentGpuCost(env.gpu);
    expect(cost.capacities.map((c) => [c.name, c.maxGpus])).toEqual([...sizing.values()].map((c) => [c.name, c.maxGpus]));
    expect(gpuCapacities(env.gpu, instanceTypeResolver(env.gpu))).toEqual([...sizing.values()]);
  });
});
