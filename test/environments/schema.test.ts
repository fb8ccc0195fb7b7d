import { describe, expect, it } from 'vitest';
import { REFERENCE_ENVIRONMENTS as ENVIRONMENTS } from '../../environments';
import { checkEnvironment, ConfigError, formatProblem, validateEnvironments } from '../../environments/validate';
import { devWith, BARE_GATEWAY } from '../helpers';
import { STAGE_POSTURE } from '../../model/stage-posture';

describe('reference environments', () => {
  it('all validate', () => {
    const configs = validateEnvironments(ENVIRONMENTS);
    expect(configs.map((c) => c.name)).toEqual(['dev', 'staging', 'prod']);
  });

  it('differ where it matters: NAT, zones, endpoint exposure, system pool size', () => {
    const [dev, staging, prod] = validateEnvironments(ENVIRONMENTS);
    expect(dev.network.natStrategy).toBe('single');
    expect(prod.network.natStrategy).toBe('per-az');
    expect(prod.network.azCount).toBeGreaterThan(dev.network.azCount);
    expect(prod.cluster.endpoint.publicAccess).toBe(false);
    expect(dev.cluster.endpoint.publicAccess).toBe(true);
    expect(prod.cluster.systemNodeGroup.minSize).toBeGreaterThan(dev.cluster.systemNodeGroup.minSize);
    expect(staging.network.azCount).toBe(prod.network.azCount);
  });

  it('fills defaults: cluster name, flow log retention, service CIDR', () => {
    const [dev] = validateEnvironments({ dev: ENVIRONMENTS.dev });
    expect(dev.cluster.name).toBe('gpb-dev');
    expect(dev.cluster.serviceIpv4Cidr).toBe('172.20.0.0/16');
    expect(dev.network.flowLogs.trafficType).toBe('ALL');
    expect(dev.cluster.admins[0].accessPolicy).toBe('cluster-admin');
  });
});

describe('the resolved environment', () => {
  const [dev, staging, prod] = validateEnvironments(ENVIRONMENTS);

  it('holds the posture of its stage, from the one table', () => {
    expect(dev.posture).toEqual(STAGE_POSTURE.dev);
    expect(staging.posture).toEqual(STAGE_POSTURE.staging);
    expect(prod.posture).toEqual(STAGE_POSTURE.prod);
    expect(dev.posture).toMatchObject({ protectState: false, controllerReplicas: 1 });
    expect(prod.posture).toMatchObject({ protectState: true, multiAzDatabase: true, retainVolumes: true, controllerReplicas: 2 });
  });

  it('gives each pool, node group and model one capacity object, instance types resolved', () => {
    for (const env of [dev, staging, prod]) {
      const byName = new Map([...env.gpu.pools, ...env.gpu.nodeGroups].map((p) => [p.name, p.capacity]));
      for (const p of env.gpu.pools) {
        expect(p.capacity.kind).toBe('pool');
        expect(p.capacity.instanceTypes.map((t) => t.name)).toEqual(p.instanceTypes);
        expect(p.capacity.maxGpus).toBe(p.gpuLimit);
      }
      for (const g of env.gpu.nodeGroups) {
        expect(g.capacity.kind).toBe('nodeGroup');
        expect(g.capacity.instanceTypes.map((t) => t.name)).toEqual([g.instanceType]);
      }
      // The model holds the very object its pool holds: derived once, not again per reader.
      for (const m of env.serving.models) expect(m.capacity).toBe(byName.get(m.pool));
    }
    const baseline = prod.gpu.nodeGroups.find((g) => g.name === 'prod-baseline')!;
    expect(baseline.capacity.maxGpus).toBe(baseline.maxSize * baseline.capacity.instanceTypes[0].gpus);
  });

  it('is not built from an invalid environment (the problems are reported instead)', () => {
    const result = checkEnvironment(
      devWith({ serving: { models: [{ name: 'm', pool: 'nowhere', parametersBillions: 1, dtype: 'bf16', maxReplicas: 1 }] } }),
      'dev',
    );
    expect(Array.isArray(result)).toBe(true);
  });
});

/** [description, patch onto dev, field path named in the message, bad value shown] */
const BAD: [string, unknown, string, string][] = [
  ['unknown top-level field', { clster: {} }, 'clster', "'clster'"],
  ['misspelled nested field', { network: { natStrategie: 'single' } }, 'network.natStrategie', "'natStrategie'"],
  ['region is not a region', { region: 'Oregon' }, 'region', "'Oregon'"],
  ['stage outside the enum', { stage: 'qa' }, 'stage', "'qa'"],
  ['account id too short', { accountId: '1234' }, 'accountId', "'1234'"],
  ['empty owner tag', { tags: { owner: '' } }, 'tags.owner', "''"],
  ['state bucket with capitals', { state: { bucket: 'My_Bucket' } }, 'state.bucket', "'My_Bucket'"],
  ['VPC CIDR does not parse', { network: { cidr: '10.0.0.0/33' } }, 'network.cidr', "'10.0.0.0/33'"],
  ['VPC CIDR with host bits', { network: { cidr: '10.0.0.1/16' } }, 'network.cidr', "'10.0.0.1/16'"],
  ['VPC CIDR too large', { network: { cidr: '10.0.0.0/8' } }, 'network.cidr', "'10.0.0.0/8'"],
  ['VPC too small for the zones', { network: { cidr: '10.0.0.0/24', azCount: 6 } }, 'network.cidr', "'10.0.0.0/24'"],
  ['one zone', { network: { azCount: 1 } }, 'network.azCount', '1'],
  ['NAT strategy unknown', { network: { natStrategy: 'double' } }, 'network.natStrategy', "'double'"],
  ['unknown interface endpoint', { network: { interfaceEndpoints: ['sts', 'nope'] } }, 'network.interfaceEndpoints[1]', "'nope'"],
  ['duplicate interface endpoint', { network: { interfaceEndpoints: ['sts', 'sts'] } }, 'network.interfaceEndpoints[1]', "'sts'"],
  [
    'no NAT and no ECR endpoints',
    { network: { natStrategy: 'none', interfaceEndpoints: ['sts'] } },
    'network.interfaceEndpoints',
    '["sts"]',
  ],
  [
    'zone of another region',
    { network: { availabilityZones: ['us-west-2a', 'eu-west-1b'] } },
    'network.availabilityZones[1]',
    "'eu-west-1b'",
  ],
  ['zone count differs from azCount', { network: { availabilityZones: ['us-west-2a'] } }, 'network.availabilityZones', '["us-west-2a"]'],
  [
    'flow log retention CloudWatch does not accept',
    { network: { flowLogs: { retentionDays: 10 } } },
    'network.flowLogs.retentionDays',
    '10',
  ],
  [
    'explicit subnets overlap',
    {
      network: {
        subnets: {
          private: ['10.10.0.0/18', '10.10.64.0/18'],
          public: ['10.10.128.0/24', '10.10.129.0/24'],
          data: ['10.10.130.0/24', '10.10.0.0/24'],
        },
      },
    },
    'network.subnets.data[1]',
    "'10.10.0.0/24'",
  ],
  [
    'explicit subnet outside the VPC',
    {
      network: {
        subnets: {
          private: ['10.10.0.0/18', '10.99.64.0/18'],
          public: ['10.10.128.0/24', '10.10.129.0/24'],
          data: ['10.10.130.0/24', '10.10.131.0/24'],
        },
      },
    },
    'network.subnets.private[1]',
    "'10.99.64.0/18'",
  ],
  [
    'explicit subnet smaller than /28',
    {
      network: {
        subnets: {
          private: ['10.10.0.0/18', '10.10.64.0/18'],
          public: ['10.10.128.0/24', '10.10.129.0/29'],
          data: ['10.10.130.0/24', '10.10.131.0/24'],
        },
      },
    },
    'network.subnets.public[1]',
    "'10.10.129.0/29'",
  ],
  [
    'explicit tier with the wrong count',
    {
      network: {
        subnets: { private: ['10.10.0.0/18'], public: ['10.10.128.0/24', '10.10.129.0/24'], data: ['10.10.130.0/24', '10.10.131.0/24'] },
      },
    },
    'network.subnets.private',
    '["10.10.0.0/18"]',
  ],
  ['Kubernetes version without pinned add-ons', { cluster: { kubernetesVersion: '1.20' } }, 'cluster.kubernetesVersion', "'1.20'"],
  [
    'public endpoint without an allow list',
    { cluster: { endpoint: { publicAccess: true, publicAccessCidrs: [] } } },
    'cluster.endpoint.publicAccessCidrs',
    '[]',
  ],
  [
    'allow list on a private endpoint',
    { cluster: { endpoint: { publicAccess: false, publicAccessCidrs: ['203.0.113.0/24'] } } },
    'cluster.endpoint.publicAccessCidrs',
    '["203.0.113.0/24"]',
  ],
  [
    'allow list entry that does not parse',
    { cluster: { endpoint: { publicAccessCidrs: ['203.0.113.0'] } } },
    'cluster.endpoint.publicAccessCidrs[0]',
    "'203.0.113.0'",
  ],
  [
    'whole internet on the API in prod',
    { stage: 'prod', cluster: { endpoint: { publicAccessCidrs: ['0.0.0.0/0'] } } },
    'cluster.endpoint.publicAccessCidrs[0]',
    "'0.0.0.0/0'",
  ],
  ['no admins', { cluster: { admins: [] } }, 'cluster.admins', '[]'],
  ['admin that is not an IAM ARN', { cluster: { admins: [{ principalArn: 'alice' }] } }, 'cluster.admins[0].principalArn', "'alice'"],
  ['service CIDR inside the VPC', { cluster: { serviceIpv4Cidr: '10.10.0.0/16' } }, 'cluster.serviceIpv4Cidr', "'10.10.0.0/16'"],
  ['service CIDR outside private ranges', { cluster: { serviceIpv4Cidr: '100.64.0.0/16' } }, 'cluster.serviceIpv4Cidr', "'100.64.0.0/16'"],
  [
    'desired size outside min..max',
    { cluster: { systemNodeGroup: { minSize: 2, desiredSize: 1, maxSize: 3 } } },
    'cluster.systemNodeGroup.desiredSize',
    '1',
  ],
  ['system pool of zero', { cluster: { systemNodeGroup: { minSize: 0 } } }, 'cluster.systemNodeGroup.minSize', '0'],
  [
    'instance type that is not one',
    { cluster: { systemNodeGroup: { instanceTypes: ['large'] } } },
    'cluster.systemNodeGroup.instanceTypes[0]',
    "'large'",
  ],
  [
    'OTLP traces without an endpoint',
    { observability: { traces: { exporter: 'otlp' } } },
    'observability.traces.otlpEndpoint',
    'undefined',
  ],
  [
    'OTLP endpoint over plain HTTP',
    { observability: { traces: { exporter: 'otlp', otlpEndpoint: 'http://collector:4318' } } },
    'observability.traces.otlpEndpoint',
    "'http://collector:4318'",
  ],
  [
    'OTLP endpoint with X-Ray traces',
    { observability: { traces: { exporter: 'xray', otlpEndpoint: 'https://x.example.com' } } },
    'observability.traces.otlpEndpoint',
    "'https://x.example.com'",
  ],
  ['sampling above 100 percent', { observability: { traces: { samplingPercent: 150 } } }, 'observability.traces.samplingPercent', '150'],
  ['alert address that is not one', { observability: { alerts: { emails: ['oncall'] } } }, 'observability.alerts.emails[0]', "'oncall'"],
  ['prod without alert addresses', { stage: 'prod', observability: { alerts: { emails: [] } } }, 'observability.alerts.emails', '[]'],
  [
    'prod with short log retention',
    { stage: 'prod', observability: { logs: { retentionDays: 30 } } },
    'observability.logs.retentionDays',
    '30',
  ],
  [
    'log retention CloudWatch does not accept',
    { observability: { logs: { retentionDays: 10 } } },
    'observability.logs.retentionDays',
    '10',
  ],
  ['scrape interval under 10 s', { observability: { scrapeIntervalSeconds: 5 } }, 'observability.scrapeIntervalSeconds', '5'],
  [
    'fallback to a model that does not exist',
    { serving: { gateway: { fallbacks: [{ model: 'llama-8b', to: ['gpt-9'] }] } } },
    'serving.gateway.fallbacks[0].to[0]',
    "'gpt-9'",
  ],
  [
    'fallback from a model that does not exist',
    { serving: { gateway: { fallbacks: [{ model: 'gpt-9', to: ['llama-8b'] }] } } },
    'serving.gateway.fallbacks[0].model',
    "'gpt-9'",
  ],
  [
    'model that falls back to itself',
    { serving: { gateway: { fallbacks: [{ model: 'llama-8b', to: ['llama-8b'] }] } } },
    'serving.gateway.fallbacks[0].to[0]',
    "'llama-8b'",
  ],
  [
    'alias that is another model name',
    {
      serving: {
        ...BARE_GATEWAY,
        models: [{ name: 'llama-8b', pool: 'dev-l4', parametersBillions: 8, dtype: 'bf16', maxReplicas: 2, aliases: ['llama-8b'] }],
      },
    },
    'serving.models[0].aliases[0]',
    "'llama-8b'",
  ],
  [
    'alias with a space',
    {
      serving: {
        ...BARE_GATEWAY,
        models: [{ name: 'llama-8b', pool: 'dev-l4', parametersBillions: 8, dtype: 'bf16', maxReplicas: 2, aliases: ['chat small'] }],
      },
    },
    'serving.models[0].aliases[0]',
    "'chat small'",
  ],
  [
    'ALB open to the internet in prod',
    {
      stage: 'prod',
      serving: {
        gateway: {
          replicas: 2,
          exposure: {
            type: 'alb',
            certificateArn: 'arn:aws:acm:us-west-2:111122223333:certificate/0f0e0d0c-0b0a-0908-0706-050403020100',
            allowCidrs: ['0.0.0.0/0'],
          },
        },
      },
    },
    'serving.gateway.exposure.allowCidrs[0]',
    "'0.0.0.0/0'",
  ],
  [
    'ALB without a client network',
    {
      serving: {
        gateway: {
          exposure: {
            type: 'alb',
            certificateArn: 'arn:aws:acm:us-west-2:111122223333:certificate/0f0e0d0c-0b0a-0908-0706-050403020100',
            allowCidrs: [],
          },
        },
      },
    },
    'serving.gateway.exposure.allowCidrs',
    '[]',
  ],
  [
    'ALB certificate that is not an ACM ARN',
    { serving: { gateway: { exposure: { type: 'alb', certificateArn: 'my-cert', allowCidrs: ['10.0.0.0/8'] } } } },
    'serving.gateway.exposure.certificateArn',
    "'my-cert'",
  ],
  ['one gateway replica in prod', { stage: 'prod', serving: { gateway: { replicas: 1 } } }, 'serving.gateway.replicas', '1'],
  ['unknown routing strategy', { serving: { gateway: { routingStrategy: 'random' } } }, 'serving.gateway.routingStrategy', "'random'"],
  ['scale to zero in prod', { stage: 'prod', serving: { autoscaling: { scaleToZero: true } } }, 'serving.autoscaling.scaleToZero', 'true'],
  [
    'a model at zero replicas without scale to zero',
    { serving: { autoscaling: { scaleToZero: false } } },
    'serving.models[0].minReplicas',
    '0',
  ],
  [
    'autoscaling target of zero',
    { serving: { autoscaling: { targetInFlightPerReplica: 0 } } },
    'serving.autoscaling.targetInFlightPerReplica',
    '0',
  ],
  ['semantic cache without Valkey', { data: { cache: null } }, 'serving.gateway.semanticCache.embeddingModel', "'bge-m3'"],
  [
    'semantic cache embedding with a chat model',
    { serving: { gateway: { semanticCache: { embeddingModel: 'llama-8b' } } } },
    'serving.gateway.semanticCache.embeddingModel',
    "'llama-8b'",
  ],
  [
    'semantic cache embedder that scales to zero',
    {
      serving: {
        models: [
          { name: 'llama-8b', pool: 'dev-l4', parametersBillions: 8, dtype: 'bf16', minReplicas: 0, maxReplicas: 2 },
          { name: 'bge-m3', task: 'embed', pool: 'dev-l4', parametersBillions: 0.57, dtype: 'fp16', minReplicas: 0, maxReplicas: 1 },
        ],
      },
    },
    'serving.gateway.semanticCache.embeddingModel',
    "'bge-m3'",
  ],
  [
    'semantic cache threshold that matches anything',
    { serving: { gateway: { semanticCache: { similarityThreshold: 0.5 } } } },
    'serving.gateway.semanticCache.similarityThreshold',
    '0.5',
  ],
  ['semantic cache switched on the old way', { data: { cache: { semanticCache: true } } }, 'data.cache.semanticCache', 'true'],
  [
    'embedding model on Triton',
    {
      serving: {
        models: [
          { name: 'llama-8b', pool: 'dev-l4', parametersBillions: 8, dtype: 'bf16', minReplicas: 0, maxReplicas: 2 },
          { name: 'bge-m3', engine: 'triton', task: 'embed', pool: 'dev-l4', parametersBillions: 0.57, dtype: 'fp16', maxReplicas: 1 },
        ],
      },
    },
    'serving.models[1].task',
    "'embed'",
  ],
  [
    'chat model falling back to an embedding model',
    { serving: { gateway: { fallbacks: [{ model: 'llama-8b', to: ['bge-m3'] }] } } },
    'serving.gateway.fallbacks[0].to[0]',
    "'bge-m3'",
  ],
  [
    'two tenants with one name',
    {
      serving: {
        gateway: {
          tenants: [
            { name: 'a', requestsPerMinute: 1 },
            { name: 'a', requestsPerMinute: 2 },
          ],
        },
      },
    },
    'serving.gateway.tenants[1].name',
    "'a'",
  ],
  [
    'tenant allowed a model the gateway does not route',
    { serving: { gateway: { tenants: [{ name: 'a', models: ['gpt-9'], requestsPerMinute: 1 }] } } },
    'serving.gateway.tenants[0].models[0]',
    "'gpt-9'",
  ],
  [
    'tenant without a request limit',
    { serving: { gateway: { tenants: [{ name: 'a' }] } } },
    'serving.gateway.tenants[0].requestsPerMinute',
    'undefined',
  ],
  [
    'tenants on two replicas without Valkey',
    { data: { cache: null }, serving: { gateway: { replicas: 2, semanticCache: null, tenants: [{ name: 'a', requestsPerMinute: 1 }] } } },
    'serving.gateway.tenants',
    '["a"]',
  ],
  ['tenants with a Valkey the gateway may not use', { data: { cache: { clients: [] } } }, 'data.cache.clients', '[]'],
  [
    'gateway database class that is not one',
    { serving: { gateway: { database: { instanceClass: 'medium' } } } },
    'serving.gateway.database.instanceClass',
    "'medium'",
  ],
  [
    'autoscaling cooldown under a minute',
    { serving: { autoscaling: { cooldownSeconds: 10 } } },
    'serving.autoscaling.cooldownSeconds',
    '10',
  ],
  ['error-rate SLO of zero', { observability: { slo: { errorRatePercent: 0 } } }, 'observability.slo.errorRatePercent', '0'],
];

describe('bad configuration', () => {
  it.each(BAD)('fails when %s', (_desc, patch, path, shown) => {
    // given a dev environment with one mistake
    const input = devWith(patch);
    // when it is checked
    const result = checkEnvironment(input, 'dev');
    // then the problem names the environment, the field path and the bad value
    expect(Array.isArray(result)).toBe(true);
    const problems = result as Exclude<typeof result, { name: string }>;
    const messages = problems.map(formatProblem);
    const match = messages.find((m) => m.startsWith(`environment 'dev': ${path}: ${shown} is not allowed: `));
    expect(match, `no message for ${path} among:\n${messages.join('\n')}`).toBeDefined();
    // and says what is allowed (not a bare "invalid")
    expect(match!.split('is not allowed: ')[1].length).toBeGreaterThan(8);
  });

  it('reports every problem at once, each on its own line, without a stack trace', () => {
    const bad = devWith({ region: 'nowhere', network: { azCount: 9 }, tags: { owner: '' } });
    let error: unknown;
    try {
      validateEnvironments({ dev: bad });
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(ConfigError);
    const { message, problems } = error as ConfigError;
    expect(problems.map((p) => p.path).sort()).toEqual(['network.azCount', 'region', 'tags.owner']);
    expect(message).toMatch(/^Invalid environment configuration \(3 problems\):/);
    expect(message).not.toMatch(/\n\s+at /);
  });

  it('fails when an environment is registered under another name', () => {
    expect(() => validateEnvironments({ qa: devWith({}) })).toThrow(
      /environment 'qa': name: 'dev' is not allowed: must equal the key it is registered under \('qa'\)/,
    );
  });

  it('fails when two environments would create the same cluster in one region', () => {
    const a = devWith({ name: 'team-a', cluster: { name: 'shared' } });
    const b = devWith({ name: 'team-b', cluster: { name: 'shared' } });
    expect(() => validateEnvironments({ 'team-a': a, 'team-b': b })).toThrow(
      /environment 'team-b': cluster.name: 'shared' is not allowed: must differ from environment 'team-a'/,
    );
  });

  it('accepts explicit, non-overlapping subnets inside the VPC', () => {
    const ok = devWith({
      network: {
        subnets: {
          private: ['10.10.0.0/18', '10.10.64.0/18'],
          public: ['10.10.128.0/24', '10.10.129.0/24'],
          data: ['10.10.130.0/24', '10.10.131.0/24'],
        },
      },
    });
    expect(Array.isArray(checkEnvironment(ok, 'dev'))).toBe(false);
  });

  it('accepts no NAT when the endpoints nodes need are present', () => {
    const ok = devWith({ network: { natStrategy: 'none', interfaceEndpoints: ['ecr.api', 'ecr.dkr', 'sts', 'eks-auth', 'ec2'] } });
    expect(Array.isArray(checkEnvironment(ok, 'dev'))).toBe(false);
  });
});

describe('gateway fallbacks', () => {
  const twoModels = (gateway: unknown) =>
    devWith({
      gpu: {
        pools: [{ name: 'dev-l4', instanceTypes: ['g6.12xlarge'], capacityTypes: ['on-demand'], gpuLimit: 8, sharing: { mode: 'none' } }],
      },
      budget: { monthlyGpuUsd: 10000 },
      serving: {
        models: [
          { name: 'small', pool: 'dev-l4', parametersBillions: 8, dtype: 'bf16', maxReplicas: 2, aliases: ['chat'] },
          { name: 'large', pool: 'dev-l4', parametersBillions: 8, dtype: 'bf16', maxReplicas: 2 },
        ],
        gateway: { ...BARE_GATEWAY.gateway, ...(gateway as object) },
      },
    });

  it('accepts a small model falling back to a large one, by name or alias', () => {
    expect(Array.isArray(checkEnvironment(twoModels({ fallbacks: [{ model: 'chat', to: ['large'] }] }), 'dev'))).toBe(false);
  });

  it('rejects fallbacks that go round', () => {
    const result = checkEnvironment(
      twoModels({
        fallbacks: [
          { model: 'small', to: ['large'] },
          { model: 'large', to: ['chat'] },
        ],
      }),
      'dev',
    );
    expect(Array.isArray(result)).toBe(true);
    const messages = (result as Exclude<typeof result, { name: string }>).map(formatProblem);
    expect(messages).toContainEqual(
      expect.stringContaining(
        'serving.gateway.fallbacks: ["small","large","small"] is not allowed: form a cycle (small -> large -> small)',
      ),
    );
  });
});

describe('multi-node models', () => {
  const env = (pool: Record<string, unknown>, model: Record<string, unknown>) =>
    devWith({
      gpu: {
        pools: [
          { name: 'big', instanceTypes: ['p4de.24xlarge'], capacityTypes: ['on-demand'], gpuLimit: 16, sharing: { mode: 'none' }, ...pool },
        ],
      },
      serving: {
        ...BARE_GATEWAY,
        models: [
          {
            name: 'llama-405b',
            pool: 'big',
            parametersBillions: 405,
            dtype: 'fp8',
            gpusPerReplica: 8,
            nodesPerReplica: 2,
            maxReplicas: 1,
            ...model,
          },
        ],
      },
      budget: { monthlyGpuUsd: 100000 },
    });
  const problems = (input: ReturnType<typeof env>) => {
    const r = checkEnvironment(input, 'dev');
    return Array.isArray(r) ? r.map(formatProblem) : [];
  };

  it('accepts a 405B model over two whole 8-GPU EFA nodes (16 x 80 GiB for 377 GiB + 30%)', () => {
    expect(problems(env({ efa: true }, {}))).toEqual([]);
  });

  it('rejects a pool without EFA, Triton, partial nodes, too few nodes and too many GPUs', () => {
    expect(problems(env({}, {}))).toContainEqual(
      expect.stringContaining("serving.models[0].nodesPerReplica: 2 is not allowed: needs a GPU pool with efa: true; 'big' has no EFA"),
    );
    expect(problems(env({ efa: true }, { engine: 'triton' }))).toContainEqual(expect.stringContaining('is built for vLLM only'));
    expect(problems(env({ efa: true }, { gpusPerReplica: 4 }))).toContainEqual(
      expect.stringContaining('must equal the GPUs per node of every instance type'),
    );
    // bf16: 754 GiB of weights + 30% does not fit one 8 x 80 GiB node, and does fit two
    expect(problems(env({ efa: true }, { nodesPerReplica: 1, dtype: 'bf16' }))).toContainEqual(
      expect.stringContaining(
        'gives 8 x 80 GiB (p4de.24xlarge), but llama-405b needs 980.7 GiB (754.4 GiB of bf16 weights + 30% headroom); use more GPUs per replica, more nodes per replica',
      ),
    );
    expect(problems(env({ efa: true }, { nodesPerReplica: 2, dtype: 'bf16' }))).toEqual([]);
    expect(problems(env({ efa: true }, { maxReplicas: 2 }))).toContainEqual(
      expect.stringContaining("needs 32 GPUs (2 x 16) but pool 'big' is capped at 16"),
    );
  });
});
