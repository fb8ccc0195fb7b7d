import { defineEnvironment } from './define';

/**
 * Development: two zones, one shared NAT gateway, a public API endpoint behind an allow list,
 * a single small system node. Replace the account-specific values (state bucket, admin ARN,
 * allow list) with your own; see docs/environments.md.
 */
export default defineEnvironment({
  name: 'dev',
  stage: 'dev',
  region: 'us-west-2',
  tags: { owner: 'platform-team', costCenter: 'ml-platform-dev' },
  state: { bucket: 'gpb-terraform-state-111122223333' },
  network: {
    cidr: '10.10.0.0/16',
    azCount: 2,
    natStrategy: 'single',
    interfaceEndpoints: ['ecr.api', 'ecr.dkr', 'sts', 'eks-auth'],
    flowLogs: { retentionDays: 14 },
  },
  cluster: {
    // In EKS standard support until 2027-03-27 (model/kubernetes-support.ts).
    kubernetesVersion: '1.35',
    endpoint: { publicAccess: true, publicAccessCidrs: ['203.0.113.0/24'] },
    admins: [{ principalArn: 'arn:aws:iam::111122223333:role/platform-admin' }],
    logRetentionDays: 30,
    kmsDeletionWindowDays: 7,
    systemNodeGroup: {
      instanceTypes: ['m7i.large', 'm6i.large'],
      minSize: 1,
      desiredSize: 2,
      maxSize: 3,
    },
  },
  gpu: {
    // Spot first, scales to zero, small cap; GPUs time-sliced so several dev pods share one.
    pools: [
      {
        name: 'dev-l4',
        instanceTypes: ['g6.xlarge', 'g6.2xlarge'],
        capacityTypes: ['spot', 'on-demand'],
        gpuLimit: 4,
        consolidation: { policy: 'WhenEmptyOrUnderutilized', afterSeconds: 60 },
        expireAfterHours: 168,
        sharing: { mode: 'time-slicing', replicas: 4 },
      },
    ],
  },
  data: {
    // Qdrant in the cluster: no managed database to pay for in dev; one small cache node that
    // holds the gateway's semantic cache, to exercise it.
    vectorStore: { engine: 'qdrant', replicas: 1, storageGiB: 20 },
    cache: {
      nodeType: 'cache.t4g.small',
      replicas: 0,
      snapshotRetentionDays: 1,
      clients: [{ namespace: 'gpb-gateway', serviceAccount: 'gateway' }],
    },
  },
  serving: {
    models: [
      { name: 'llama-8b', pool: 'dev-l4', parametersBillions: 8, dtype: 'bf16', minReplicas: 0, maxReplicas: 2, aliases: ['chat-small'] },
      // Embeds prompts for the semantic cache: always on (a time slice of an L4 is plenty).
      { name: 'bge-m3', task: 'embed', pool: 'dev-l4', parametersBillions: 0.57, dtype: 'fp16', minReplicas: 1, maxReplicas: 1 },
    ],
    // A looser threshold than prod, to see hits while developing.
    gateway: {
      semanticCache: { embeddingModel: 'bge-m3', similarityThreshold: 0.85, ttlSeconds: 3600 },
      // One tenant, to exercise keys, teams and limits; the smallest database that runs them.
      tenants: [{ name: 'sandbox', requestsPerMinute: 60, tokensPerMinute: 60_000, maxParallelRequests: 4 }],
      database: { instanceClass: 'db.t4g.small', backupRetentionDays: 1 },
    },
    // Idle models leave their GPU; the gateway's request count wakes them (cold start: minutes).
    autoscaling: { scaleToZero: true, cooldownSeconds: 600 },
  },
  observability: {
    // Every trace while developing; short retention; no one paged.
    traces: { exporter: 'xray', samplingPercent: 100 },
    logs: { retentionDays: 14 },
    slo: { ttftP95Seconds: 5, e2eP95Seconds: 60 },
  },
  budget: { monthlyGpuUsd: 3000 },
});
