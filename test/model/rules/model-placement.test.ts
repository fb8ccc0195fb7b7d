import { describe, expect, it } from 'vitest';
import { GpuNodePool } from '../../../constructs/gpu/gpu-node-pool';
import { ModelServer } from '../../../constructs/serving/model-server';
import { checkEnvironment } from '../../../environments/validate';
import { GpuInstanceType } from '../../../model/gpu-instance-type';
import { modelPlacementProblems } from '../../../model/rules/model-placement';
import { BARE_GATEWAY, devWith, synthWith } from '../../helpers';

const g6e = GpuInstanceType.of('g6e.12xlarge');
const capacity = { name: 'big', kind: 'pool' as const, instanceTypes: [g6e], efa: false, timeSliced: false };

describe('where a model can run, written once', () => {
  it('finds a tensor-parallel size that does not divide the GPUs per node, and leaves a fitting one alone', () => {
    expect(modelPlacementProblems({ engine: 'vllm', task: 'generate', gpusPerReplica: 3, nodesPerReplica: 1, capacity })).toEqual([
      {
        field: ['gpusPerReplica'],
        value: 3,
        message: "must divide the GPUs per node of every instance type in pool 'big': g6e.12xlarge has 4",
      },
    ]);
    expect(modelPlacementProblems({ engine: 'vllm', task: 'generate', gpusPerReplica: 4, nodesPerReplica: 1, capacity })).toEqual([]);
    // without a capacity (the model names none) only the rules that need none run
    expect(
      modelPlacementProblems({ engine: 'triton', task: 'embed', gpusPerReplica: 3, nodesPerReplica: 1 }).map((p) => p.field[0]),
    ).toEqual(['task']);
  });

  it('gives the same message in an environment file and from ModelServer', () => {
    const [problem] = modelPlacementProblems({ engine: 'vllm', task: 'generate', gpusPerReplica: 3, nodesPerReplica: 1, capacity });
    const env = devWith({
      gpu: { pools: [{ name: 'big', instanceTypes: ['g6e.12xlarge'], capacityTypes: ['on-demand'], gpuLimit: 16 }] },
      serving: {
        ...BARE_GATEWAY,
        models: [{ name: 'm', pool: 'big', parametersBillions: 8, dtype: 'bf16', gpusPerReplica: 3, maxReplicas: 1 }],
      },
    });
    expect(checkEnvironment(env, 'dev')).toContainEqual(
      expect.objectContaining({ path: 'serving.models[0].gpusPerReplica', value: 3, allowed: problem.message }),
    );
    expect(() =>
      synthWith((scope) => {
        const pool = new GpuNodePool(scope, 'Pool', {
          name: 'big',
          instanceTypes: [g6e],
          capacityTypes: ['on-demand'],
          gpuLimit: 16,
          nodeRoleName: 'r',
          clusterName: 'c',
          securityGroupId: 'sg-1',
        });
        new ModelServer(scope, 'Model', {
          name: 'm',
          pool,
          modelUri: 's3://b/models/m',
          region: 'us-west-2',
          gpusPerReplica: 3,
          weightsGiB: 16,
          replicas: 1,
        });
      }),
    ).toThrow(`ModelServer 'm': 'gpusPerReplica' 3 ${problem.message}`);
  });
});
