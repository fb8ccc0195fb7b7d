import { defineEnvironment } from './define';

/**
 * Staging: three zones like prod, but one shared NAT gateway and a public API endpoint behind
 * an allow list, to keep the bill down while exercising the prod topology.
 */
export default defineEnvironment({
  name: 'staging',
  stage: 'staging',
  region: 'us-west-2',
  tags: { owner: 'platform-team', costCenter: 'ml-platform-staging' },
  state: { bucket: 'gpb-terraform-state-111122223333' },
  network: {
    cidr: '10.20.0.0/16',
    azCount: 3,
    natStrategy: 'single',
    interfaceEndpoints: ['ecr.api', 'ecr.dkr', 'sts', 'eks-auth', 'ec2', 'logs'],
    flowLogs: { retentionDays: 30 },
  },
  cluster: {
    // In EKS standard support until 2027-03-27 (model/kubernetes-support.ts).
    kubernetesVersion: '1.35',
    endpoint: { publicAccess: true, publicAccessCidrs: ['203.0.113.0/24'] },
    admins: [{ principalArn: 'arn:aws:iam::111122223333:role/platform-admin' }],
    systemNodeGroup: {
      instanceTypes: ['m7i.large', 'm6i.large'],
      minSize: 2,
      desiredSize: 2,
      maxSize: 4,
    },
  },
  gpu: {
    // Mixed: spot and on-demand L40S, same instance shapes as prod's burst pool.
    pools: [
      {
        name: 'staging-l40s',
        instanceTypes: ['g6e.xlarge', 'g6e.2xlarge', 'g6e.4xlarge'],
        capacityTypes: ['spot', 'on-demand'],
        gpuLimit: 8,
      },
    ],
  },
  data: {
    // OpenSearch Serverless here, to keep the second engine exercised before anyone picks it for prod.
    vectorStore: {
      engine: 'opensearch-serverless',
      standbyReplicas: false,
      clients: [{ namespace: 'gpb-gateway', serviceAccount: 'gateway' }],
    },
    cache: { nodeType: 'cache.t4g.medium', replicas: 1, clients: [{ namespace: 'gpb-gateway', serviceAccount: 'gateway' }] },
  },
  serving: {
    models: [
      {
        name: 'llama-8b',
        pool: 'staging-l40s',
        parametersBillions: 8,
        dtype: 'bf16',
        minReplicas: 1,
        maxReplicas: 4,
        aliases: ['chat-small'],
      },
      { name: 'bge-m3', task: 'embed', pool: 'staging-l40s', parametersBillions: 0.57, dtype: 'fp16', minReplicas: 1, maxReplicas: 2 },
      // A Triton model (a reranker's model repository), so the Triton path is synthesized,
      // policy-checked and validated like the vLLM ones.
      { name: 'reranker', engine: 'triton', pool: 'staging-l40s', parametersBillions: 0.57, dtype: 'fp16', minReplicas: 1, maxReplicas: 2 },
    ],
    gateway: {
      replicas: 2,
      semanticCache: { embeddingModel: 'bge-m3', similarityThreshold: 0.9, ttlSeconds: 3600 },
      tenants: [{ name: 'qa', requestsPerMinute: 300, tokensPerMinute: 200_000, maxParallelRequests: 16 }],
    },
  },
  observability: {
    traces: { exporter: 'xray', samplingPercent: 25 },
    logs: { retentionDays: 30 },
    alerts: { emails: ['ml-platform-staging@example.com'] },
    slo: { ttftP95Seconds: 3, e2eP95Seconds: 45 },
  },
  budget: { monthlyGpuUsd: 12000 },
});
