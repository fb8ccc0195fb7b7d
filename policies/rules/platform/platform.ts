import { parse as parseYaml } from 'yaml';
import { resourceRule, type Rule, stackRule } from '../../engine/rule';
import { block, isUnknown, type JsonObject, type ResourceView } from '../../engine/stack-view';
import { isGpuNodeGroup, isGpuNodePool, nodePoolOf } from '../gpu-capacity';
import { identityStatements } from '../iam-documents';

/** Tag that marks an IAM role as a model server's (PodIdentityRole sets it for model servers). */
export const WORKLOAD_KIND_TAG = 'gpb.io/workload-kind';

export const PLATFORM_RULES: Rule[] = [
  resourceRule({
    id: 'GPB-AI-001',
    pack: 'platform',
    severity: 'error',
    title: 'GPU node pools have a GPU limit',
    rationale: 'An uncapped GPU pool turns a runaway autoscaler or a bad HPA into a five-figure bill overnight.',
    remediation: "Set spec.limits['nvidia.com/gpu'] on the NodePool (GpuNodePool requires it).",
    types: ['kubernetes_manifest'],
    check: (r) => {
      const pool = nodePoolOf(r);
      if (!pool || !isGpuNodePool(pool)) return undefined;
      const limit = block(block(pool.spec)?.limits)?.['nvidia.com/gpu'];
      const name = String(block(pool.metadata)?.name ?? r.name);
      return limit === undefined ? `NodePool '${name}' can launch GPU nodes but has no limits['nvidia.com/gpu']` : undefined;
    },
  }),
  stackRule({
    id: 'GPB-AI-002',
    pack: 'platform',
    severity: 'error',
    title: 'Staging and prod environments with GPU capacity set a GPU budget',
    rationale: 'A budget turns a capacity increase into a reviewed decision instead of a surprise on the invoice.',
    remediation: 'Set budget.monthlyGpuUsd in the environment file.',
    evaluate: (stack, ctx) => {
      if (ctx.stage === 'dev' || ctx.monthlyGpuBudgetUsd !== undefined) return [];
      const gpu = stack.resources.find((r) => isGpuNodeGroup(r) || (nodePoolOf(r) && isGpuNodePool(nodePoolOf(r)!)));
      return gpu
        ? [{ resource: gpu, message: `environment '${ctx.environment}' (${ctx.stage}) has GPU capacity and no budget.monthlyGpuUsd` }]
        : [];
    },
  }),
  resourceRule({
    id: 'GPB-AI-003',
    pack: 'platform',
    severity: 'error',
    title: 'Databases, vector stores and caches require authentication',
    rationale: 'Embeddings, cached answers and gateway keys are derived from private data; network position alone is not authentication.',
    remediation:
      'Aurora and RDS: IAM auth, and a Secrets Manager-managed master password or a write-only one (password_wo from a generated secret). ElastiCache: an AUTH token or RBAC user group. OpenSearch Serverless: no public network access in prod.',
    types: ['aws_rds_cluster', 'aws_db_instance', 'aws_elasticache_replication_group', 'aws_opensearchserverless_security_policy'],
    check: (r, ctx) => {
      const c = r.config;
      if (r.type === 'aws_rds_cluster' || r.type === 'aws_db_instance') {
        const out: string[] = [];
        if (c.iam_database_authentication_enabled !== true) out.push('iam_database_authentication_enabled is not true');
        const writeOnly = r.type === 'aws_rds_cluster' ? c.master_password_wo : c.password_wo;
        if (c.manage_master_user_password !== true && writeOnly === undefined) {
          out.push('neither manage_master_user_password nor a write-only password is set (the password would live in state and code)');
        }
        return out;
      }
      if (r.type === 'aws_elasticache_replication_group') {
        return c.auth_token || (Array.isArray(c.user_group_ids) && c.user_group_ids.length > 0)
          ? undefined
          : 'neither auth_token nor user_group_ids is set';
      }
      if (c.type !== 'network' || ctx.stage !== 'prod' || typeof c.policy !== 'string' || isUnknown(c.policy)) return undefined;
      try {
        const rules = JSON.parse(c.policy) as JsonObject | JsonObject[];
        const list = Array.isArray(rules) ? rules : [rules];
        return list.some((p) => p.AllowFromPublic === true) ? 'network policy allows public access in prod' : undefined;
      } catch {
        return 'network policy is not valid JSON';
      }
    },
  }),
  stackRule({
    id: 'GPB-AI-005',
    pack: 'platform',
    severity: 'error',
    title: 'Model servers can only read model weights',
    rationale: 'A compromised inference pod must not be able to replace or delete the weights every replica loads.',
    remediation: 'Grant model-server roles s3:GetObject and s3:ListBucket on their own prefix only.',
    evaluate: (stack) =>
      stack
        .resourcesOf('aws_iam_role')
        .filter((role) => block(role.config.tags)?.[WORKLOAD_KIND_TAG] === 'model-server')
        .flatMap((role) => {
          const policies = [role, ...stack.referencing('aws_iam_role_policy', role)];
          return policies.flatMap((p) =>
            identityStatements(p, stack)
              .filter((s) => s.effect === 'Allow')
              .flatMap((s) => s.actions.filter((a) => /^s3:(\*|Put|Delete|Restore|Replicate|Abort|Create)/i.test(a)))
              .map((a) => ({ resource: p, message: `model-server role allows '${a}'` })),
          );
        }),
  }),
  stackRule({
    id: 'GPB-AI-006',
    pack: 'platform',
    severity: 'error',
    title: 'No secrets in plain values',
    rationale: 'Anything literal in the configuration is in git history, in every synth output and in Terraform state.',
    remediation:
      'Reference AWS Secrets Manager (manage_master_user_password, a Kubernetes Secret synced from it) or a generated value; never write the secret itself.',
    checkov: 'CKV_SECRET_2',
    evaluate: (stack) =>
      stack.resources.flatMap((resource) =>
        [...plainSecrets(resource.config, ''), ...literalSecretData(resource)].map((message) => ({ resource, message })),
      ),
  }),
  resourceRule({
    id: 'GPB-AI-007',
    pack: 'platform',
    severity: 'error',
    title: "The gateway's semantic cache is partitioned per model and caller",
    rationale:
      'A semantic cache answers a prompt with the answer to a similar earlier one. Unless the lookup is scoped to the model and the caller, one model answers for another, or one tenant reads what another was told.',
    remediation:
      "Set litellm_settings.cache_params.semantic_cache_scope to 'key' or 'end_user' (LiteLLM then scopes lookups by every request parameter but the prompt, and by the caller's key, team and organisation) and leave router_settings.caching_groups out. LlmGateway does both.",
    types: ['kubernetes_manifest', 'kubernetes_config_map_v1', 'kubernetes_config_map'],
    check: (r) => {
      const config = liteLlmConfig(r);
      const cache = block(block(config?.litellm_settings)?.cache_params);
      if (!config || !cache || !SEMANTIC_CACHE_TYPES.includes(String(cache.type))) return undefined;
      const problems: string[] = [];
      const scope = cache.semantic_cache_scope;
      if (scope !== 'key' && scope !== 'end_user')
        problems.push(`semantic_cache_scope is ${scope === undefined ? 'not set' : `'${String(scope)}'`} (must be 'key' or 'end_user')`);
      if (block(config.router_settings)?.caching_groups !== undefined)
        problems.push('router_settings.caching_groups shares cache entries between models');
      return problems.length > 0 ? `${cache.type} cache: ${problems.join('; ')}` : undefined;
    },
  }),
  resourceRule({
    id: 'GPB-AI-008',
    pack: 'platform',
    severity: 'error',
    title: 'Cache users that sign in with a password reach only their own keys',
    rationale:
      'A password can be copied and outlives the pod that used it, unlike a 15-minute IAM token. A cache user with one must not read other workloads’ cached answers or wipe the cache.',
    remediation:
      "Prefer IAM authentication (authentication_mode type 'iam'). A password user's access string names its key prefix (~<prefix>:*, never ~* or allkeys), drops pub/sub (resetchannels) when it needs none, and removes @dangerous after +@all.",
    types: ['aws_elasticache_user'],
    check: (r) => {
      const c = r.config;
      const access = ` ${String(c.access_string ?? '')} `;
      if (!/\son\s/.test(access)) return undefined; // a disabled user
      const mode = block(c.authentication_mode)?.type ?? (c.no_password_required === true ? 'no-password-required' : 'password');
      if (mode === 'iam') return undefined;
      const name = String(c.user_name ?? r.name);
      if (mode === 'no-password-required' || /\snopass\s/.test(access)) return `enabled user '${name}' signs in without a password`;
      const problems: string[] = [];
      if (/\s(~\*|allkeys)\s/.test(access)) problems.push('reaches every key');
      if (/\s\+@all\s/.test(access) && !/\s-@dangerous\s/.test(access))
        problems.push('may run @dangerous commands (FLUSHALL, CONFIG, KEYS)');
      return problems.length > 0 ? `password user '${name}' ${problems.join(' and ')}` : undefined;
    },
  }),
];

/** LiteLLM cache types that answer by prompt similarity. */
const SEMANTIC_CACHE_TYPES: readonly string[] = ['valkey-semantic', 'redis-semantic', 'qdrant-semantic'];

/** The parsed LiteLLM `config.yaml` of a ConfigMap (raw or as a manifest), if it is one. */
function liteLlmConfig(r: ResourceView): JsonObject | undefined {
  const m = r.type === 'kubernetes_manifest' ? block(r.config.manifest as never) : r.config;
  if (!m || (r.type === 'kubernetes_manifest' && m.kind !== 'ConfigMap')) return undefined;
  const text = block(m.data as never)?.['config.yaml'];
  if (typeof text !== 'string' || isUnknown(text)) return undefined;
  try {
    const parsed: unknown = parseYaml(text);
    return parsed && typeof parsed === 'object' && !Array.isArray(parsed) && 'model_list' in parsed ? (parsed as JsonObject) : undefined;
  } catch {
    return undefined;
  }
}

const SECRET_ATTRIBUTE = /(^|_)(password|passwd|auth_token|secret_string|secret_key|api_key|apikey|access_key|private_key|token)$/i;
const SECRET_ENV = /(PASSWORD|SECRET|TOKEN|API_?KEY|ACCESS_KEY|PRIVATE_KEY)/i;
const SECRET_HELM_KEY = /(password|secret|token|apikey|api_key|accesskey|privatekey)/i;
const AWS_ACCESS_KEY = /\b(AKIA|ASIA)[0-9A-Z]{16}\b/;
const PRIVATE_KEY = /-----BEGIN [A-Z ]*PRIVATE KEY-----/;

/** Attribute paths under `config` that hold a literal secret. */
function plainSecrets(value: unknown, path: string): string[] {
  if (typeof value === 'string') {
    if (AWS_ACCESS_KEY.test(value)) return [`${path || 'value'} contains an AWS access key id`];
    if (PRIVATE_KEY.test(value)) return [`${path || 'value'} contains a private key`];
    return [];
  }
  if (Array.isArray(value)) return value.flatMap((v, i) => plainSecrets(v, `${path}[${i}]`));
  if (!value || typeof value !== 'object') return [];
  const obj = value as JsonObject;
  const out: string[] = [];
  // Kubernetes env vars and Helm set blocks: { name, value } pairs.
  if (typeof obj.name === 'string' && isLiteral(obj.value)) {
    if (SECRET_ENV.test(obj.name) && path.match(/env(\[\d+\])?$/)) out.push(`${path} sets ${obj.name} to a literal value`);
    if (SECRET_HELM_KEY.test(obj.name) && path.match(/^(set|set_sensitive)(\[\d+\])?$/))
      out.push(`${path} sets ${obj.name} to a literal value`);
  }
  for (const [k, v] of Object.entries(obj)) {
    const p = path ? `${path}.${k}` : k;
    if (SECRET_ATTRIBUTE.test(k) && isLiteral(v)) out.push(`${p} is a literal value`);
    else out.push(...plainSecrets(v, p));
  }
  return out;
}

/** Literal values in Kubernetes Secret objects (typed or manifest). */
function literalSecretData(r: ResourceView): string[] {
  let data: JsonObject[] = [];
  if (r.type === 'kubernetes_secret' || r.type === 'kubernetes_secret_v1') {
    data = [block(r.config.data), block(r.config.binary_data)].filter((d): d is JsonObject => !!d);
  } else if (r.type === 'kubernetes_manifest') {
    const m = block(r.config.manifest);
    if (m?.kind === 'Secret') data = [block(m.data), block(m.stringData)].filter((d): d is JsonObject => !!d);
  }
  return data.flatMap((d) =>
    Object.entries(d)
      .filter(([, v]) => isLiteral(v))
      .map(([k]) => `Secret key '${k}' is a literal value`),
  );
}

function isLiteral(v: unknown): boolean {
  return typeof v === 'string' && v.length > 0 && !v.includes('${');
}
