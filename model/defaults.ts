/**
 * Defaults written once. The environment schema fills them into a field left out (zod
 * `.default`), and the construct that takes the same setting uses the same value when its prop
 * is left out, so an environment and a construct used on its own cannot drift apart. A default
 * that only one side has (a schema-only setting, or a construct prop no environment sets) stays
 * where it is used. docs/environments.md lists them for users.
 */
export const DEFAULTS = {
  /** Karpenter GPU pools (gpu.pools[], GpuNodePool). */
  gpuPool: {
    consolidationPolicy: 'WhenEmptyOrUnderutilized',
    consolidateAfterSeconds: 300,
    disruptionBudget: '10%',
    expireAfterHours: 720,
    amiFamily: 'al2023',
    rootVolumeGiB: 50,
    dataVolumeGiB: 200,
    efa: false,
  },
  /** Managed GPU node groups (gpu.nodeGroups[], GpuNodeGroup). */
  gpuNodeGroup: { capacityType: 'ON_DEMAND', diskSizeGiB: 200 },
  /** The system node group (cluster.systemNodeGroup, SystemNodeGroup). */
  systemNodeGroup: { capacityType: 'ON_DEMAND', diskSizeGiB: 50 },
  /** The cluster's secrets key (cluster.kmsDeletionWindowDays, EksCluster). */
  cluster: { kmsDeletionWindowDays: 30 },
  /** VPC flow logs (network.flowLogs, FlowLogs). */
  flowLogs: { trafficType: 'ALL' },
  /** The in-cluster admission policy (guardrails.admissionAction, WorkloadAdmission). */
  admission: { action: 'Deny' },
  /** Served models (serving.models[], ModelServer). */
  model: { engine: 'vllm', task: 'generate', gpusPerReplica: 1, nodesPerReplica: 1 },
  /** KEDA's ScaledObjects (serving.autoscaling, ModelAutoscaling). */
  autoscaling: { pollingSeconds: 15, cooldownSeconds: 300 },
  /** The LLM gateway (serving.gateway, LlmGateway). */
  gateway: { replicas: 1, routingStrategy: 'least-busy', numRetries: 2, timeoutSeconds: 600 },
  /** The gateway's PostgreSQL (serving.gateway.database, GatewayDatabase). */
  gatewayDatabase: { instanceClass: 'db.t4g.medium', storageGiB: 20, backupRetentionDays: 7 },
  /** Aurora pgvector (data.vectorStore, AuroraVectorStore). */
  aurora: { instances: 1, backupRetentionDays: 7, autoPauseSeconds: 600 },
  /** OpenSearch Serverless (data.vectorStore, OpenSearchVectorStore). */
  openSearch: { standbyReplicas: true },
  /** Qdrant in the cluster (data.vectorStore, QdrantVectorStore). */
  qdrant: { replicas: 1, storageGiB: 50 },
  /** ElastiCache for Valkey (data.cache, ValkeyCache). */
  cache: { nodeType: 'cache.t4g.medium', replicas: 1, snapshotRetentionDays: 7, maintenanceWindow: 'sun:05:00-sun:06:00' },
  /** Workload logs in CloudWatch (observability.logs, TelemetryAws). */
  logs: { retentionDays: 30 },
  /** The OpenTelemetry collector (observability.scrapeIntervalSeconds, OtelCollector). */
  collector: { scrapeIntervalSeconds: 30 },
} as const;
