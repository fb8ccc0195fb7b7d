import type { Construct } from 'constructs';
import type { EksCluster } from '../constructs/cluster/eks-cluster';
import { LogsKmsKey } from '../constructs/core/logs-kms-key';
import { AuroraVectorStore } from '../constructs/data/aurora-vector-store';
import { externalSecretsRole, GeneratedSecret } from '../constructs/data/generated-secret';
import { PrivateBucket } from '../constructs/data/private-bucket';
import { QdrantAws } from '../constructs/data/qdrant-aws';
import { OpenSearchVectorStore } from '../constructs/data/opensearch-vector-store';
import { ValkeyCache } from '../constructs/data/valkey-cache';
import { GatewayDatabase } from '../constructs/data/gateway-database';
import { PodIdentityRole } from '../constructs/cluster/pod-identity-role';
import { WorkloadIdentities } from '../constructs/cluster/workload-identities';
import { KEDA_NAMESPACE, KEDA_OPERATOR_SERVICE_ACCOUNT } from '../constructs/serving/keda';
import { modelServiceAccount, SERVING_NAMESPACE } from '../constructs/serving/model-server';
import type { IVectorStore } from '../constructs/data/vector-store';
import type { Network } from '../constructs/network/network';
import { ruleGroups } from '../model/telemetry/alert-rules';
import { TelemetryAws } from '../constructs/telemetry/telemetry-aws';
import { AwsLayerStack, type LayerStackProps } from './layer-stack';
import { expectedMetricSources } from './telemetry-sources';
import { routedModels, type ServingConfig } from '../environments/serving-schema';
import { SEMANTIC_CACHE_INDEX } from '../constructs/serving/llm-gateway';

/** The data layer's side of the gateway: its secrets, and the services they open, built together. */
export interface GatewayData {
  readonly masterKey: GeneratedSecret;
  /** When the gateway has a semantic cache: its settings, the Valkey holding it and the cache user's password. */
  readonly semanticCache?: {
    readonly settings: NonNullable<ServingConfig['gateway']['semanticCache']>;
    readonly cache: ValkeyCache;
    readonly password: GeneratedSecret;
  };
  /** When the environment declares tenants: their database, its password, and each tenant with its key (`sk-...`). */
  readonly tenancy?: {
    readonly database: GatewayDatabase;
    readonly password: GeneratedSecret;
    readonly tenants: readonly { readonly tenant: ServingConfig['gateway']['tenants'][number]; readonly key: GeneratedSecret }[];
  };
}

export interface DataStackProps extends LayerStackProps {
  readonly network: Network;
  readonly cluster: EksCluster;
}

/**
 * The data layer (AWS, after cluster): the model bucket, the vector store the environment chose and the Valkey cache,
 * in the data subnets, admitting only the cluster; the Prometheus workspace with its alert rules,
 * the alert topic and the workload log group (docs/observability.md). Stateful resources in staging and prod are
 * protected from deletion (deletion protection, final snapshots, prevent_destroy).
 */
export class DataStack extends AwsLayerStack {
  readonly modelBucket: PrivateBucket;
  readonly vectorStore?: IVectorStore;
  readonly cache?: ValkeyCache;
  /** The AWS side of an in-cluster Qdrant (the store itself lives in the serving layer). */
  readonly qdrant?: QdrantAws;
  /**
   * What the gateway needs of the data layer, present exactly when the environment runs a gateway
   * (it serves vLLM models): the serving layer builds the gateway from this object.
   */
  readonly gateway?: GatewayData;
  /** External Secrets' role: reads the generated secrets (present when there are any). */
  readonly externalSecretsRole?: PodIdentityRole;
  /** Prometheus workspace, alerting, log groups and the collector's role. */
  readonly telemetry: TelemetryAws;
  /** The data services' clients' roles, one per workload identity. */
  readonly identities: WorkloadIdentities;
  /** Each model server's role: read-only on its own prefix of the model bucket. */
  readonly modelRoles: ReadonlyMap<string, PodIdentityRole>;

  constructor(scope: Construct, props: DataStackProps) {
    super(scope, 'data', props);
    const { env, network, cluster } = props;
    const protect = env.posture.protectState;
    const name = `gpb-${env.name}`;
    // One role per workload identity: a workload that uses the vector store and the cache (the
    // gateway) gets both grants on one role with one Pod Identity association.
    this.identities = new WorkloadIdentities(this, 'Identities', { cluster });
    const common = { vpcId: network.vpcId, subnetIds: network.dataSubnetIds, cluster, identities: this.identities };

    this.modelBucket = new PrivateBucket(this, 'ModelBucket', {
      purpose: 'Model weights',
      namePrefix: `${name}-models-`,
      preventDestroy: protect,
    });
    this.modelRoles = new Map(
      env.serving.models.map((m) => [
        m.name,
        new PodIdentityRole(this, `ModelRole-${m.name}`, {
          cluster,
          identity: { namespace: SERVING_NAMESPACE, serviceAccount: modelServiceAccount(m.name) },
          workloadKind: 'model-server',
          statements: this.modelBucket.readStatements(modelPrefix(m.name)),
        }),
      ]),
    );

    const vs = env.data.vectorStore;
    if (vs.engine === 'aurora-pgvector') {
      this.vectorStore = new AuroraVectorStore(this, 'VectorStore', {
        ...common,
        name,
        region: env.region,
        minCapacityAcu: vs.minCapacityAcu,
        maxCapacityAcu: vs.maxCapacityAcu,
        instances: vs.instances,
        backupRetentionDays: vs.backupRetentionDays,
        autoPauseSeconds: vs.autoPauseSeconds,
        protect,
        clients: vs.clients,
      });
    } else if (vs.engine === 'qdrant') {
      this.qdrant = new QdrantAws(this, 'Qdrant', { name, cluster, protect });
    } else if (vs.engine === 'opensearch-serverless') {
      this.vectorStore = new OpenSearchVectorStore(this, 'VectorStore', {
        ...common,
        name: `${name}-vectors`.slice(0, 28),
        standbyReplicas: vs.standbyReplicas,
        protect,
        clients: vs.clients,
      });
    }

    const obs = env.observability;
    this.telemetry = new TelemetryAws(this, 'Telemetry', {
      name,
      region: env.region,
      cluster,
      ruleGroups: ruleGroups(obs.slo, expectedMetricSources(env)),
      alertEmails: obs.alerts.emails,
      logRetentionDays: obs.logs.retentionDays,
      xray: obs.traces.exporter === 'xray',
      kmsDeletionWindowDays: env.cluster.kmsDeletionWindowDays,
      autoscalerServiceAccount:
        env.serving.models.length > 0 ? { namespace: KEDA_NAMESPACE, name: KEDA_OPERATOR_SERVICE_ACCOUNT } : undefined,
    });

    // Secrets generated for in-cluster workloads; External Secrets is their only reader.
    const generated: Record<string, GeneratedSecret> = {};
    if (this.qdrant) generated.QdrantApiKey = this.qdrant.apiKey;
    const gw = env.serving.gateway;
    // Validation requires a gateway for a semantic cache or tenants, and data.cache for the former.
    const runsGateway = routedModels(env.serving).length > 0;
    let masterKey: GeneratedSecret | undefined;
    if (runsGateway) {
      masterKey = new GeneratedSecret(this, 'GatewayMasterKey', {
        name: `${name}/gateway/master-key`,
        purpose: `Gateway master key (${name})`,
        protect,
      });
      generated.GatewayMasterKey = masterKey;
    }
    let semanticCachePassword: GeneratedSecret | undefined;
    if (runsGateway && env.data.cache && gw.semanticCache) {
      semanticCachePassword = new GeneratedSecret(this, 'SemanticCachePassword', {
        name: `${name}/gateway/semantic-cache-password`,
        purpose: `Semantic cache user password (${name})`,
        protect,
        storage: 'state',
      });
      generated.SemanticCachePassword = semanticCachePassword;
    }
    let tenancy: GatewayData['tenancy'];
    if (runsGateway && gw.tenants.length > 0) {
      const db = gw.database;
      const password = new GeneratedSecret(this, 'GatewayDatabasePassword', {
        name: `${name}/gateway/database-password`,
        purpose: `Gateway database password (${name})`,
        protect,
      });
      generated.GatewayDatabasePassword = password;
      const database = new GatewayDatabase(this, 'GatewayDatabase', {
        vpcId: network.vpcId,
        subnetIds: network.dataSubnetIds,
        cluster,
        name,
        password,
        instanceClass: db.instanceClass,
        storageGiB: db.storageGiB,
        backupRetentionDays: db.backupRetentionDays,
        multiAz: env.posture.multiAzDatabase,
        protect,
      });
      const tenants = gw.tenants.map((tenant) => {
        const key = new GeneratedSecret(this, `TenantKey-${tenant.name}`, {
          name: `${name}/gateway/tenants/${tenant.name}`,
          purpose: `Gateway key of tenant ${tenant.name} (${name})`,
          prefix: 'sk-',
          protect,
        });
        // 'search-api' -> 'SearchApi': upper case marks the dashes, so distinct names stay distinct.
        generated[`TenantKey${tenant.name.replace(/(^|-)([a-z0-9])/g, (_m, _d, c: string) => c.toUpperCase())}`] = key;
        return { tenant, key };
      });
      tenancy = { database, password, tenants };
    }
    if (Object.keys(generated).length > 0)
      this.externalSecretsRole = externalSecretsRole(this, 'ExternalSecretsRole', cluster, generated, env.region);

    if (env.data.cache) {
      const logsKey = new LogsKmsKey(this, 'LogsKey', { alias: `gpb/${env.name}/data-logs`, region: env.region });
      const c = env.data.cache;
      this.cache = new ValkeyCache(this, 'Cache', {
        ...common,
        name,
        logsKey,
        logRetentionDays: env.cluster.logRetentionDays,
        nodeType: c.nodeType,
        replicas: c.replicas,
        snapshotRetentionDays: c.snapshotRetentionDays,
        maintenanceWindow: c.maintenanceWindow,
        semanticCache: semanticCachePassword ? { password: semanticCachePassword.value, keyPrefix: SEMANTIC_CACHE_INDEX } : undefined,
        protect,
        clients: c.clients,
      });
      // The cache's client roles lived at Cache/Client-<namespace>-<serviceAccount>; dev's data
      // stack was applied with them, so their state moves to the shared role.
      for (const client of c.clients)
        this.identities.roleOf(client)?.movedFrom(['Cache', `Client-${client.namespace}-${client.serviceAccount}`]);
    }
    if (masterKey) {
      const semanticCache =
        gw.semanticCache && this.cache && semanticCachePassword
          ? { settings: gw.semanticCache, cache: this.cache, password: semanticCachePassword }
          : undefined;
      this.gateway = { masterKey, semanticCache, tenancy };
    }
  }
}

/**
 * Where a model's weights live in the model bucket, as the folder its server lists: with the
 * trailing slash, so a listing of `models/llama-8b/` matches the role's `s3:prefix` condition
 * (`models/llama-8b/*`) and never returns a sibling model's keys (`models/llama-8b-instruct/...`).
 * vLLM lists with the prefix exactly as given (vllm/transformers_utils/s3_utils.py, list_files).
 */
export const modelPrefix = (model: string): string => `models/${model}/`;
