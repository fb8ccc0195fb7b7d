import type { Construct } from 'constructs';
import type { IGpuCapacity } from '../model/gpu-capacity';
import { gatewayWakeQuery, KEDA_AUTHENTICATION, kedaAwsAuthentication, ModelAutoscaling } from '../constructs/serving/keda';
import { ModelServer, SERVING_NAMESPACE } from '../constructs/serving/model-server';
import { type GatewaySemanticCache, LlmGateway, type LlmGatewayProps } from '../constructs/serving/llm-gateway';
import { SEMANTIC_CACHE_USER, type ValkeyCache } from '../constructs/data/valkey-cache';
import { OTLP_HTTP_TRACES_ENDPOINT } from '../constructs/telemetry/otel-collector';
import { type ModelConfig, routedModels, weightsGiB } from '../environments/serving-schema';
import { type DataStack, type GatewayData, modelPrefix } from './data-stack';
import { QdrantVectorStore } from '../constructs/data/qdrant-vector-store';
import type { IVectorStore } from '../constructs/data/vector-store';
import { ENCRYPTED_GP3 } from '../constructs/platform/encrypted-storage-class';
import { KubernetesLayerStack, type KubernetesLayerStackProps } from './kubernetes-layer-stack';
import type { PlatformStack } from './platform-stack';

export interface ServingStackProps extends KubernetesLayerStackProps {
  /** The layer that installs the operators and CRDs this one uses; deployed after it. */
  readonly platform: PlatformStack;
  /**
   * The data layer, read through state: the model bucket, Qdrant's AWS side, the Prometheus
   * workspace KEDA reads load from, the Valkey cache, and the gateway's secrets and services
   * (its `gateway` object: the gateway is built exactly when that exists).
   */
  readonly data: DataStack;
  /** GPU capacities by name (pools and node groups) models are placed on. */
  readonly capacities: ReadonlyMap<string, IGpuCapacity>;
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
    const { data } = props;
    const vs = props.env.data.vectorStore;
    if (vs.engine === 'qdrant' && data.qdrant) {
      this.vectorStore = new QdrantVectorStore(this, 'VectorStore', {
        apiKeySecretName: data.qdrant.secretName,
        region: props.env.region,
        snapshotBucket: data.qdrant.snapshots.bucketName,
        replicas: vs.replicas,
        storageGiB: vs.storageGiB,
        storageClassName: ENCRYPTED_GP3,
      });
    }
    const servers = props.env.serving.models.map((m) => {
      const pool = props.capacities.get(m.pool);
      if (!pool) throw new Error(`model '${m.name}': pool '${m.pool}' was validated but not built`);
      const server = new ModelServer(this, `Model-${m.name}`, {
        name: m.name,
        engine: m.engine,
        pool,
        modelUri: `s3://${data.modelBucket.bucketName}/${modelPrefix(m.name)}`,
        region: props.env.region,
        gpusPerReplica: m.gpusPerReplica,
        weightsGiB: weightsGiB(m),
        autoscaled: true,
        nodes: m.nodesPerReplica,
        task: m.task,
        metrics: props.platform.collector,
      });
      return { m, server };
    });
    this.models = new Map(servers.map(({ m, server }) => [m.name, server]));
    // The data layer built the gateway's secrets exactly when the environment routes models.
    if (data.gateway) {
      const routed = new Set(routedModels(props.env.serving));
      const g = props.env.serving.gateway;
      this.gateway = new LlmGateway(this, 'Gateway', {
        models: servers.filter(({ m }) => routed.has(m)).map(({ m, server }) => ({ server, aliases: m.aliases })),
        semanticCache: data.gateway.semanticCache && semanticCache(data.gateway.semanticCache),
        ...tenancy(data.gateway.tenancy, [...routed], data.cache, props.env.region),
        routingStrategy: g.routingStrategy,
        numRetries: g.numRetries,
        timeoutSeconds: g.timeoutSeconds,
        fallbacks: g.fallbacks,
        contextWindowFallbacks: g.contextWindowFallbacks,
        replicas: g.replicas,
        masterKeySecretName: data.gateway.masterKey.secretName,
        region: props.env.region,
        otlpTracesEndpoint: props.env.observability.traces.exporter === 'none' ? undefined : OTLP_HTTP_TRACES_ENDPOINT,
        alb:
          g.exposure.type === 'alb'
            ? { scheme: g.exposure.scheme, certificateArn: g.exposure.certificateArn, allowCidrs: g.exposure.allowCidrs }
            : undefined,
        metrics: props.platform.collector,
      });
    }
    if (servers.length > 0) {
      const auth = kedaAwsAuthentication(this, 'AutoscalerAuthentication', SERVING_NAMESPACE);
      const a = props.env.serving.autoscaling;
      for (const { m, server } of servers) {
        const load = server.loadMetric(a);
        new ModelAutoscaling(this, `Autoscaling-${m.name}`, {
          target: server,
          // At zero replicas only the gateway sees requests for the model: its count wakes it.
          minReplicas: m.minReplicas,
          wakeQuery: m.minReplicas === 0 ? gatewayWakeQuery([m.name, ...m.aliases]) : undefined,
          maxReplicas: m.maxReplicas,
          query: load.query,
          metricType: load.metricType,
          targetPerReplica: load.target,
          prometheusUrl: data.telemetry.queryUrl,
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
function semanticCache({ settings, cache, password }: NonNullable<GatewayData['semanticCache']>): GatewaySemanticCache {
  return {
    host: cache.endpoint,
    port: cache.port,
    username: SEMANTIC_CACHE_USER,
    passwordSecretName: password.secretName,
    embeddingModel: settings.embeddingModel,
    similarityThreshold: settings.similarityThreshold,
    ttlSeconds: settings.ttlSeconds,
  };
}

/**
 * Tenants: their teams and keys in the gateway's database, their limits counted on the data
 * layer's Valkey when there is one (every replica against the same counters).
 */
function tenancy(
  built: GatewayData['tenancy'],
  routed: readonly ModelConfig[],
  cache: ValkeyCache | undefined,
  region: string,
): Pick<LlmGatewayProps, 'tenants' | 'database' | 'coordination'> {
  if (!built) return {};
  const { database: db, password } = built;
  const everything = routed.flatMap((m) => [m.name, ...m.aliases]);
  return {
    tenants: built.tenants.map(({ tenant: t, key }) => ({
      name: t.name,
      models: t.models ?? everything,
      requestsPerMinute: t.requestsPerMinute,
      tokensPerMinute: t.tokensPerMinute,
      maxParallelRequests: t.maxParallelRequests,
      keySecretName: key.secretName,
    })),
    database: {
      host: db.endpoint,
      port: db.port,
      databaseName: db.databaseName,
      username: db.username,
      passwordSecretName: password.secretName,
    },
    coordination: cache
      ? { host: cache.endpoint, port: cache.port, replicationGroupId: cache.replicationGroupId, userName: cache.iamUserName, region }
      : undefined,
  };
}
