import type { Construct } from 'constructs';
import type { PrivateBucket } from '../constructs/data/private-bucket';
import type { QdrantAws } from '../constructs/data/qdrant-aws';
import type { IGpuCapacity } from '../model/gpu-capacity';
import { gatewayWakeQuery, KEDA_AUTHENTICATION, kedaAwsAuthentication, ModelAutoscaling } from '../constructs/serving/keda';
import { ENGINES, ModelServer, SERVING_NAMESPACE } from '../constructs/serving/model-server';
import type { TelemetryAws } from '../constructs/telemetry/telemetry-aws';
import type { GeneratedSecret } from '../constructs/data/generated-secret';
import { type GatewaySemanticCache, LlmGateway, type LlmGatewayProps } from '../constructs/serving/llm-gateway';
import { SEMANTIC_CACHE_USER, type ValkeyCache } from '../constructs/data/valkey-cache';
import type { GatewayDatabase } from '../constructs/data/gateway-database';
import { OTLP_HTTP_TRACES_ENDPOINT } from '../constructs/telemetry/otel-collector';
import { type ModelConfig, routedModels, type ServingConfig, weightsGiB } from '../environments/serving-schema';
import { modelPrefix } from './data-stack';
import { QdrantVectorStore } from '../constructs/data/qdrant-vector-store';
import type { IVectorStore } from '../constructs/data/vector-store';
import { ENCRYPTED_GP3 } from '../constructs/platform/encrypted-storage-class';
import { KubernetesLayerStack, type KubernetesLayerStackProps } from './kubernetes-layer-stack';
import type { PlatformStack } from './platform-stack';

export interface ServingStackProps extends KubernetesLayerStackProps {
  /** The layer that installs the operators and CRDs this one uses; deployed after it. */
  readonly platform: PlatformStack;
  /** The AWS side of Qdrant, when the environment runs it. */
  readonly qdrant?: QdrantAws;
  /** GPU capacities by name (pools and node groups) models are placed on. */
  readonly capacities: ReadonlyMap<string, IGpuCapacity>;
  /** The model bucket (another stack: its name is read through state). */
  readonly modelBucket: PrivateBucket;
  /** The Prometheus workspace KEDA reads load from. */
  readonly telemetry: TelemetryAws;
  /** The gateway's master key in Secrets Manager (present when there are vLLM models). */
  readonly gatewayMasterKey?: GeneratedSecret;
  /** The data layer's Valkey (the semantic cache lives there). */
  readonly cache?: ValkeyCache;
  /** The semantic cache user's password (present when the gateway has a semantic cache). */
  readonly semanticCachePassword?: GeneratedSecret;
  /** The gateway's database and its password (present when the environment declares tenants). */
  readonly gatewayDatabase?: GatewayDatabase;
  readonly gatewayDatabasePassword?: GeneratedSecret;
  /** Each tenant's key, by tenant name. */
  readonly tenantKeys?: ReadonlyMap<string, GeneratedSecret>;
}

/**
 * The serving layer (in-cluster, last): workloads: the model servers, placed on their GPU capacity by object and
 * scaled by KEDA, the OpenAI-compatible gateway in front of the vLLM models, and the in-cluster
 * vector store (Qdrant) when chosen.
 */
export class ServingStack extends KubernetesLayerStack {
  readonly vectorStore?: IVectorStore;
  readonly models: ReadonlyMap<string, ModelServer>;
  /** The OpenAI-compatible endpoint in front of the vLLM models. */
  readonly gateway?: LlmGateway;

  constructor(scope: Construct, props: ServingStackProps) {
    super(scope, 'serving', { ...props, helm: true });
    this.addDependency(props.platform);
    const vs = props.env.data.vectorStore;
    if (vs.engine === 'qdrant' && props.qdrant) {
      this.vectorStore = new QdrantVectorStore(this, 'VectorStore', {
        apiKeySecretName: props.qdrant.secretName,
        region: props.env.region,
        snapshotBucket: props.qdrant.snapshots.bucketName,
        replicas: vs.replicas,
        storageGiB: vs.storageGiB,
        storageClassName: ENCRYPTED_GP3,
      });
    }
    this.models = new Map(
      props.env.serving.models.map((m) => {
        const pool = props.capacities.get(m.pool);
        if (!pool) throw new Error(`model '${m.name}': pool '${m.pool}' was validated but not built`);
        return [
          m.name,
          new ModelServer(this, `Model-${m.name}`, {
            name: m.name,
            engine: m.engine,
            pool,
            modelUri: `s3://${props.modelBucket.bucketName}/${modelPrefix(m.name)}`,
            region: props.env.region,
            gpusPerReplica: m.gpusPerReplica,
            weightsGiB: weightsGiB(m),
            autoscaled: true,
            nodes: m.nodesPerReplica,
            task: m.task,
            metrics: props.platform.collector,
          }),
        ];
      }),
    );
    const routed = routedModels(props.env.serving);
    if (routed.length > 0) {
      if (!props.gatewayMasterKey) throw new Error('the gateway master key was validated but not built');
      const g = props.env.serving.gateway;
      this.gateway = new LlmGateway(this, 'Gateway', {
        models: routed.map((m) => {
          const server = this.models.get(m.name)!;
          return { name: m.name, aliases: m.aliases, task: m.task, apiBase: `http://${server.serviceName}.${SERVING_NAMESPACE}.svc.cluster.local:${server.port}/v1` };
        }),
        semanticCache: g.semanticCache && semanticCache(g.semanticCache, props),
        ...tenancy(g, routed, props),
        routingStrategy: g.routingStrategy,
        numRetries: g.numRetries,
        timeoutSeconds: g.timeoutSeconds,
        fallbacks: g.fallbacks,
        contextWindowFallbacks: g.contextWindowFallbacks,
        replicas: g.replicas,
        masterKeySecretName: props.gatewayMasterKey.secretName,
        region: props.env.region,
        otlpTracesEndpoint: props.env.observability.traces.exporter === 'none' ? undefined : OTLP_HTTP_TRACES_ENDPOINT,
        alb: g.exposure.type === 'alb' ? { scheme: g.exposure.scheme, certificateArn: g.exposure.certificateArn, allowCidrs: g.exposure.allowCidrs } : undefined,
        metrics: props.platform.collector,
      });
    }
    if (props.env.serving.models.length > 0) {
      const auth = kedaAwsAuthentication(this, 'AutoscalerAuthentication', SERVING_NAMESPACE);
      const a = props.env.serving.autoscaling;
      for (const m of props.env.serving.models) {
        const server = this.models.get(m.name)!;
        const load = ENGINES[m.engine].load(m.name, a);
        new ModelAutoscaling(this, `Autoscaling-${m.name}`, {
          deploymentName: server.serviceName,
          targetKind: server.scaleTarget,
          namespace: SERVING_NAMESPACE,
          // At zero replicas only the gateway sees requests for the model: its count wakes it.
          minReplicas: m.minReplicas,
          wakeQuery: m.minReplicas === 0 ? gatewayWakeQuery([m.name, ...m.aliases]) : undefined,
          maxReplicas: m.maxReplicas,
          query: load.query,
          metricType: load.metricType,
          targetPerReplica: load.target,
          prometheusUrl: props.telemetry.queryUrl,
          region: props.env.region,
          authenticationName: KEDA_AUTHENTICATION,
          pollingSeconds: a.pollingSeconds,
          cooldownSeconds: a.cooldownSeconds,
          dependsOn: [auth, server.resource],
        });
      }
    }
  }
}

/** The gateway's view of the semantic cache: where Valkey is, its user, and the environment's settings. */
function semanticCache(config: NonNullable<ServingConfig['gateway']['semanticCache']>, props: ServingStackProps): GatewaySemanticCache {
  if (!props.cache || !props.semanticCachePassword) throw new Error('the semantic cache was validated but its Valkey user was not built');
  return {
    host: props.cache.endpoint,
    port: props.cache.port,
    username: SEMANTIC_CACHE_USER,
    passwordSecretName: props.semanticCachePassword.secretName,
    embeddingModel: config.embeddingModel,
    similarityThreshold: config.similarityThreshold,
    ttlSeconds: config.ttlSeconds,
  };
}

/**
 * Tenants: their teams and keys in the gateway's database, their limits counted on the data
 * layer's Valkey when there is one (every replica against the same counters).
 */
function tenancy(gateway: ServingConfig['gateway'], routed: readonly ModelConfig[], props: ServingStackProps): Pick<LlmGatewayProps, 'tenants' | 'database' | 'coordination'> {
  if (gateway.tenants.length === 0) return {};
  const db = props.gatewayDatabase;
  if (!db || !props.gatewayDatabasePassword || !props.tenantKeys) throw new Error('tenants were validated but their database or keys were not built');
  const everything = routed.flatMap((m) => [m.name, ...m.aliases]);
  return {
    tenants: gateway.tenants.map((t) => ({
      name: t.name,
      models: t.models ?? everything,
      requestsPerMinute: t.requestsPerMinute,
      tokensPerMinute: t.tokensPerMinute,
      maxParallelRequests: t.maxParallelRequests,
      keySecretName: props.tenantKeys!.get(t.name)!.secretName,
    })),
    database: { host: db.endpoint, port: db.port, databaseName: db.databaseName, username: db.username, passwordSecretName: props.gatewayDatabasePassword.secretName },
    coordination: props.cache
      ? { host: props.cache.endpoint, port: props.cache.port, replicationGroupId: props.cache.replicationGroupId, userName: props.cache.iamUserName, region: props.env.region }
      : undefined,
  };
}
