import { createHash } from 'node:crypto';
import { Manifest } from '@cdktf/provider-kubernetes/lib/manifest';
import { Construct } from 'constructs';
import { restrictedContainerSecurity, restrictedPodSecurity } from '../guardrails/security-contexts';
import { stringify } from 'yaml';
import { BlueprintError, show } from '../../model/errors';
import { PORTS } from '../../model/ports';
import type { IScrapeRegistry } from '../telemetry/otel-collector';
import { SECRET_STORE, secretsManagerStore, syncedSecret } from '../platform/secret-sync';
import { type GatewayTenant, tenantSync } from './gateway-tenants';
import { IMAGES, LITELLM_USER, imageRef } from '../../model/pins';
import { GATEWAY_IDENTITY } from '../../model/workload-identity';
import { gatewayRoutingProblems, routeTable } from '../../model/rules/gateway';
import { throwProblems } from '../../model/rules/problem';
import { DEFAULTS } from '../../model/defaults';

/** Pinned LiteLLM proxy image. */
export const LITELLM_IMAGE = imageRef(IMAGES.litellm);
/** Namespace of the gateway (the platform layer's network policies open it to the VPC). */
export const GATEWAY_NAMESPACE = GATEWAY_IDENTITY.namespace;
/** The gateway's service account (data-layer roles, e.g. the cache client, trust this name). */
export const GATEWAY_SERVICE_ACCOUNT = GATEWAY_IDENTITY.serviceAccount;
/** Kubernetes Secret the master key is synced into. */
const MASTER_KEY_SECRET = 'gateway-master-key';
/** Kubernetes Secret holding the database URL (with its password). */
const DATABASE_SECRET = 'gateway-database';
/** Kubernetes Secret holding the semantic cache's connection URL (with its password). */
const SEMANTIC_CACHE_SECRET = 'gateway-semantic-cache';
/** The semantic cache's vector index; its entries are the Valkey keys `<index>:*`. */
export const SEMANTIC_CACHE_INDEX = 'gpb-semcache';

/** A model server the gateway routes to (ModelServer is one): its served name, API and Service. */
export interface IServedModel {
  /** Served model name (the vLLM `--served-model-name`). */
  readonly modelName: string;
  /** Chat and completions, or embeddings. */
  readonly task: 'generate' | 'embed';
  /** The Service in front of its pods, in its namespace, on its port. */
  readonly serviceName: string;
  readonly namespace: string;
  readonly port: number;
}

/** The OpenAI-compatible base URL of a served model, e.g. `http://model-x.gpb-serving.svc.cluster.local:8000/v1`. */
export const apiBaseOf = (s: IServedModel): string => `http://${s.serviceName}.${s.namespace}.svc.cluster.local:${s.port}/v1`;

export interface GatewayModel {
  readonly server: IServedModel;
  /** More names clients may use. @default [] */
  readonly aliases?: readonly string[];
}

/** The gateway's semantic cache on Valkey (vector search). */
export interface GatewaySemanticCache {
  /** Primary endpoint of the Valkey replication group (TLS). */
  readonly host: string;
  readonly port: number;
  /** The cache's Valkey user (password authentication, its keys only). */
  readonly username: string;
  /** Secrets Manager secret holding that user's password. */
  readonly passwordSecretName: string;
  /** A gateway model with task 'embed': it embeds every prompt looked up. */
  readonly embeddingModel: string;
  /** Cosine similarity a cached prompt needs to answer (0.7-0.999). */
  readonly similarityThreshold: number;
  /** Seconds an answer stays cached. */
  readonly ttlSeconds: number;
}

export interface GatewayFallback {
  readonly model: string;
  readonly to: readonly string[];
}

export type { GatewayTenant } from './gateway-tenants';

export interface LlmGatewayProps {
  readonly models: readonly GatewayModel[];
  /** @default 'least-busy' */
  readonly routingStrategy?: 'least-busy' | 'simple-shuffle' | 'latency-based-routing';
  /** @default 2 */
  readonly numRetries?: number;
  /** @default 600 */
  readonly timeoutSeconds?: number;
  /** Tried in order when a model fails or is overloaded. @default [] */
  readonly fallbacks?: readonly GatewayFallback[];
  /** Tried when a prompt exceeds a model's context window. @default [] */
  readonly contextWindowFallbacks?: readonly GatewayFallback[];
  /** @default 1 */
  readonly replicas?: number;
  /** Secrets Manager secret holding the master key (GeneratedSecret.secretName). */
  readonly masterKeySecretName: string;
  readonly region: string;
  /** OTLP/HTTP traces endpoint (the collector gateway). @default - no traces */
  readonly otlpTracesEndpoint?: string;
  /** Where the gateway registers its metrics for scraping. @default - not scraped */
  readonly metrics?: IScrapeRegistry;
  /** An ALB in front (AWS Load Balancer Controller): TLS, an allow list. @default - VPC-internal Service only */
  readonly alb?: GatewayAlb;
  /** Answer prompts close to an earlier one from the cache (per model and caller). @default - no cache */
  readonly semanticCache?: GatewaySemanticCache;
  /** Tenants: a team and a key each, with rate limits. Needs `database`. @default [] */
  readonly tenants?: readonly GatewayTenant[];
  /** Where LiteLLM keeps teams, keys and spend (PostgreSQL). @default - none (master key only) */
  readonly database?: GatewayDatabaseRef;
  /** Valkey on which the replicas share rate-limit counters (IAM authentication). @default - each replica counts alone */
  readonly coordination?: GatewayCoordination;
}

export interface GatewayDatabaseRef {
  readonly host: string;
  readonly port: number;
  readonly databaseName: string;
  readonly username: string;
  /** Secrets Manager secret holding the user's password. */
  readonly passwordSecretName: string;
}

export interface GatewayCoordination {
  /** Primary endpoint of the Valkey replication group. */
  readonly host: string;
  readonly port: number;
  /** IAM tokens are signed for the replication group id. */
  readonly replicationGroupId: string;
  /** The IAM-authenticated Valkey user. */
  readonly userName: string;
  readonly region: string;
}

export interface GatewayAlb {
  readonly scheme: 'internal' | 'internet-facing';
  readonly certificateArn: string;
  /** Client networks the ALB admits (never empty). */
  readonly allowCidrs: readonly string[];
}

/** TLS 1.3 and 1.2 only. */
export const ALB_SSL_POLICY = 'ELBSecurityPolicy-TLS13-1-2-2021-06';

/**
 * One OpenAI-compatible endpoint in front of every vLLM model: the LiteLLM proxy, configured from
 * the environment. Model names and aliases route to their model's Service; requests spread over
 * replicas by the routing strategy; failed calls are retried, then fall back to the listed
 * models (a small model to a large one), and prompts too long for a model go to its
 * context-window fallbacks. Clients authenticate with the master key, generated in Secrets
 * Manager and synced by External Secrets (never in configuration or state). Prometheus metrics
 * (requests, failures, tokens, latency, fallbacks) are scraped; traces go to the collector.
 * Reachable inside the VPC by default; optionally through an ALB with TLS and an allow list.
 */
export class LlmGateway extends Construct {
  readonly resource: Manifest;
  readonly serviceName = 'gateway';
  readonly port = PORTS.gateway;
  /** The LiteLLM configuration (config.yaml) as an object. */
  readonly config: object;

  constructor(scope: Construct, id: string, props: LlmGatewayProps) {
    super(scope, id);
    if (props.models.length === 0) throw new BlueprintError(`LlmGateway '${id}': 'models' must not be empty`);
    const models = props.models.map((m) => ({
      name: m.server.modelName,
      aliases: m.aliases ?? [],
      task: m.server.task,
      apiBase: apiBaseOf(m.server),
    }));
    throwProblems(`LlmGateway '${id}'`, gatewayRoutingProblems({ ...props, models }));
    const routes = routeTable(models);
    const tenants = props.tenants ?? [];
    if (tenants.length > 0 && !props.database)
      throw new BlueprintError(`LlmGateway '${id}': tenants need a 'database' (LiteLLM keeps teams and keys there)`);
    for (const t of tenants) {
      if (!(Number.isInteger(t.requestsPerMinute) && t.requestsPerMinute >= 1))
        throw new BlueprintError(
          `LlmGateway '${id}': tenant '${t.name}' requestsPerMinute ${show(t.requestsPerMinute)} must be a positive integer`,
        );
    }
    const db = props.database;
    const coordination = props.coordination;
    const cache = props.semanticCache;
    if (cache && !(cache.similarityThreshold >= 0.7 && cache.similarityThreshold < 1)) {
      throw new BlueprintError(
        `LlmGateway '${id}': semanticCache.similarityThreshold ${show(cache.similarityThreshold)} must be 0.7-0.999`,
      );
    }
    const timeout = props.timeoutSeconds ?? DEFAULTS.gateway.timeoutSeconds;
    // LiteLLM looks fallbacks up by the requested model group, and each alias is a group of its
    // own: a fallback for a model holds for every name that routes to it.
    const namesOf = (name: string): string[] => {
      const model = routes.get(name)!; // every fallback name routes (gatewayRoutingProblems)
      return [model.name, ...model.aliases];
    };
    this.config = {
      model_list: models.flatMap((m) =>
        [m.name, ...m.aliases].map((name) => ({
          model_name: name,
          litellm_params: { model: `hosted_vllm/${m.name}`, api_base: m.apiBase, timeout },
          ...(m.task === 'embed' ? { model_info: { mode: 'embedding' } } : {}),
        })),
      ),
      router_settings: {
        routing_strategy: props.routingStrategy ?? DEFAULTS.gateway.routingStrategy,
        num_retries: props.numRetries ?? DEFAULTS.gateway.numRetries,
        timeout,
        // A deployment failing 3 times in a minute is cooled down for 30 s (its fallbacks serve).
        allowed_fails: 3,
        cooldown_time: 30,
        ...(props.fallbacks?.length
          ? { fallbacks: props.fallbacks.flatMap((f) => namesOf(f.model).map((n) => ({ [n]: [...f.to] }))) }
          : {}),
        ...(props.contextWindowFallbacks?.length
          ? { context_window_fallbacks: props.contextWindowFallbacks.flatMap((f) => namesOf(f.model).map((n) => ({ [n]: [...f.to] }))) }
          : {}),
      },
      litellm_settings: {
        callbacks: props.otlpTracesEndpoint ? ['prometheus', 'otel'] : ['prometheus'],
        drop_params: true,
        ...(cache
          ? {
              cache: true,
              cache_params: {
                type: 'valkey-semantic',
                // rediss://<user>:<password>@<host>:<port>, assembled by External Secrets.
                redis_url: 'os.environ/SEMANTIC_CACHE_URL',
                similarity_threshold: cache.similarityThreshold,
                valkey_semantic_cache_embedding_model: cache.embeddingModel,
                valkey_semantic_cache_index_name: SEMANTIC_CACHE_INDEX,
                ttl: cache.ttlSeconds,
                // The lookup key is every request parameter but the prompt (so the model) plus the
                // caller's key, team and organisation: answers never cross models or tenants.
                semantic_cache_scope: 'key',
                // Chat and completions only: embedding requests are not answered from the cache.
                supported_call_types: ['acompletion', 'completion', 'atext_completion', 'text_completion'],
              },
            }
          : {}),
      },
      general_settings: {
        master_key: 'os.environ/LITELLM_MASTER_KEY',
        ...(db ? { database_url: 'os.environ/DATABASE_URL' } : {}),
        ...(coordination
          ? {
              // Rate limits, budgets and spend counters shared by every replica, signed in with IAM.
              coordination_redis: {
                host: 'os.environ/COORDINATION_REDIS_HOST',
                port: coordination.port,
                ssl: true,
                aws_iam_auth: true,
                aws_iam_user_name: coordination.userName,
                aws_iam_cache_name: coordination.replicationGroupId,
                aws_iam_region: coordination.region,
                namespace: 'gpb-gateway',
              },
            }
          : {}),
      },
    };

    const labels = { 'app.kubernetes.io/name': 'litellm', 'app.kubernetes.io/instance': 'gateway' };
    const meta = (name: string) => ({
      name,
      namespace: GATEWAY_NAMESPACE,
      labels: { ...labels, 'app.kubernetes.io/managed-by': 'gpu-platform-blueprint' },
    });
    const manifest = (mid: string, m: Record<string, unknown>, dependsOn?: Manifest[]) =>
      new Manifest(this, mid, { manifest: m, dependsOn });

    const store = secretsManagerStore(this, 'SecretStore', { metadata: meta(SECRET_STORE), region: props.region });
    const secret = (sid: string, name: string, data: [string, string][], template?: Record<string, string>) =>
      syncedSecret(this, sid, { metadata: meta(name), store, data, template });
    const masterKey = secret('MasterKey', MASTER_KEY_SECRET, [['master-key', props.masterKeySecretName]]);
    const cacheUrl =
      cache &&
      secret('SemanticCacheUrl', SEMANTIC_CACHE_SECRET, [['password', cache.passwordSecretName]], {
        url: `rediss://${cache.username}:{{ .password }}@${cache.host}:${cache.port}`,
      });
    const database =
      db &&
      secret('DatabaseUrl', DATABASE_SECRET, [['password', db.passwordSecretName]], {
        url: `postgresql://${db.username}:{{ .password | urlquery }}@${db.host}:${db.port}/${db.databaseName}?sslmode=require`,
      });
    const configYaml = stringify(this.config);
    const configMap = manifest('Config', {
      apiVersion: 'v1',
      kind: 'ConfigMap',
      metadata: meta('gateway-config'),
      data: { 'config.yaml': configYaml },
    });
    const account = manifest('ServiceAccount', { apiVersion: 'v1', kind: 'ServiceAccount', metadata: meta(GATEWAY_SERVICE_ACCOUNT) });
    const replicas = props.replicas ?? DEFAULTS.gateway.replicas;
    const probe = (path: string, extra: Record<string, number>) => ({
      httpGet: { path, port: this.port },
      periodSeconds: 10,
      timeoutSeconds: 5,
      ...extra,
    });
    this.resource = manifest(
      'Resource',
      {
        apiVersion: 'apps/v1',
        kind: 'Deployment',
        metadata: meta(this.serviceName),
        spec: {
          replicas,
          selector: { matchLabels: labels },
          strategy: { type: 'RollingUpdate', rollingUpdate: { maxUnavailable: 0, maxSurge: 1 } },
          template: {
            // A configuration change rolls the pods (LiteLLM reads its file at start).
            metadata: { labels, annotations: { 'gpb.io/config-sha256': createHash('sha256').update(configYaml).digest('hex') } },
            spec: {
              serviceAccountName: GATEWAY_SERVICE_ACCOUNT,
              // The image's own user (nobody): it owns /app, HOME and the generated Prisma client.
              securityContext: restrictedPodSecurity(LITELLM_USER, { fsGroup: LITELLM_USER.gid }),
              topologySpreadConstraints: [
                {
                  maxSkew: 1,
                  topologyKey: 'topology.kubernetes.io/zone',
                  whenUnsatisfiable: 'ScheduleAnyway',
                  labelSelector: { matchLabels: labels },
                },
              ],
              containers: [
                {
                  name: 'litellm',
                  image: LITELLM_IMAGE,
                  args: ['--config', '/etc/litellm/config.yaml', '--port', String(this.port), '--num_workers', '1'],
                  env: [
                    { name: 'LITELLM_MASTER_KEY', valueFrom: { secretKeyRef: { name: MASTER_KEY_SECRET, key: 'master-key' } } },
                    ...(cache
                      ? [{ name: 'SEMANTIC_CACHE_URL', valueFrom: { secretKeyRef: { name: SEMANTIC_CACHE_SECRET, key: 'url' } } }]
                      : []),
                    ...(database ? [{ name: 'DATABASE_URL', valueFrom: { secretKeyRef: { name: DATABASE_SECRET, key: 'url' } } }] : []),
                    ...(coordination ? [{ name: 'COORDINATION_REDIS_HOST', value: coordination.host }] : []),
                    ...(props.otlpTracesEndpoint
                      ? [
                          { name: 'OTEL_EXPORTER', value: 'otlp_http' },
                          { name: 'OTEL_ENDPOINT', value: props.otlpTracesEndpoint },
                          { name: 'OTEL_SERVICE_NAME', value: 'gateway' },
                        ]
                      : []),
                  ],
                  ports: [{ name: 'http', containerPort: this.port }],
                  resources: { requests: { cpu: '500m', memory: '1Gi' }, limits: { memory: '2Gi' } },
                  securityContext: restrictedContainerSecurity({
                    writableRoot: "LiteLLM generates its Prisma client under /app (the image user's HOME) at start",
                  }),
                  readinessProbe: probe('/health/readiness', { failureThreshold: 3 }),
                  livenessProbe: probe('/health/liveliness', { failureThreshold: 6, initialDelaySeconds: 30 }),
                  volumeMounts: [
                    { name: 'config', mountPath: '/etc/litellm', readOnly: true },
                    { name: 'tmp', mountPath: '/tmp' },
                  ],
                },
              ],
              volumes: [
                { name: 'config', configMap: { name: 'gateway-config' } },
                { name: 'tmp', emptyDir: { sizeLimit: '1Gi' } },
              ],
            },
          },
        },
      },
      [configMap, masterKey, account, ...(cacheUrl ? [cacheUrl] : []), ...(database ? [database] : [])],
    );
    manifest('Service', {
      apiVersion: 'v1',
      kind: 'Service',
      metadata: meta(this.serviceName),
      spec: { selector: labels, ports: [{ name: 'http', port: this.port, targetPort: this.port }] },
    });
    if (props.alb) {
      if (props.alb.allowCidrs.length === 0)
        throw new BlueprintError(
          `LlmGateway '${id}': 'alb.allowCidrs' must name the client networks; an ALB without an allow list admits everyone`,
        );
      manifest('Ingress', {
        apiVersion: 'networking.k8s.io/v1',
        kind: 'Ingress',
        metadata: {
          ...meta(this.serviceName),
          annotations: {
            'alb.ingress.kubernetes.io/scheme': props.alb.scheme,
            'alb.ingress.kubernetes.io/target-type': 'ip',
            'alb.ingress.kubernetes.io/listen-ports': '[{"HTTPS":443}]',
            'alb.ingress.kubernetes.io/certificate-arn': props.alb.certificateArn,
            'alb.ingress.kubernetes.io/ssl-policy': ALB_SSL_POLICY,
            'alb.ingress.kubernetes.io/inbound-cidrs': props.alb.allowCidrs.join(','),
            'alb.ingress.kubernetes.io/healthcheck-path': '/health/liveliness',
            // Streaming completions stay open as long as a call may take.
            'alb.ingress.kubernetes.io/load-balancer-attributes': `idle_timeout.timeout_seconds=${Math.min(4000, timeout)},routing.http.drop_invalid_header_fields.enabled=true`,
          },
        },
        spec: {
          ingressClassName: 'alb',
          rules: [
            {
              http: {
                paths: [{ path: '/', pathType: 'Prefix', backend: { service: { name: this.serviceName, port: { number: this.port } } } }],
              },
            },
          ],
        },
      });
    }
    if (tenants.length > 0) {
      tenantSync(this, {
        tenants,
        image: LITELLM_IMAGE,
        gatewayUrl: `http://${this.serviceName}.${GATEWAY_NAMESPACE}.svc.cluster.local:${this.port}`,
        masterKey: { secretName: MASTER_KEY_SECRET, key: 'master-key' },
        metadata: meta,
        store,
        after: [this.resource],
      });
    }
    if (replicas > 1) {
      manifest('Disruption', {
        apiVersion: 'policy/v1',
        kind: 'PodDisruptionBudget',
        metadata: meta(this.serviceName),
        spec: { maxUnavailable: 1, selector: { matchLabels: labels } },
      });
    }
    props.metrics?.addScrapeTarget({
      name: 'gateway',
      source: 'gateway',
      // The same endpoint reports cache hits and misses once a cache is configured.
      extraSources: cache ? ['semantic_cache'] : [],
      namespace: GATEWAY_NAMESPACE,
      podLabels: labels,
      port: this.port,
    });
  }
}
