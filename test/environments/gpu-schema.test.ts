import { describe, expect, it } from 'vitest';
import { checkEnvironment, formatProblem } from '../../environments/validate';
import { devWith, BARE_GATEWAY } from '../helpers';

const pool = (over: Record<string, unknown> = {}) => ({
  name: 'p1',
  instanceTypes: ['g6.xlarge'],
  capacityTypes: ['spot', 'on-demand'],
  gpuLimit: 2,
  ...over,
});
const withPools = (...pools: unknown[]) => devWith({ gpu: { pools }, budget: { monthlyGpuUsd: 1_000_000 } });
const messages = (input: unknown) => {
  const r = checkEnvironment(input, 'dev');
  return Array.isArray(r) ? r.map(formatProblem) : [];
};

/** [description, environment input, path, shown value, reason pattern] */
const BAD: [string, unknown, string, string, RegExp][] = [
  [
    'unknown instance type',
    withPools(pool({ instanceTypes: ['g6.3xlarge'] })),
    'gpu.pools[0].instanceTypes[0]',
    "'g6.3xlarge'",
    /g6 sizes are g6\.xlarge/,
  ],
  ['GPU limit missing', withPools(pool({ gpuLimit: undefined })), 'gpu.pools[0].gpuLimit', 'undefined', /is required/],
  ['GPU limit zero', withPools(pool({ gpuLimit: 0 })), 'gpu.pools[0].gpuLimit', '0', /positive number of GPUs/],
  ['GPU limit fractional', withPools(pool({ gpuLimit: 2.5 })), 'gpu.pools[0].gpuLimit', '2.5', /whole number of GPUs/],
  [
    'GPU limit below one node',
    withPools(pool({ instanceTypes: ['g6.12xlarge'], gpuLimit: 2 })),
    'gpu.pools[0].gpuLimit',
    '2',
    /below the 4 GPUs of the smallest instance type/,
  ],
  [
    'spot-only critical pool',
    withPools(pool({ critical: true, capacityTypes: ['spot'] })),
    'gpu.pools[0].capacityTypes',
    '["spot"]',
    /pool 'p1' is critical/,
  ],
  [
    'EFA on a type without EFA',
    withPools(pool({ efa: true, instanceTypes: ['g6.xlarge'] })),
    'gpu.pools[0].instanceTypes[0]',
    "'g6.xlarge'",
    /does not support EFA.*g6\.8xlarge/,
  ],
  [
    'reserved without reservations',
    withPools(pool({ capacityTypes: ['reserved'] })),
    'gpu.pools[0].capacityReservationIds',
    '[]',
    /must list the reservations/,
  ],
  [
    'reservations without reserved',
    withPools(pool({ capacityReservationIds: ['cr-0123456789abcdef0'] })),
    'gpu.pools[0].capacityReservationIds',
    '["cr-0123456789abcdef0"]',
    /has no effect/,
  ],
  [
    'MIG on Bottlerocket',
    withPools(
      pool({ instanceTypes: ['p4d.24xlarge'], gpuLimit: 8, amiFamily: 'bottlerocket', sharing: { mode: 'mig', profile: 'all-1g.5gb' } }),
    ),
    'gpu.pools[0].sharing',
    '{"mode":"mig","profile":"all-1g.5gb"}',
    /MIG needs amiFamily 'al2023'/,
  ],
  [
    'MIG on L4',
    withPools(pool({ sharing: { mode: 'mig', profile: 'all-1g.5gb' } })),
    'gpu.pools[0].instanceTypes[0]',
    "'g6.xlarge'",
    /NVIDIA L4 GPUs, which do not support MIG/,
  ],
  [
    'time-slicing of one',
    withPools(pool({ sharing: { mode: 'time-slicing', replicas: 1 } })),
    'gpu.pools[0].sharing.replicas',
    '1',
    /must be 2-16/,
  ],
  ['duplicate names', withPools(pool(), pool()), 'gpu.pools[1].name', "'p1'", /names must be unique/],
  ['pool name not a DNS label', withPools(pool({ name: 'GPU_Pool' })), 'gpu.pools[0].name', "'GPU_Pool'", /DNS label/],
  [
    'critical spot node group',
    devWith({
      gpu: { nodeGroups: [{ name: 'ng', instanceType: 'g6.xlarge', capacityType: 'SPOT', minSize: 0, maxSize: 1, critical: true }] },
    }),
    'gpu.nodeGroups[0].capacityType',
    "'SPOT'",
    /node group 'ng' is critical/,
  ],
  [
    'capacity block without reservation',
    devWith({ gpu: { nodeGroups: [{ name: 'ng', instanceType: 'p5.48xlarge', capacityType: 'CAPACITY_BLOCK', minSize: 0, maxSize: 1 }] } }),
    'gpu.nodeGroups[0].capacityReservationId',
    'undefined',
    /is required when capacityType is 'CAPACITY_BLOCK'/,
  ],
  [
    'node group max below min',
    devWith({ gpu: { nodeGroups: [{ name: 'ng', instanceType: 'g6.xlarge', minSize: 3, maxSize: 2 }] } }),
    'gpu.nodeGroups[0].maxSize',
    '2',
    /must be >= minSize \(3\)/,
  ],
  [
    'capped cost above the budget',
    devWith({ gpu: { pools: [pool({ gpuLimit: 10 })] }, budget: { monthlyGpuUsd: 1000 } }),
    'budget.monthlyGpuUsd',
    '1000',
    /below the capped GPU cost of \$5,875\/month \(p1 10 GPUs \$5,875\); raise the budget or lower gpuLimit/,
  ],
];

describe('gpu configuration', () => {
  it.each(BAD)('fails when %s', (_d, input, path, shown, reason) => {
    const found = messages(input).find((m) => m.startsWith(`environment 'dev': ${path}: ${shown} is not allowed: `));
    expect(found, messages(input).join('\n')).toBeDefined();
    expect(found).toMatch(reason);
  });

  it('accepts a custom instance type and prices it', () => {
    const input = devWith({
      gpu: {
        customInstanceTypes: [
          { name: 'g7.xlarge', gpuModel: 'NVIDIA Next', gpus: 1, gpuMemoryGiB: 32, vcpus: 4, memoryGiB: 16, onDemandUsdPerHour: 1 },
        ],
        pools: [pool({ instanceTypes: ['g7.xlarge'] })],
      },
      serving: { ...BARE_GATEWAY, models: [] },
      budget: { monthlyGpuUsd: 1460 },
    });
    expect(messages(input)).toEqual([]);
    expect(messages({ ...input, budget: { monthlyGpuUsd: 1459 } })[0]).toMatch(/capped GPU cost of \$1,460/);
  });

  it('counts the discount against the budget', () => {
    const input = devWith({
      gpu: { pools: [pool({ gpuLimit: 10 })], pricing: { discountPercent: 50 } },
      serving: { ...BARE_GATEWAY, models: [] },
      budget: { monthlyGpuUsd: 3000 },
    });
    expect(messages(input)).toEqual([]);
  });
});

describe('data configuration', () => {
  // Each case's section replaces dev's (a merge would leave dev's qdrant fields in an aurora store).
  const data = (stage: string, d: Record<string, unknown>) => {
    const env = devWith({ stage, network: { flowLogs: { retentionDays: 365 } }, cluster: { logRetentionDays: 365 } }) as {
      data?: Record<string, unknown>;
    };
    return messages({ ...env, data: { ...env.data, ...d } });
  };

  it.each([
    [
      'prod',
      { vectorStore: { engine: 'aurora-pgvector', minCapacityAcu: 0, maxCapacityAcu: 4 } },
      'data.vectorStore.minCapacityAcu',
      '0',
      /at least 0\.5 in a prod-stage environment/,
    ],
    [
      'dev',
      { vectorStore: { engine: 'aurora-pgvector', minCapacityAcu: 4, maxCapacityAcu: 2 } },
      'data.vectorStore.maxCapacityAcu',
      '2',
      /must be >= minCapacityAcu \(4\)/,
    ],
    [
      'dev',
      { vectorStore: { engine: 'aurora-pgvector', minCapacityAcu: 0.25, maxCapacityAcu: 2 } },
      'data.vectorStore.minCapacityAcu',
      '0.25',
      /multiple of 0\.5/,
    ],
    [
      'prod',
      { vectorStore: { engine: 'opensearch-serverless', standbyReplicas: false } },
      'data.vectorStore.standbyReplicas',
      'false',
      /must be true in a prod-stage environment/,
    ],
    ['prod', { cache: { replicas: 0 } }, 'data.cache.replicas', '0', /at least 1 in a prod-stage environment/],
    [
      'dev',
      { vectorStore: { engine: 'milvus' } },
      'data.vectorStore.engine',
      "'milvus'",
      /must be one of 'none', 'aurora-pgvector', 'opensearch-serverless', 'qdrant'/,
    ],
    [
      'prod',
      { vectorStore: { engine: 'qdrant', replicas: 2 } },
      'data.vectorStore.replicas',
      '2',
      /at least 3 in a prod-stage environment/,
    ],
    ['dev', { cache: { nodeType: 'r7g.large' } }, 'data.cache.nodeType', "'r7g.large'", /ElastiCache node type/],
  ])('fails in %s when %j', (stage, d, path, shown, reason) => {
    const found = data(stage, d).find((m) => m.startsWith(`environment 'dev': ${path}: ${shown} is not allowed: `));
    expect(found, data(stage, d).join('\n')).toBeDefined();
    expect(found).toMatch(reason);
  });
});

describe('serving configuration (sizing at synth)', () => {
  const withModel = (model: Record<string, unknown>, gpu?: unknown) =>
    messages(
      devWith({
        gpu: gpu ?? {
          pools: [{ name: 'big', instanceTypes: ['g6e.12xlarge', 'p4de.24xlarge'], capacityTypes: ['on-demand'], gpuLimit: 16 }],
        },
        serving: {
          ...BARE_GATEWAY,
          models: [{ name: 'm', pool: 'big', parametersBillions: 70, dtype: 'fp8', gpusPerReplica: 4, maxReplicas: 4, ...model }],
        },
        budget: { monthlyGpuUsd: 1_000_000 },
      }),
    );
  const find = (ms: string[], path: string) => ms.find((m) => m.startsWith(`environment 'dev': ${path}: `));

  it('accepts a model that fits', () => {
    expect(withModel({})).toEqual([]);
  });

  it('fails when weights and headroom do not fit the GPUs of a replica, naming the numbers', () => {
    const m = find(withModel({ dtype: 'bf16', gpusPerReplica: 2, maxReplicas: 2 }), 'serving.models[0].gpusPerReplica');
    expect(m).toMatch(
      /gives 2 x 44\.7 GiB \(g6e\.12xlarge\), 2 x 80 GiB \(p4de\.24xlarge\), but m needs 169\.5 GiB \(130\.4 GiB of bf16 weights \+ 30% headroom\)/,
    );
  });

  it('fails when the tensor-parallel size does not divide the GPUs per node', () => {
    expect(find(withModel({ gpusPerReplica: 3 }), 'serving.models[0].gpusPerReplica')).toMatch(
      /must divide the GPUs per node .*g6e\.12xlarge has 4, p4de\.24xlarge has 8/,
    );
  });

  it('fails when the replicas would exceed the pool cap', () => {
    expect(find(withModel({ maxReplicas: 5 }), 'serving.models[0].maxReplicas')).toMatch(
      /needs 20 GPUs \(5 x 4\) but pool 'big' is capped at 16/,
    );
  });

  it('fails when a critical model is placed on spot-only capacity', () => {
    const gpu = { pools: [{ name: 'big', instanceTypes: ['g6e.12xlarge'], capacityTypes: ['spot'], gpuLimit: 16 }] };
    expect(find(withModel({ critical: true }, gpu), 'serving.models[0].pool')).toMatch(
      /is spot-only; critical model 'm' needs on-demand or reserved capacity/,
    );
  });

  it('fails when the pool does not exist (a renamed pool breaks its models loudly)', () => {
    expect(find(withModel({ pool: 'gone' }), 'serving.models[0].pool')).toMatch(
      /must name a GPU pool or node group of this environment \('big'\)/,
    );
  });

  it('fails when a time-sliced pool would host a multi-GPU replica', () => {
    const gpu = {
      pools: [
        {
          name: 'big',
          instanceTypes: ['g6e.12xlarge'],
          capacityTypes: ['on-demand'],
          gpuLimit: 16,
          sharing: { mode: 'time-slicing', replicas: 2 },
        },
      ],
    };
    expect(find(withModel({}, gpu), 'serving.models[0].gpusPerReplica')).toMatch(/must be 1 on time-sliced pool 'big'/);
  });
});
