import { ExternalSecret } from '@kubernetes-models/external-secrets/external-secrets.io/v1/ExternalSecret';
import { SecretStore } from '@kubernetes-models/external-secrets/external-secrets.io/v1/SecretStore';
import { Deployment } from 'kubernetes-models/apps/v1';
import { Job } from 'kubernetes-models/batch/v1';
import { Ingress } from 'kubernetes-models/networking.k8s.io/v1';
import { PodDisruptionBudget } from 'kubernetes-models/policy/v1';
import { ConfigMap, Service, ServiceAccount } from 'kubernetes-models/v1';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { admit } from '../guardrails/admit';
import { LITELLM_IMAGE, LlmGateway, type LlmGatewayProps } from '../../../constructs/serving/llm-gateway';
import type { ScrapeTarget } from '../../../constructs/telemetry/otel-collector';
import { ALL_RULES } from '../../../policies';
import { evaluateStack } from '../../../policies/engine/evaluate';
import { type JsonObject, StackView } from '../../../policies/engine/stack-view';
import { resourcesOf, synthWith } from '../../helpers';

type Obj = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

/** A model server as the gateway sees it (ModelServer's shape), in gpb-serving on port 8000. */
const served = (name: string, task: 'generate' | 'embed' = 'generate') => ({
  modelName: name,
  task,
  serviceName: `model-${name}`,
  namespace: 'gpb-serving',
  port: 8000,
});

const PROPS: LlmGatewayProps = {
  models: [{ server: served('llama-8b'), aliases: ['chat-small'] }, { server: served('llama-70b') }],
  fallbacks: [{ model: 'llama-8b', to: ['llama-70b'] }],
  contextWindowFallbacks: [{ model: 'chat-small', to: ['llama-70b'] }],
  replicas: 2,
  masterKeySecretName: 'gpb-t/gateway/master-key',
  region: 'us-west-2',
  otlpTracesEndpoint: 'http://otel-gateway.gpb-telemetry.svc.cluster.local:4318/v1/traces',
};

function gateway(over: Partial<LlmGatewayProps> = {}) {
  const json = synthWith((scope) => new LlmGateway(scope, 'Gateway', { ...PROPS, ...over }));
  const manifests = resourcesOf(json, 'kubernetes_manifest').map((m) => m.manifest as Obj);
  const byKind = (k: string) => manifests.find((m) => m.kind === k)!;
  const config = parse(byKind('ConfigMap').data['config.yaml']) as Obj;
  return { json, manifests, byKind, config, deployment: byKind('Deployment') };
}

describe('LlmGateway', () => {
  it('routes every model name and alias to its model’s Service through the vLLM provider', () => {
    const { config } = gateway();
    expect(config.model_list).toEqual([
      {
        model_name: 'llama-8b',
        litellm_params: {
          model: 'hosted_vllm/llama-8b',
          api_base: 'http://model-llama-8b.gpb-serving.svc.cluster.local:8000/v1',
          timeout: 600,
        },
      },
      {
        model_name: 'chat-small',
        litellm_params: {
          model: 'hosted_vllm/llama-8b',
          api_base: 'http://model-llama-8b.gpb-serving.svc.cluster.local:8000/v1',
          timeout: 600,
        },
      },
      {
        model_name: 'llama-70b',
        litellm_params: {
          model: 'hosted_vllm/llama-70b',
          api_base: 'http://model-llama-70b.gpb-serving.svc.cluster.local:8000/v1',
          timeout: 600,
        },
      },
    ]);
  });

  it('retries, cools down failing deployments, and falls back from the small model to the large one', () => {
    const { config } = gateway();
    expect(config.router_settings).toEqual({
      routing_strategy: 'least-busy',
      num_retries: 2,
      timeout: 600,
      allowed_fails: 3,
      cooldown_time: 30,
      // Each alias is a model group of its own in LiteLLM: the fallback holds for every name of the model.
      fallbacks: [{ 'llama-8b': ['llama-70b'] }, { 'chat-small': ['llama-70b'] }],
      context_window_fallbacks: [{ 'llama-8b': ['llama-70b'] }, { 'chat-small': ['llama-70b'] }],
    });
    expect(gateway({ fallbacks: [], contextWindowFallbacks: [] }).config.router_settings.fallbacks).toBeUndefined();
  });

  it('authenticates clients with the master key synced from Secrets Manager, never written in config', () => {
    const { config, byKind, deployment, manifests } = gateway();
    expect(config.general_settings).toEqual({ master_key: 'os.environ/LITELLM_MASTER_KEY' });
    const external = byKind('ExternalSecret');
    expect(external.spec.data).toEqual([{ secretKey: 'master-key', remoteRef: { key: 'gpb-t/gateway/master-key' } }]);
    const env = deployment.spec.template.spec.containers[0].env as Obj[];
    expect(env).toContainEqual({
      name: 'LITELLM_MASTER_KEY',
      valueFrom: { secretKeyRef: { name: 'gateway-master-key', key: 'master-key' } },
    });
    expect(JSON.stringify(manifests)).not.toMatch(/sk-[A-Za-z0-9]{8,}/);
  });

  it('exports Prometheus metrics (scraped) and traces to the collector', () => {
    const targets: ScrapeTarget[] = [];
    const { config, deployment } = gateway({ metrics: { addScrapeTarget: (t) => targets.push(t) } });
    expect(config.litellm_settings.callbacks).toEqual(['prometheus', 'otel']);
    expect(deployment.spec.template.spec.containers[0].env).toContainEqual({ name: 'OTEL_ENDPOINT', value: PROPS.otlpTracesEndpoint });
    expect(targets).toEqual([
      {
        name: 'gateway',
        source: 'gateway',
        extraSources: [],
        namespace: 'gpb-gateway',
        podLabels: { 'app.kubernetes.io/name': 'litellm', 'app.kubernetes.io/instance': 'gateway' },
        port: 4000,
      },
    ]);
    expect(gateway({ otlpTracesEndpoint: undefined }).config.litellm_settings.callbacks).toEqual(['prometheus']);
  });

  describe('semantic cache', () => {
    const EMBED = { server: served('bge-m3', 'embed') };
    const CACHE = {
      host: 'master.gpb-t-valkey.abc123.usw2.cache.amazonaws.com',
      port: 6379,
      username: 'semantic-cache',
      passwordSecretName: 'gpb-t/gateway/semantic-cache-password',
      embeddingModel: 'bge-m3',
      similarityThreshold: 0.92,
      ttlSeconds: 1800,
    };
    const cached = (over: Partial<LlmGatewayProps> = {}) => gateway({ models: [...PROPS.models, EMBED], semanticCache: CACHE, ...over });

    it('looks answers up on Valkey by prompt embedding, scoped per model and caller, for chat and completions only', () => {
      const { config } = cached();
      expect(config.litellm_settings.cache).toBe(true);
      expect(config.litellm_settings.cache_params).toEqual({
        type: 'valkey-semantic',
        redis_url: 'os.environ/SEMANTIC_CACHE_URL',
        similarity_threshold: 0.92,
        valkey_semantic_cache_embedding_model: 'bge-m3',
        valkey_semantic_cache_index_name: 'gpb-semcache',
        ttl: 1800,
        semantic_cache_scope: 'key',
        supported_call_types: ['acompletion', 'completion', 'atext_completion', 'text_completion'],
      });
      // the embedding model is routed as one, and nothing merges models into one cache bucket
      expect(config.model_list.find((m: Obj) => m.model_name === 'bge-m3')).toEqual({
        model_name: 'bge-m3',
        litellm_params: {
          model: 'hosted_vllm/bge-m3',
          api_base: 'http://model-bge-m3.gpb-serving.svc.cluster.local:8000/v1',
          timeout: 600,
        },
        model_info: { mode: 'embedding' },
      });
      expect(config.router_settings.caching_groups).toBeUndefined();
      expect(gateway().config.litellm_settings.cache).toBeUndefined();
    });

    it('connects over TLS as its own user, the password assembled into the URL by External Secrets (never in configuration)', () => {
      const { manifests, deployment, config } = cached();
      const url = manifests.find((m) => m.kind === 'ExternalSecret' && m.metadata.name === 'gateway-semantic-cache')!;
      expect(url.spec.target.template.data.url).toBe(`rediss://semantic-cache:{{ .password }}@${CACHE.host}:6379`);
      expect(url.spec.data).toEqual([{ secretKey: 'password', remoteRef: { key: CACHE.passwordSecretName } }]);
      expect(() => new ExternalSecret(url as never).validate()).not.toThrow();
      expect(deployment.spec.template.spec.containers[0].env).toContainEqual({
        name: 'SEMANTIC_CACHE_URL',
        valueFrom: { secretKeyRef: { name: 'gateway-semantic-cache', key: 'url' } },
      });
      expect(JSON.stringify(config)).not.toContain('rediss://');
    });

    it('reports cache hits and misses as the semantic_cache source of the same scrape target', () => {
      const targets: ScrapeTarget[] = [];
      cached({ metrics: { addScrapeTarget: (t) => targets.push(t) } });
      expect(targets.map((t) => [t.source, t.extraSources])).toEqual([['gateway', ['semantic_cache']]]);
    });

    it('refuses an embedding model that is not an embedding model of the gateway, and a threshold out of range', () => {
      expect(() => gateway({ semanticCache: CACHE })).toThrow(
        "LlmGateway 'Gateway': 'semanticCache.embeddingModel' 'bge-m3' must name a model with task: 'embed' the gateway routes (none declared; add one)",
      );
      expect(() => cached({ semanticCache: { ...CACHE, embeddingModel: 'llama-8b' } })).toThrow(
        /'semanticCache.embeddingModel' 'llama-8b' must name a model with task: 'embed' the gateway routes \('bge-m3'\)/,
      );
      expect(() => cached({ semanticCache: { ...CACHE, similarityThreshold: 1 } })).toThrow(/similarityThreshold 1 must be 0.7-0.999/);
    });
  });

  describe('tenants', () => {
    const TENANTS = [
      {
        name: 'search',
        models: ['chat-small'],
        requestsPerMinute: 600,
        tokensPerMinute: 100_000,
        maxParallelRequests: 8,
        keySecretName: 'gpb-t/gateway/tenants/search',
      },
      { name: 'assistant', models: ['llama-8b', 'llama-70b'], requestsPerMinute: 60, keySecretName: 'gpb-t/gateway/tenants/assistant' },
    ];
    const DB = {
      host: 'gpb-t-gateway.abc.us-west-2.rds.amazonaws.com',
      port: 5432,
      databaseName: 'litellm',
      username: 'litellm',
      passwordSecretName: 'gpb-t/gateway/database-password',
    };
    const COORD = {
      host: 'master.gpb-t-valkey.abc.usw2.cache.amazonaws.com',
      port: 6379,
      replicationGroupId: 'gpb-t-valkey',
      userName: 'gpb-app',
      region: 'us-west-2',
    };
    const tenanted = (over: Partial<LlmGatewayProps> = {}) => gateway({ tenants: TENANTS, database: DB, coordination: COORD, ...over });
    const job = (g: ReturnType<typeof gateway>) => g.manifests.find((m) => m.kind === 'Job')!;

    it('keeps teams and keys in PostgreSQL (URL assembled by External Secrets, TLS required) and counts limits on Valkey with IAM', () => {
      const { config, manifests, deployment } = tenanted();
      expect(config.general_settings).toEqual({
        master_key: 'os.environ/LITELLM_MASTER_KEY',
        database_url: 'os.environ/DATABASE_URL',
        coordination_redis: {
          host: 'os.environ/COORDINATION_REDIS_HOST',
          port: 6379,
          ssl: true,
          aws_iam_auth: true,
          aws_iam_user_name: 'gpb-app',
          aws_iam_cache_name: 'gpb-t-valkey',
          aws_iam_region: 'us-west-2',
          namespace: 'gpb-gateway',
        },
      });
      const url = manifests.find((m) => m.kind === 'ExternalSecret' && m.metadata.name === 'gateway-database')!;
      expect(url.spec.target.template.data.url).toBe(
        `postgresql://litellm:{{ .password | urlquery }}@${DB.host}:5432/litellm?sslmode=require`,
      );
      const env = deployment.spec.template.spec.containers[0].env as Obj[];
      expect(env).toContainEqual({ name: 'DATABASE_URL', valueFrom: { secretKeyRef: { name: 'gateway-database', key: 'url' } } });
      expect(env).toContainEqual({ name: 'COORDINATION_REDIS_HOST', value: COORD.host });
      expect(gateway().config.general_settings).toEqual({ master_key: 'os.environ/LITELLM_MASTER_KEY' });
    });

    it('runs a restricted Job that syncs the declared tenants with their keys, renamed whenever anything it runs changes', () => {
      const g = tenanted();
      const files = g.manifests.find((m) => m.kind === 'ConfigMap' && m.metadata.name === 'gateway-tenants')!;
      expect(JSON.parse(files.data['tenants.json'])).toEqual([
        { name: 'search', models: ['chat-small'], rpm: 600, tpm: 100000, parallel: 8 },
        { name: 'assistant', models: ['llama-8b', 'llama-70b'], rpm: 60, tpm: null, parallel: null },
      ]);
      expect(files.data['sync.py']).toContain('def main():');
      const keys = g.manifests.find((m) => m.kind === 'ExternalSecret' && m.metadata.name === 'gateway-tenant-keys')!;
      expect(keys.spec.data).toEqual([
        { secretKey: 'search', remoteRef: { key: 'gpb-t/gateway/tenants/search' } },
        { secretKey: 'assistant', remoteRef: { key: 'gpb-t/gateway/tenants/assistant' } },
      ]);
      const j = job(g);
      expect(() => new Job(j as never).validate()).not.toThrow();
      expect(j.spec.ttlSecondsAfterFinished).toBeUndefined();
      const c = j.spec.template.spec.containers[0];
      expect(c).toMatchObject({
        image: LITELLM_IMAGE,
        command: ['python3', '/etc/gpb/tenants/sync.py'],
        securityContext: { readOnlyRootFilesystem: true, allowPrivilegeEscalation: false },
      });
      expect(c.env).toContainEqual({ name: 'GATEWAY_URL', value: 'http://gateway.gpb-gateway.svc.cluster.local:4000' });
      expect(admit({ spec: j.spec.template.spec })).toEqual([]);
      // same input, same Job; different limits, a new Job (a Job's template is immutable)
      expect(job(tenanted()).metadata.name).toBe(j.metadata.name);
      expect(job(tenanted({ tenants: [{ ...TENANTS[0], requestsPerMinute: 601 }, TENANTS[1]] })).metadata.name).not.toBe(j.metadata.name);
      const raw = resourcesOf(g.json, 'kubernetes_manifest').find((m) => (m.manifest as Obj).kind === 'Job')!;
      expect(raw.computed_fields).toEqual(expect.arrayContaining(['spec.selector', 'spec.template.metadata.labels']));
    });

    it('refuses tenants without a database, with unknown models or duplicate names', () => {
      expect(() => gateway({ tenants: TENANTS })).toThrow(/tenants need a 'database'/);
      expect(() => tenanted({ tenants: [{ ...TENANTS[0], models: ['gpt-9'] }] })).toThrow(
        /'tenants\[0\]\.models\[0\]' 'gpt-9' must name a model or alias the gateway routes/,
      );
      expect(() => tenanted({ tenants: [TENANTS[0], TENANTS[0]] })).toThrow(
        "'tenants[1].name' 'search' is used by another tenant; names must be unique",
      );
    });
  });

  it('rolls its pods when the configuration changes', () => {
    const sha = (g: ReturnType<typeof gateway>) => g.deployment.spec.template.metadata.annotations['gpb.io/config-sha256'];
    expect(sha(gateway())).toMatch(/^[0-9a-f]{64}$/);
    expect(sha(gateway())).toBe(sha(gateway()));
    expect(sha(gateway({ numRetries: 3 }))).not.toBe(sha(gateway()));
  });

  it('emits objects valid against upstream schemas, with a disruption budget when replicated', () => {
    const { byKind, deployment } = gateway();
    expect(deployment.spec.template.spec.containers[0].image).toBe(LITELLM_IMAGE);
    expect(LITELLM_IMAGE).toMatch(/:v\d+\.\d+\.\d+$/); // exact releases (no moving -stable or main- tags)
    const models: [string, { new (d: never): { validate(): void } }][] = [
      ['Deployment', Deployment],
      ['Service', Service],
      ['ConfigMap', ConfigMap],
      ['ServiceAccount', ServiceAccount],
      ['PodDisruptionBudget', PodDisruptionBudget],
      ['ExternalSecret', ExternalSecret],
      ['SecretStore', SecretStore],
    ];
    for (const [kind, Model] of models) expect(() => new Model(byKind(kind) as never).validate(), kind).not.toThrow();
    expect(gateway({ replicas: 1 }).manifests.some((m) => m.kind === 'PodDisruptionBudget')).toBe(false);
  });

  it('passes the policy pack and the in-cluster admission policy', () => {
    const { json, deployment } = gateway();
    const findings = evaluateStack(new StackView('t', json as unknown as JsonObject), ALL_RULES, { environment: 't', stage: 'prod' }, []);
    expect(findings.filter((f) => f.severity === 'error')).toEqual([]);
    expect(admit({ spec: deployment.spec.template.spec })).toEqual([]);
    expect(deployment.spec.template.spec.securityContext).toMatchObject({ runAsNonRoot: true, seccompProfile: { type: 'RuntimeDefault' } });
  });

  it('rejects a name routed twice, a fallback to an unknown model, and no models', () => {
    expect(() => gateway({ models: [...PROPS.models, { server: served('other'), aliases: ['chat-small'] }] })).toThrow(
      "LlmGateway 'Gateway': 'models[2].aliases[0]' 'chat-small' is already a model name or alias; each name must route to one model",
    );
    expect(() => gateway({ fallbacks: [{ model: 'llama-8b', to: ['gpt-9'] }] })).toThrow(
      "'fallbacks[0].to[0]' 'gpt-9' must name a model or alias the gateway routes",
    );
    expect(() => gateway({ models: [] })).toThrow("'models' must not be empty");
  });

  it('is VPC-internal by default; with an ALB: HTTPS only, TLS 1.2+, the allow list, IP targets, long idle timeout', () => {
    expect(gateway().manifests.some((m) => m.kind === 'Ingress')).toBe(false);
    const arn = 'arn:aws:acm:us-west-2:111122223333:certificate/0f0e0d0c-0b0a-0908-0706-050403020100';
    const ingress = gateway({
      alb: { scheme: 'internet-facing', certificateArn: arn, allowCidrs: ['203.0.113.0/24', '198.51.100.0/24'] },
    }).byKind('Ingress');
    expect(() => new Ingress(ingress as never).validate()).not.toThrow();
    expect(ingress.spec.ingressClassName).toBe('alb');
    expect(ingress.spec.rules[0].http.paths[0].backend).toEqual({ service: { name: 'gateway', port: { number: 4000 } } });
    expect(ingress.metadata.annotations).toMatchObject({
      'alb.ingress.kubernetes.io/scheme': 'internet-facing',
      'alb.ingress.kubernetes.io/target-type': 'ip',
      'alb.ingress.kubernetes.io/listen-ports': '[{"HTTPS":443}]',
      'alb.ingress.kubernetes.io/certificate-arn': arn,
      'alb.ingress.kubernetes.io/ssl-policy': 'ELBSecurityPolicy-TLS13-1-2-2021-06',
      'alb.ingress.kubernetes.io/inbound-cidrs': '203.0.113.0/24,198.51.100.0/24',
    });
    expect(ingress.metadata.annotations['alb.ingress.kubernetes.io/load-balancer-attributes']).toContain(
      'idle_timeout.timeout_seconds=600',
    );
    expect(() => gateway({ alb: { scheme: 'internal', certificateArn: arn, allowCidrs: [] } })).toThrow(
      "'alb.allowCidrs' must name the client networks",
    );
  });
});
