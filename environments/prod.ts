import { defineEnvironment } from './define';

/**
 * Production: three zones with a NAT gateway in each (no cross-zone egress dependency), a
 * private-only API endpoint, the full set of interface endpoints, and three system nodes.
 */
export default defineEnvironment({
  name: 'prod',
  stage: 'prod',
  region: 'us-west-2',
  accountId: '111122223333',
  tags: { owner: 'platform-team', costCenter: 'ml-platform-prod', extra: { 'data-classification': 'confidential' } },
  state: { bucket: 'gpb-terraform-state-111122223333' },
  network: {
    cidr: '10.30.0.0/16',
    azCount: 3,
    natStrategy: 'per-az',
    interfaceEndpoints: [
      'ecr.api',
      'ecr.dkr',
      'sts',
      'eks-auth',
      'ec2',
      'logs',
      'elasticloadbalancing',
      'autoscaling',
      'kms',
      'secretsmanager',
      'sqs',
      'aps-workspaces',
    ],
    flowLogs: { retentionDays: 365 },
  },
  cluster: {
    // In EKS standard support until 2027-03-27 (model/kubernetes-support.ts).
    kubernetesVersion: '1.35',
    endpoint: { publicAccess: false },
    admins: [
      { principalArn: 'arn:aws:iam::111122223333:role/platform-admin' },
      { principalArn: 'arn:aws:iam::111122223333:role/platform-readonly', accessPolicy: 'view' },
    ],
    logRetentionDays: 365,
    systemNodeGroup: {
      instanceTypes: ['m7i.xlarge', 'm6i.xlarge'],
      minSize: 3,
      desiredSize: 3,
      maxSize: 6,
    },
  },
  gpu: {
    // An always-on on-demand baseline, spot burst on top, and a multi-GPU pool for large models.
    nodeGroups: [{ name: 'prod-baseline', instanceType: 'g6e.2xlarge', capacityType: 'ON_DEMAND', minSize: 2, maxSize: 4, critical: true }],
    pools: [
      {
        name: 'prod-burst',
        instanceTypes: ['g6e.xlarge', 'g6e.2xlarge', 'g6e.4xlarge'],
        capacityTypes: ['spot', 'on-demand'],
        gpuLimit: 16,
        weight: 10,
      },
      {
        name: 'prod-multi-gpu',
        instanceTypes: ['g6e.12xlarge', 'g6e.24xlarge', 'p4de.24xlarge'],
        capacityTypes: ['on-demand'],
        gpuLimit: 16,
        critical: true,
        consolidation: { policy: 'WhenEmpty', afterSeconds: 600 },
        disruptionBudget: '1',
        efa: true,
        dataVolumeGiB: 1000,
      },
    ],
  },
  data: {
    vectorStore: {
      engine: 'aurora-pgvector',
      minCapacityAcu: 2,
      maxCapacityAcu: 32,
      instances: 2,
      backupRetentionDays: 14,
      clients: [{ namespace: 'gpb-gateway', serviceAccount: 'gateway' }],
    },
    cache: {
      nodeType: 'cache.r7g.large',
      replicas: 2,
      snapshotRetentionDays: 14,
      clients: [{ namespace: 'gpb-gateway', serviceAccount: 'gateway' }],
    },
  },
  serving: {
    models: [
      {
        name: 'llama-8b',
        pool: 'prod-baseline',
        parametersBillions: 8,
        dtype: 'bf16',
        minReplicas: 2,
        maxReplicas: 4,
        critical: true,
        aliases: ['chat-small'],
      },
      {
        name: 'llama-70b',
        pool: 'prod-multi-gpu',
        parametersBillions: 70,
        dtype: 'fp8',
        gpusPerReplica: 4,
        minReplicas: 1,
        maxReplicas: 4,
        critical: true,
        aliases: ['chat-large'],
      },
      // The semantic cache's embedder: on the burst pool (a lost replica only costs cache hits).
      { name: 'bge-m3', task: 'embed', pool: 'prod-burst', parametersBillions: 0.57, dtype: 'fp16', minReplicas: 1, maxReplicas: 2 },
    ],
    // Small first; when it fails or is overloaded, or a prompt is too long for it, the large model answers.
    gateway: {
      replicas: 3,
      fallbacks: [{ model: 'llama-8b', to: ['llama-70b'] }],
      contextWindowFallbacks: [{ model: 'llama-8b', to: ['llama-70b'] }],
      // Strict: only near-identical prompts share an answer; answers live a day.
      semanticCache: { embeddingModel: 'bge-m3', similarityThreshold: 0.95, ttlSeconds: 86_400 },
      // Each product team calls with its own key; limits hold across the three replicas.
      tenants: [
        { name: 'search', models: ['chat-small', 'bge-m3'], requestsPerMinute: 1200, tokensPerMinute: 2_000_000, maxParallelRequests: 64 },
        {
          name: 'assistant',
          models: ['chat-small', 'chat-large'],
          requestsPerMinute: 600,
          tokensPerMinute: 1_000_000,
          maxParallelRequests: 32,
        },
      ],
      database: { instanceClass: 'db.m7g.large', storageGiB: 50, backupRetentionDays: 14 },
    },
  },
  observability: {
    scrapeIntervalSeconds: 15,
    traces: { exporter: 'xray', samplingPercent: 5 },
    logs: { retentionDays: 365 },
    alerts: { emails: ['ml-platform-oncall@example.com'] },
    slo: { ttftP95Seconds: 1.5, e2eP95Seconds: 30, errorRatePercent: 0.5 },
  },
  budget: { monthlyGpuUsd: 65000 },
});
