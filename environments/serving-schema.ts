import { z } from 'zod';
import { dbInstanceClassProblem } from '../model/aws-names';
import { ruled } from './fields';
import { type GpuConfig, instanceTypeResolver } from './gpu-schema';
import { type GpuCapacitySpec, gpuCapacities } from '../model/gpu-capacity';
import { modelPlacementProblems } from '../model/rules/model-placement';
import { replicaRangeProblems } from '../model/rules/replicas';
import { gatewayRoutingProblems, MODEL_NAME_TAKEN, routeTable } from '../model/rules/gateway';
import { parseCidr } from '../model/cidr';
import { cidr } from './fields';
import { GATEWAY_IDENTITY } from '../model/workload-identity';
import { DEFAULTS } from '../model/defaults';

const dnsLabel = z.string().regex(/^[a-z]([-a-z0-9]{0,38}[a-z0-9])?$/, 'must be a lowercase DNS label of at most 40 characters');

/** Bytes per parameter of each weight format. */
export const BYTES_PER_PARAMETER = { bf16: 2, fp16: 2, fp8: 1, int8: 1, int4: 0.5 } as const;

export const modelSchema = z.strictObject({
  /** Served model name (OpenAI `model` field) and Kubernetes name. */
  name: dnsLabel,
  /** vLLM (LLMs, OpenAI API) or Triton (any framework, model repository in S3). @default 'vllm' */
  engine: z.enum(['vllm', 'triton']).default(DEFAULTS.model.engine),
  /**
   * What a vLLM model serves: chat and completions (`generate`) or embeddings (`embed`, the
   * OpenAI `/v1/embeddings` API; the semantic cache's embedding model is one). @default 'generate'
   */
  task: z.enum(['generate', 'embed']).default(DEFAULTS.model.task),
  /** The GPU pool or node group the model runs on. */
  pool: dnsLabel,
  /** Parameters in billions (e.g. 8 for Llama 3.1 8B). */
  parametersBillions: z.number().positive('must be a positive number of billions'),
  dtype: z.enum(['bf16', 'fp16', 'fp8', 'int8', 'int4']),
  /** GPUs per replica = tensor-parallel size. @default 1 */
  gpusPerReplica: z.number().int().min(1).max(8).default(DEFAULTS.model.gpusPerReplica),
  /**
   * Nodes per replica, for models too large for one node: a LeaderWorkerSet on an EFA pool,
   * `gpusPerReplica` GPUs per node (whole nodes), pipeline parallelism across nodes. @default 1
   */
  nodesPerReplica: z.number().int().min(1, 'must be at least 1').max(16, 'must be at most 16').default(DEFAULTS.model.nodesPerReplica),
  /** Share of GPU memory kept for the KV cache, activations and CUDA graphs. @default 0.3 */
  kvCacheHeadroom: z.number().min(0.05, 'must be 0.05-0.9').max(0.9, 'must be 0.05-0.9').default(0.3),
  /** @default 1 */
  minReplicas: z.number().int().min(0).default(1),
  maxReplicas: z.number().int().min(1),
  /** Must not run on interruptible (spot-only) capacity. @default false */
  critical: z.boolean().default(false),
  /** More names the gateway answers to for this model (e.g. `chat-small`). @default [] */
  aliases: z
    .array(z.string().regex(/^[a-zA-Z0-9][a-zA-Z0-9._:-]{0,62}$/, 'must be 1-63 letters, digits, ".", "_", ":" or "-"'))
    .default([]),
});

const fallbackSchema = z.strictObject({
  /** The model (name or alias) whose failures fall back. */
  model: z.string(),
  /** Models tried in order when it fails, is overloaded or (for context-window fallbacks) the prompt is too long. */
  to: z.array(z.string()).min(1, 'must name at least one model'),
});

/** How clients reach the gateway: inside the VPC only (default), or through an ALB with TLS. */
export const exposureSchema = z.discriminatedUnion('type', [
  z.strictObject({ type: z.literal('internal') }),
  z.strictObject({
    type: z.literal('alb'),
    /** `internal` (VPC and connected networks) or `internet-facing`. @default 'internal' */
    scheme: z.enum(['internal', 'internet-facing']).default('internal'),
    /** ACM certificate for the HTTPS listener. */
    certificateArn: z.string().regex(/^arn:aws[a-z-]*:acm:[a-z0-9-]+:\d{12}:certificate\/[0-9a-f-]{36}$/, 'must be an ACM certificate ARN'),
    /** Client networks allowed to connect (the ALB's inbound rules). Never 0.0.0.0/0 in prod. */
    allowCidrs: z.array(cidr).min(1, 'must name at least one client network'),
  }),
]);

/**
 * The gateway's semantic cache on the data layer's Valkey (vector search): a prompt whose
 * embedding is close enough to an earlier one, for the same model and the same caller, gets the
 * earlier answer without reaching the model.
 */
export const semanticCacheSchema = z.strictObject({
  /** The vLLM model (task `embed`) that embeds prompts for the lookup. */
  embeddingModel: z.string(),
  /** Cosine similarity a cached prompt needs to answer a new one (higher: fewer, safer hits). @default 0.9 */
  similarityThreshold: z.number().min(0.7, 'must be 0.7-0.999').max(0.999, 'must be 0.7-0.999').default(0.9),
  /** How long an answer stays cached, in seconds. @default 3600 */
  ttlSeconds: z
    .number()
    .int()
    .min(60, 'must be 60-604800 (one minute to a week)')
    .max(604_800, 'must be 60-604800 (one minute to a week)')
    .default(3600),
});

/** A tenant of the gateway: its own key and team, limited in requests, tokens and concurrency. */
export const tenantSchema = z.strictObject({
  /** Team id in the gateway; its key is `gpb-<env>/gateway/tenants/<name>` in Secrets Manager. */
  name: dnsLabel,
  /** Models (names or aliases) it may call. @default - every model the gateway routes */
  models: z.array(z.string()).min(1, 'must name at least one model (leave it out for all)').optional(),
  /** Requests per minute, over all its keys and every gateway replica. */
  requestsPerMinute: z.number().int().min(1, 'must be 1-1000000').max(1_000_000, 'must be 1-1000000'),
  /** Prompt and completion tokens per minute. @default - no token limit */
  tokensPerMinute: z.number().int().min(1, 'must be at least 1').optional(),
  /** Requests in flight at once. @default - no limit */
  maxParallelRequests: z.number().int().min(1, 'must be 1-10000').max(10_000, 'must be 1-10000').optional(),
});

/** The gateway's PostgreSQL (RDS), where LiteLLM keeps teams, keys and spend: only with tenants. */
export const gatewayDatabaseSchema = z.strictObject({
  /** @default 'db.t4g.medium' */
  instanceClass: ruled(dbInstanceClassProblem).default(DEFAULTS.gatewayDatabase.instanceClass),
  /** Initial storage in GiB; grows automatically up to five times this. @default 20 */
  storageGiB: z.number().int().min(20, 'must be 20-1000').max(1000, 'must be 20-1000').default(DEFAULTS.gatewayDatabase.storageGiB),
  /** @default 7 */
  backupRetentionDays: z
    .number()
    .int()
    .min(1, 'must be 1-35')
    .max(35, 'must be 1-35')
    .default(DEFAULTS.gatewayDatabase.backupRetentionDays),
});

export const gatewaySchema = z.strictObject({
  /** Gateway pods. @default 1 (at least 2 in prod) */
  replicas: z.number().int().min(1).max(20).default(DEFAULTS.gateway.replicas),
  /** How requests spread over a model's replicas. @default 'least-busy' */
  routingStrategy: z.enum(['least-busy', 'simple-shuffle', 'latency-based-routing']).default(DEFAULTS.gateway.routingStrategy),
  /** Retries of a failed call before falling back. @default 2 */
  numRetries: z.number().int().min(0).max(5).default(DEFAULTS.gateway.numRetries),
  /** Seconds a call may take. @default 600 */
  timeoutSeconds: z.number().int().min(10).max(3600).default(DEFAULTS.gateway.timeoutSeconds),
  /** On failure or overload, try these models in order (e.g. a small model falls back to a large one). @default [] */
  fallbacks: z.array(fallbackSchema).default([]),
  /** When a prompt does not fit the model's context window, use these. @default [] */
  contextWindowFallbacks: z.array(fallbackSchema).default([]),
  /** @default { type: 'internal' } */
  exposure: exposureSchema.default({ type: 'internal' }),
  /** Semantic cache on the data layer's Valkey (docs/serving.md, "Semantic cache"). @default - off */
  semanticCache: semanticCacheSchema.optional(),
  /** Tenants, each with its own key and rate limits (docs/serving.md, "Tenants"). @default [] */
  tenants: z.array(tenantSchema).default([]),
  /** The database that holds the tenants' teams and keys (built only when there are tenants). */
  database: gatewayDatabaseSchema.prefault({}),
});

export const autoscalingSchema = z.strictObject({
  /** vLLM: requests in flight (running + waiting) per replica KEDA aims for. @default 16 */
  targetInFlightPerReplica: z.number().int().min(1, 'must be at least 1').max(1024, 'must be at most 1024').default(16),
  /** Triton: mean queue time per request, in milliseconds, above which replicas are added. @default 100 */
  targetQueueMilliseconds: z.number().positive('must be a positive number of milliseconds').default(100),
  /** Seconds between KEDA's queries. @default 15 */
  pollingSeconds: z.number().int().min(5, 'must be 5-300').max(300, 'must be 5-300').default(DEFAULTS.autoscaling.pollingSeconds),
  /** Seconds without load before a model drops to minReplicas. @default 300 */
  cooldownSeconds: z.number().int().min(60, 'must be 60-3600').max(3600, 'must be 60-3600').default(DEFAULTS.autoscaling.cooldownSeconds),
  /**
   * Let models with `minReplicas: 0` scale to zero when idle; the gateway's request count for the
   * model wakes them (the first requests fail or fall back while it loads). Not in prod. @default false
   */
  scaleToZero: z.boolean().default(false),
});

export const servingSchema = z.strictObject({
  /** Models to serve. @default [] */
  models: z.array(modelSchema).default([]),
  /** How KEDA scales model servers between minReplicas and maxReplicas. */
  autoscaling: autoscalingSchema.prefault({}),
  /** The OpenAI-compatible gateway in front of the vLLM models (docs/serving.md, "Gateway"). */
  gateway: gatewaySchema.prefault({}),
});

export type ServingConfig = z.output<typeof servingSchema>;
export type ModelConfig = ServingConfig['models'][number];

/** The models the gateway routes (vLLM; Triton is not an OpenAI chat server): none means no gateway. */
export function routedModels(serving: Pick<ServingConfig, 'models'>): ModelConfig[] {
  return serving.models.filter((m) => m.engine === 'vllm');
}

/** Weight memory of a model in GiB. */
export function weightsGiB(m: Pick<ModelConfig, 'parametersBillions' | 'dtype'>): number {
  return (m.parametersBillions * 1e9 * BYTES_PER_PARAMETER[m.dtype]) / 2 ** 30;
}

/** The environment's GPU capacities by name, as sizing needs them (model/gpu-capacity.ts derives them). */
export function capacitiesOf(gpu: GpuConfig): Map<string, GpuCapacitySpec> {
  return new Map(gpuCapacities(gpu, instanceTypeResolver(gpu)).map((c) => [c.name, c]));
}

type Issue = (path: (string | number)[], input: unknown, message: string) => void;

/**
 * Sizing at synth: weights plus headroom fit the GPUs of a replica on every instance type the
 * pool may launch; the tensor-parallel size divides the GPUs per node; the replicas fit under
 * the pool's GPU cap; critical models stay off spot-only capacity.
 */
export function servingRules(
  serving: ServingConfig,
  gpu: GpuConfig,
  issue: Issue,
  stage: 'dev' | 'staging' | 'prod',
  cache: CacheView | undefined,
): void {
  gatewayRules(serving, issue, stage);
  semanticCacheRules(serving, issue, cache !== undefined);
  tenantRules(serving, issue, cache);
  const capacities = capacitiesOf(gpu);
  const names = new Set<string>();
  serving.models.forEach((m, i) => {
    const at = (...rest: (string | number)[]) => ['serving', 'models', i, ...rest];
    if (names.has(m.name)) issue(at('name'), m.name, MODEL_NAME_TAKEN);
    names.add(m.name);
    const cap = capacities.get(m.pool);
    for (const p of modelPlacementProblems({ ...m, capacity: cap })) issue(at(...p.field), p.value, p.message);
    if (!cap) {
      issue(
        at('pool'),
        m.pool,
        `must name a GPU pool or node group of this environment (${[...capacities.keys()].map((n) => `'${n}'`).join(', ') || 'none declared'})`,
      );
      return;
    }
    for (const p of replicaRangeProblems(m)) issue(at(...p.field), p.value, p.message);
    const tp = m.gpusPerReplica;
    const nodes = m.nodesPerReplica;
    const need = weightsGiB(m) * (1 + m.kvCacheHeadroom);
    const gpus = tp * nodes;
    const tooSmall = cap.instanceTypes.filter((t) => t.gpuMemoryGiB * gpus < need);
    if (tooSmall.length > 0) {
      issue(
        at('gpusPerReplica'),
        tp,
        `gives ${tooSmall.map((t) => `${gpus} x ${t.gpuMemoryGiB} GiB (${t.name})`).join(', ')}, but ${m.name} needs ${need.toFixed(1)} GiB (${weightsGiB(m).toFixed(1)} GiB of ${m.dtype} weights + ${Math.round(m.kvCacheHeadroom * 100)}% headroom); use more GPUs per replica, more nodes per replica (nodesPerReplica, on an EFA pool), a smaller dtype or larger GPUs`,
      );
    }
    if (m.maxReplicas * gpus > cap.maxGpus) {
      issue(
        at('maxReplicas'),
        m.maxReplicas,
        `needs ${m.maxReplicas * gpus} GPUs (${m.maxReplicas} x ${gpus}) but pool '${cap.name}' is capped at ${cap.maxGpus}`,
      );
    }
    if (m.critical && cap.interruptible)
      issue(at('pool'), m.pool, `is spot-only; critical model '${m.name}' needs on-demand or reserved capacity`);
  });
}

/** Gateway rules: fallbacks name models the gateway serves, never themselves, without cycles. */
function gatewayRules(serving: ServingConfig, issue: Issue, stage: 'dev' | 'staging' | 'prod'): void {
  const toZero = serving.autoscaling.scaleToZero;
  if (toZero && stage === 'prod')
    issue(['serving', 'autoscaling', 'scaleToZero'], true, 'must be false in a prod-stage environment: a cold start takes minutes');
  serving.models.forEach((m, i) => {
    if (m.minReplicas !== 0) return;
    if (!toZero)
      issue(['serving', 'models', i, 'minReplicas'], 0, 'needs serving.autoscaling.scaleToZero: true (not in prod); otherwise set it to 1');
    else if (m.engine !== 'vllm')
      issue(
        ['serving', 'models', i, 'minReplicas'],
        0,
        `cannot wake Triton model '${m.name}': only models behind the gateway scale to zero`,
      );
  });
  const routed = routedModels(serving);
  // Aliases of models the gateway does not route, and aliases that shadow such a model's name:
  // the routing rules below see only the routed models.
  serving.models.forEach((m, i) => {
    m.aliases.forEach((a, j) => {
      if (m.engine !== 'vllm')
        issue(
          ['serving', 'models', i, 'aliases', j],
          a,
          `is an alias of Triton model '${m.name}', which the gateway does not route (only vLLM models)`,
        );
      else if (serving.models.some((x) => x.engine !== 'vllm' && x.name === a))
        issue(['serving', 'models', i, 'aliases', j], a, 'is already a model name or alias; each name must route to one model');
    });
  });
  const g = serving.gateway;
  const routing = {
    models: routed,
    fallbacks: g.fallbacks,
    contextWindowFallbacks: g.contextWindowFallbacks,
    semanticCache: g.semanticCache,
    tenants: g.tenants,
  };
  for (const p of gatewayRoutingProblems(routing)) {
    // models[k] indexes the routed models; the environment file's index is the model's own.
    const [head, k, ...rest] = p.field;
    const path =
      head === 'models' ? ['serving', 'models', serving.models.indexOf(routed[k as number]), ...rest] : ['serving', 'gateway', ...p.field];
    issue(path, p.value, p.message);
  }
  const exposure = serving.gateway.exposure;
  if (exposure.type === 'alb') {
    if (routed.length === 0)
      issue(['serving', 'gateway', 'exposure'], exposure.type, 'exposes a gateway this environment does not run (it has no vLLM model)');
    exposure.allowCidrs.forEach((c, i) => {
      const parsed = parseCidr(c);
      if (parsed && parsed.prefix === 0 && stage === 'prod') {
        issue(
          ['serving', 'gateway', 'exposure', 'allowCidrs', i],
          c,
          'opens the gateway to the whole internet; a prod-stage gateway must name its client networks',
        );
      }
    });
  }
  if (stage === 'prod' && routed.length > 0 && serving.gateway.replicas < 2) {
    issue(
      ['serving', 'gateway', 'replicas'],
      serving.gateway.replicas,
      'must be at least 2 in a prod-stage environment (one endpoint for every model)',
    );
  }
}

/** What the serving rules need to know of the data layer's Valkey. */
export interface CacheView {
  readonly clients: readonly { readonly namespace: string; readonly serviceAccount: string }[];
}

/** The gateway's identity (data-layer roles trust it). */
const GATEWAY_CLIENT = GATEWAY_IDENTITY;

/**
 * Tenants: unique names, models the gateway routes, and, with more than one gateway replica, the
 * data layer's Valkey with the gateway as a client (the replicas count each tenant's requests
 * there together; without it each replica would allow the whole limit).
 */
function tenantRules(serving: ServingConfig, issue: Issue, cache: CacheView | undefined): void {
  const tenants = serving.gateway.tenants;
  if (tenants.length === 0) return;
  const routed = routedModels(serving);
  if (routed.length === 0)
    issue(
      ['serving', 'gateway', 'tenants'],
      tenants.map((t) => t.name),
      'need a gateway, and this environment has no vLLM model',
    );
  // Unique names and routed models: the gateway's routing rules (model/rules/gateway.ts).
  const replicas = serving.gateway.replicas;
  if (replicas > 1 && !cache) {
    issue(
      ['serving', 'gateway', 'tenants'],
      tenants.map((t) => t.name),
      `need data.cache with ${replicas} gateway replicas: the replicas count each tenant's requests together on Valkey; without it each would allow the whole limit`,
    );
  } else if (
    cache &&
    !cache.clients.some((c) => c.namespace === GATEWAY_CLIENT.namespace && c.serviceAccount === GATEWAY_CLIENT.serviceAccount)
  ) {
    issue(
      ['data', 'cache', 'clients'],
      cache.clients,
      `must include { namespace: '${GATEWAY_CLIENT.namespace}', serviceAccount: '${GATEWAY_CLIENT.serviceAccount}' }: the gateway counts its tenants' requests on Valkey, signed in with IAM`,
    );
  }
}

/** The semantic cache needs the data layer's Valkey and an always-on embedding model of this environment. */
function semanticCacheRules(serving: ServingConfig, issue: Issue, hasCache: boolean): void {
  const sc = serving.gateway.semanticCache;
  if (!sc) return;
  const at = (...rest: string[]) => ['serving', 'gateway', 'semanticCache', ...rest];
  if (!hasCache)
    issue(
      at('embeddingModel'),
      sc.embeddingModel,
      "needs the data layer's Valkey: add data.cache (ElastiCache for Valkey 8.2, whose vector search holds the cache)",
    );
  const model = routeTable(routedModels(serving)).get(sc.embeddingModel);
  // Not an embedding model: reported by the gateway's routing rules.
  if (model?.task === 'embed' && model.minReplicas < 1) {
    issue(
      at('embeddingModel'),
      sc.embeddingModel,
      `names '${model.name}', which may scale to zero; every cached request embeds its prompt first, so set its minReplicas to at least 1`,
    );
  }
}
