import { describe, expect, it } from 'vitest';
import { GpuNodePool } from '../../../constructs/gpu/gpu-node-pool';
import { checkEnvironment } from '../../../environments/validate';
import { GpuInstanceType } from '../../../model/gpu-instance-type';
import { gpuPoolProblems } from '../../../model/rules/gpu-pool';
import { propName } from '../../../model/rules/problem';
import { devWith, synthWith } from '../../helpers';

const L4 = [GpuInstanceType.of('g6.xlarge'), GpuInstanceType.of('g6.2xlarge')];
const pool = {
  name: 'dev-l4',
  instanceTypes: L4,
  capacityTypes: ['spot'],
  capacityReservationIds: [],
  gpuLimit: 4,
  efa: true,
  sharing: { mode: 'none' },
  amiFamily: 'al2023',
};

describe('GPU pool rules, written once', () => {
  it('finds each problem with its field, value and message', () => {
    expect(gpuPoolProblems(pool)).toEqual([
      {
        field: ['instanceTypes', 0],
        value: 'g6.xlarge',
        message: expect.stringMatching(/^does not support EFA, which pool 'dev-l4' asks for/),
      },
      { field: ['instanceTypes', 1], value: 'g6.2xlarge', message: expect.stringMatching(/^does not support EFA/) },
    ]);
    expect(gpuPoolProblems({ ...pool, efa: false })).toEqual([]);
    expect(propName(['instanceTypes', 1])).toBe('instanceTypes[1]');
  });

  it('reports the same message in an environment file (at its path) and from the construct (under its prop)', () => {
    const [first] = gpuPoolProblems(pool);
    const problems = checkEnvironment(
      devWith({
        gpu: { pools: [{ name: 'dev-l4', instanceTypes: ['g6.xlarge', 'g6.2xlarge'], capacityTypes: ['spot'], gpuLimit: 4, efa: true }] },
      }),
      'dev',
    );
    expect(problems).toContainEqual(
      expect.objectContaining({ path: 'gpu.pools[0].instanceTypes[0]', value: 'g6.xlarge', allowed: first.message }),
    );
    expect(() =>
      synthWith((scope) => {
        new GpuNodePool(scope, 'Pool', {
          name: 'dev-l4',
          instanceTypes: L4,
          capacityTypes: ['spot'],
          gpuLimit: 4,
          efa: true,
          nodeRoleName: 'r',
          clusterName: 'c',
          securityGroupId: 'sg-1',
        });
      }),
    ).toThrow(`GpuNodePool 'dev-l4': 'instanceTypes[0]' 'g6.xlarge' ${first.message}`);
  });
});
