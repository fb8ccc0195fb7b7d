import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { REFERENCE_ENVIRONMENTS as ENVIRONMENTS } from '../../environments';
import { validateEnvironments } from '../../environments/validate';
import type { BackendMode } from '../../stacks/layer-stack';
import { synthesize } from '../../tools/synthesize';
import { parse } from 'yaml';
import { ruleGroups } from '../../model/telemetry/alert-rules';
import { expectedMetricSources } from '../../stacks/telemetry-sources';
import { devWith, BARE_GATEWAY, onlyResource, resourcesOf, type TfJson } from '../helpers';
import { stackSummary } from './stack-summary';

type Obj = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

const CONFIGS = validateEnvironments(ENVIRONMENTS);
const WORK = mkdtempSync(path.join(tmpdir(), 'gpb-stack-test-'));
afterAll(() => rmSync(WORK, { recursive: true, force: true }));

/** What `npm run synth` writes (a real app synth, cross-stack references resolved), per env and layer. */
function synthAll(backend: BackendMode, envNames?: string[]): Record<string, Record<string, TfJson>> {
  const { stacks } = synthesize({ outdir: path.join(WORK, backend), backend, envNames, registry: ENVIRONMENTS });
  const out: Record<string, Record<string, TfJson>> = {};
  for (const s of stacks) {
    (out[s.environment] ??= {})[s.layer] = JSON.parse(readFileSync(path.join(s.dir, 'cdk.tf.json'), 'utf8')) as TfJson;
  }
  return out;
}

const SYNTHESIZED = synthAll('s3');

describe.each(CONFIGS.map((c) => c.name))('environment %s', (name) => {
  const stacks = SYNTHESIZED[name];
  const env = CONFIGS.find((c) => c.name === name)!;

  // One file per stack, one line per block (test/stacks/stack-summary.ts): reviewable in a pull
  // request, and any change to what Terraform reads still changes a line.
  it.each(['network', 'cluster', 'data', 'platform', 'gpu', 'serving'])('matches the %s snapshot', async (layer) => {
    await expect(stackSummary(stacks[layer])).toMatchFileSnapshot(path.join(__dirname, '__snapshots__', 'reference', name, `${layer}.txt`));
  });

  it.each(['network', 'cluster', 'data', 'platform', 'gpu'])(
    'keeps %s state in S3 under <env>/<stack>.tfstate, encrypted, with S3-native locking',
    (layer) => {
      expect(stacks[layer].terraform?.backend?.s3).toEqual({
        bucket: env.state.bucket,
        key: `${name}/${name}-${layer}.tfstate`,
        region: env.region,
        encrypt: true,
        use_lockfile: true,
      });
    },
  );

  it.each(['network', 'cluster'])('pins hashicorp/aws 5.100.0 and tags everything through %s provider default_tags', (layer) => {
    expect(stacks[layer].terraform?.required_providers).toEqual({ aws: { source: 'aws', version: '5.100.0' } });
    const [provider] = stacks[layer].provider!.aws;
    expect(provider.region).toBe(env.region);
    expect(provider.default_tags).toEqual([
      {
        tags: expect.objectContaining({
          environment: name,
          owner: env.tags.owner,
          'cost-center': env.tags.costCenter,
          'gpb.io/stack': `${name}-${layer}`,
        }),
      },
    ]);
    expect(provider.endpoints).toBeUndefined();
    expect(provider.skip_credentials_validation).toBeUndefined();
  });

  it('builds subnets in every configured zone and NAT per the strategy', () => {
    const net = stacks.network;
    expect(resourcesOf(net, 'aws_subnet')).toHaveLength(env.network.azCount * 3);
    const expectedNat = { none: 0, single: 1, 'per-az': env.network.azCount }[env.network.natStrategy];
    expect(resourcesOf(net, 'aws_nat_gateway')).toHaveLength(expectedNat);
    expect(resourcesOf(net, 'aws_vpc_endpoint')).toHaveLength(env.network.interfaceEndpoints.length + 1);
    expect(onlyResource(net, 'aws_flow_log').traffic_type).toBe('ALL');
  });

  it('reads the network from its state, not from a copy', () => {
    const remote = stacks.cluster.data?.terraform_remote_state ?? {};
    expect(Object.values(remote)).toEqual([
      expect.objectContaining({ backend: 's3', config: expect.objectContaining({ key: `${name}/${name}-network.tfstate` }) }),
    ]);
    const subnets = (onlyResource(stacks.cluster, 'aws_eks_cluster').vpc_config as { subnet_ids: string[] }).subnet_ids;
    expect(subnets).toHaveLength(env.network.azCount);
    for (const s of subnets) expect(s).toMatch(/^\$\{data\.terraform_remote_state\./);
  });

  it('points the platform layer at the cluster through its state, with no AWS provider', () => {
    const platform = stacks.platform;
    const providers = Object.keys(platform.provider ?? {});
    expect(providers).toContain('kubernetes');
    expect(providers).not.toContain('aws');
    expect(providers.includes('helm')).toBe(env.gpu.pools.length + env.gpu.nodeGroups.length > 0);
    const [k8s] = platform.provider!.kubernetes;
    expect(k8s.host).toMatch(/^\$\{data\.terraform_remote_state\.cross-stack-reference-input-[a-z]+-cluster\.outputs\./);
    expect(k8s.exec).toEqual([
      expect.objectContaining({ command: 'aws', args: expect.arrayContaining(['get-token', env.cluster.name, env.region]) }),
    ]);
  });

  it('puts workloads in PSA-labelled namespaces behind default deny, with the admission policy bound', () => {
    const platform = stacks.platform;
    const namespaces = (
      resourcesOf(platform, 'kubernetes_namespace_v1') as { metadata: { name: string; labels: Record<string, string> } }[]
    ).filter((n) => n.metadata.name.startsWith('gpb-'));
    expect(namespaces.map((n) => n.metadata.name).sort()).toEqual(['gpb-gateway', 'gpb-serving', 'gpb-telemetry', 'gpb-vector']);
    // gpb-telemetry is privileged for the log agent's hostPath (tested under observability)
    for (const n of namespaces.filter((x) => x.metadata.name !== 'gpb-telemetry'))
      expect(n.metadata.labels['pod-security.kubernetes.io/enforce']).toBe('restricted');
    const policies = resourcesOf(platform, 'kubernetes_network_policy_v1') as {
      metadata: { name: string; namespace: string };
      spec: unknown;
    }[];
    for (const n of namespaces) {
      expect(policies.some((p) => p.metadata.namespace === n.metadata.name && p.metadata.name === 'default-deny')).toBe(true);
    }
    const gatewayIngress = policies.find((p) => p.metadata.name === 'allow-ingress-vpc')!;
    expect(JSON.stringify(gatewayIngress.spec)).toContain(`"cidr":"${env.network.cidr}"`);
    const kinds = resourcesOf(platform, 'kubernetes_manifest').map((m) => (m.manifest as { kind: string }).kind);
    expect(kinds.sort()).toEqual(['ValidatingAdmissionPolicy', 'ValidatingAdmissionPolicyBinding']);
  });

  it('configures the cluster as the environment says', () => {
    const eks = onlyResource(stacks.cluster, 'aws_eks_cluster');
    expect(eks.name).toBe(env.cluster.name);
    expect(eks.version).toBe(env.cluster.kubernetesVersion);
    expect((eks.vpc_config as Record<string, unknown>).endpoint_public_access).toBe(env.cluster.endpoint.publicAccess);
    expect(resourcesOf(stacks.cluster, 'aws_eks_access_entry').filter((e) => e.type === 'STANDARD')).toHaveLength(
      env.cluster.admins.length,
    );
  });

  it('protects the cluster from destruction outside dev', () => {
    const lifecycle = onlyResource(stacks.cluster, 'aws_eks_cluster').lifecycle as { prevent_destroy?: boolean } | undefined;
    expect(lifecycle?.prevent_destroy === true).toBe(env.stage !== 'dev');
  });
});

describe('data layer', () => {
  it('dev: Qdrant in the cluster with its API key generated write-only, a single-node cache, nothing protected', () => {
    const d = SYNTHESIZED.dev.data as TfJson & { ephemeral?: Record<string, Record<string, unknown>> };
    expect(resourcesOf(d, 'aws_rds_cluster')).toEqual([]);
    // Secrets generated write-only (Qdrant's API key, the gateway's master key, its database
    // password, the tenant's key); the semantic cache user's password is the one kept in state
    // (an ElastiCache user takes no write-only password).
    expect(Object.keys(d.ephemeral?.aws_secretsmanager_random_password ?? {})).toHaveLength(4);
    const versions = resourcesOf(d, 'aws_secretsmanager_secret_version');
    expect(versions).toHaveLength(5);
    for (const version of versions) expect(version.secret_string).toBeUndefined();
    expect(
      versions.filter((v) =>
        /^(sk-)?\$\{ephemeral\.aws_secretsmanager_random_password\.\w+\.random_password\}$/.test(String(v.secret_string_wo)),
      ),
    ).toHaveLength(4);
    expect(
      resourcesOf(d, 'aws_secretsmanager_secret')
        .map((x) => x.name)
        .sort(),
    ).toEqual([
      'gpb-dev/gateway/database-password',
      'gpb-dev/gateway/master-key',
      'gpb-dev/gateway/semantic-cache-password',
      'gpb-dev/gateway/tenants/sandbox',
      'gpb-dev/qdrant/api-key',
    ]);
    expect(onlyResource(d, 'aws_elasticache_replication_group')).toMatchObject({ replicas_per_node_group: 0, multi_az_enabled: false });
    const releases = resourcesOf(SYNTHESIZED.dev.serving, 'helm_release');
    expect(releases.map((r) => r.chart)).toEqual(['qdrant']);
    const values = JSON.parse((releases[0].values as string[])[0]);
    expect(values).toMatchObject({
      replicaCount: 1,
      image: { tag: expect.stringMatching(/^v\d+\.\d+\.\d+$/) },
      persistence: { storageClassName: 'gpb-gp3-encrypted', size: '20Gi' },
    });
    expect(values.env).toContainEqual({
      name: 'QDRANT__SERVICE__API_KEY',
      valueFrom: { secretKeyRef: { name: 'qdrant-api-key', key: 'api-key' } },
    });
    expect(JSON.stringify(values)).not.toMatch(/api_key"\s*:\s*"/);
    const storageClass = onlyResource(SYNTHESIZED.dev.platform, 'kubernetes_storage_class_v1') as {
      parameters: Record<string, string>;
      reclaim_policy: string;
    };
    expect(storageClass.parameters).toMatchObject({ type: 'gp3', encrypted: 'true' });
    expect(storageClass.reclaim_policy).toBe('Delete');
  });

  it('staging uses OpenSearch Serverless behind a VPC endpoint', () => {
    const d = SYNTHESIZED.staging.data;
    expect(onlyResource(d, 'aws_opensearchserverless_collection')).toMatchObject({
      type: 'VECTORSEARCH',
      lifecycle: { prevent_destroy: true },
    });
    const network = resourcesOf(d, 'aws_opensearchserverless_security_policy').find((p) => p.type === 'network')!;
    expect(JSON.parse(network.policy as string)[0]).toMatchObject({
      AllowFromPublic: false,
      SourceVPCEs: [expect.stringMatching(/aws_opensearchserverless_vpc_endpoint/)],
    });
  });

  it('prod: a database floor, two instances, Multi-AZ cache, everything protected', () => {
    const d = SYNTHESIZED.prod.data;
    expect(onlyResource(d, 'aws_rds_cluster')).toMatchObject({
      deletion_protection: true,
      skip_final_snapshot: false,
      backup_retention_period: 14,
      lifecycle: { prevent_destroy: true },
      serverlessv2_scaling_configuration: { min_capacity: 2, max_capacity: 32 },
    });
    expect(resourcesOf(d, 'aws_rds_cluster_instance')).toHaveLength(2);
    expect(onlyResource(d, 'aws_elasticache_replication_group')).toMatchObject({
      multi_az_enabled: true,
      automatic_failover_enabled: true,
      lifecycle: { prevent_destroy: true },
    });
    expect(onlyResource(d, 'aws_s3_bucket').lifecycle).toEqual({ prevent_destroy: true });
  });

  it('admits only the cluster security group, read from the cluster stack', () => {
    for (const env of ['dev', 'staging', 'prod']) {
      for (const rule of resourcesOf(SYNTHESIZED[env].data, 'aws_vpc_security_group_ingress_rule')) {
        expect(rule.cidr_ipv4).toBeUndefined();
        expect(rule.referenced_security_group_id).toMatch(
          /^\$\{data\.terraform_remote_state\.cross-stack-reference-input-[a-z]+-cluster\./,
        );
      }
    }
  });
});

describe('serving layer', () => {
  const deployments = (name: string) =>
    resourcesOf(SYNTHESIZED[name].serving, 'kubernetes_manifest')
      .map(
        (m) =>
          m.manifest as {
            kind: string;
            metadata: { name: string };
            spec: {
              template: {
                spec: {
                  nodeSelector: Record<string, string>;
                  containers: { args: string[]; resources: { limits: Record<string, string> } }[];
                };
              };
            };
          },
      )
      .filter((m) => m.kind === 'Deployment');

  it('prod serves an 8B model on the baseline node group and a 70B model across 4 GPUs of the multi-GPU pool', () => {
    const [small, large] = ['model-llama-8b', 'model-llama-70b'].map((n) => deployments('prod').find((d) => d.metadata.name === n)!);
    expect(small.spec.template.spec.nodeSelector).toEqual({ 'gpb.io/pool': 'prod-baseline' });
    expect(large.spec.template.spec.nodeSelector).toEqual({ 'karpenter.sh/nodepool': 'prod-multi-gpu' });
    expect(large.spec.template.spec.containers[0].resources.limits['nvidia.com/gpu']).toBe('4');
    expect(large.spec.template.spec.containers[0].args.join(' ')).toMatch(
      /^s3:\/\/\$\{data\.terraform_remote_state\.cross-stack-reference-input-prod-data\.outputs\.\S+\}\/models\/llama-70b/,
    );
  });

  it.each(['dev', 'staging', 'prod'])('%s: KEDA scales every model on its own load from the workspace, with a query-only role', (name) => {
    const env = CONFIGS.find((c) => c.name === name)!;
    const manifests = resourcesOf(SYNTHESIZED[name].serving, 'kubernetes_manifest').map((m) => m.manifest as Obj);
    const scaled = manifests.filter((m) => m.kind === 'ScaledObject');
    expect(scaled.map((s) => s.spec.scaleTargetRef.name).sort()).toEqual(env.serving.models.map((m) => `model-${m.name}`).sort());
    for (const m of env.serving.models) {
      const so = scaled.find((s) => s.metadata.name === `model-${m.name}`)!;
      expect([so.spec.minReplicaCount, so.spec.maxReplicaCount]).toEqual([m.minReplicas, m.maxReplicas]);
      // a model that may scale to zero is woken by the gateway's request count for any of its names
      expect(so.spec.triggers.map((t: Obj) => t.name)).toEqual(m.minReplicas === 0 ? ['load', 'wake'] : ['load']);
      expect(so.spec.triggers[0].metadata.serverAddress).toMatch(
        /^https:\/\/aps-workspaces\.us-west-2\.\$\{data\.terraform_remote_state\.[^}]+dns_suffix\}\/workspaces\/\$\{data\.terraform_remote_state\.[^}]+\}$/,
      );
      expect(so.spec.triggers[0].authenticationRef).toEqual({ name: 'amp' });
      // the Deployment leaves the replica count to the autoscaler
      const deployment = manifests.find((x) => x.kind === 'Deployment' && x.metadata.name === `model-${m.name}`)!;
      expect(deployment.spec.replicas).toBeUndefined();
    }
    expect(manifests.filter((m) => m.kind === 'TriggerAuthentication').map((m) => m.spec)).toEqual([
      { podIdentity: { provider: 'aws', identityOwner: 'keda' } },
    ]);
    const role = resourcesOf(SYNTHESIZED[name].data, 'aws_iam_role').find(
      (r: Obj) => r.tags?.['gpb.io/service-account'] === 'keda.keda-operator',
    ) as Obj;
    expect(role.tags['gpb.io/workload-kind']).toBe('controller');
  });

  it('prod: one gateway in front of both models, the small one falling back to the large one', () => {
    const manifests = resourcesOf(SYNTHESIZED.prod.serving, 'kubernetes_manifest').map((m) => m.manifest as Obj);
    const config = parse(manifests.find((m) => m.kind === 'ConfigMap' && m.metadata.name === 'gateway-config')!.data['config.yaml']) as Obj;
    expect(config.model_list.map((m: Obj) => `${m.model_name}->${m.litellm_params.api_base}`)).toEqual([
      'llama-8b->http://model-llama-8b.gpb-serving.svc.cluster.local:8000/v1',
      'chat-small->http://model-llama-8b.gpb-serving.svc.cluster.local:8000/v1',
      'llama-70b->http://model-llama-70b.gpb-serving.svc.cluster.local:8000/v1',
      'chat-large->http://model-llama-70b.gpb-serving.svc.cluster.local:8000/v1',
      'bge-m3->http://model-bge-m3.gpb-serving.svc.cluster.local:8000/v1',
    ]);
    expect(config.model_list.find((m: Obj) => m.model_name === 'bge-m3').model_info).toEqual({ mode: 'embedding' });
    // prod's tenants call aliases: the fallback must hold for them too
    expect(config.router_settings.fallbacks).toEqual([{ 'llama-8b': ['llama-70b'] }, { 'chat-small': ['llama-70b'] }]);
    expect(manifests.find((m) => m.kind === 'Deployment' && m.metadata.name === 'gateway')!.spec.replicas).toBe(3);
    // the master key: generated in the data layer, read only by External Secrets
    const eso = resourcesOf(SYNTHESIZED.prod.data, 'aws_iam_role_policy').find((p: Obj) =>
      String(p.role).includes('ExternalSecretsRole'),
    ) as Obj;
    const [read, decrypt] = JSON.parse(eso.policy).Statement as Obj[];
    expect([read.Sid, decrypt.Sid]).toEqual(['ReadGeneratedSecrets', 'DecryptGeneratedSecrets']);
    expect(read.Resource).toMatch(/:secret:gpb-prod\/\*$/);
    // the prefix holds exactly the generated secrets External Secrets syncs: the master key, the
    // semantic cache and database passwords, and each tenant's key
    const names = resourcesOf(SYNTHESIZED.prod.data, 'aws_secretsmanager_secret')
      .map((x) => String(x.name))
      .sort();
    expect(names).toEqual([
      'gpb-prod/gateway/database-password',
      'gpb-prod/gateway/master-key',
      'gpb-prod/gateway/semantic-cache-password',
      'gpb-prod/gateway/tenants/assistant',
      'gpb-prod/gateway/tenants/search',
    ]);
  });

  it('prod: tenants get a team and a key each, limits shared by the replicas on Valkey, the database written write-only', () => {
    const db = onlyResource(SYNTHESIZED.prod.data, 'aws_db_instance') as Obj;
    expect(db).toMatchObject({
      engine: 'postgres',
      instance_class: 'db.m7g.large',
      multi_az: true,
      storage_encrypted: true,
      iam_database_authentication_enabled: true,
      deletion_protection: true,
      password_wo_version: 1,
    });
    expect(db.password).toBeUndefined();
    const secretOf = (name: string) =>
      Object.entries(SYNTHESIZED.prod.data.resource!.aws_secretsmanager_secret).find(([, x]) => x.name === name)![0];
    const passwordVersion = resourcesOf(SYNTHESIZED.prod.data, 'aws_secretsmanager_secret_version').find((v) =>
      String(v.secret_id).includes(secretOf('gpb-prod/gateway/database-password')),
    )!;
    expect(db.password_wo).toBe(passwordVersion.secret_string_wo); // the database gets what Secrets Manager gets
    const keyVersion = resourcesOf(SYNTHESIZED.prod.data, 'aws_secretsmanager_secret_version').find((v) =>
      String(v.secret_id).includes(secretOf('gpb-prod/gateway/tenants/search')),
    )!;
    expect(keyVersion.secret_string_wo).toMatch(/^sk-\$\{ephemeral\./);

    const manifests = resourcesOf(SYNTHESIZED.prod.serving, 'kubernetes_manifest').map((m) => m.manifest as Obj);
    const config = parse(manifests.find((m) => m.kind === 'ConfigMap' && m.metadata.name === 'gateway-config')!.data['config.yaml']) as Obj;
    expect(config.general_settings).toMatchObject({
      database_url: 'os.environ/DATABASE_URL',
      coordination_redis: {
        aws_iam_auth: true,
        aws_iam_user_name: 'gpb-prod-app',
        aws_iam_cache_name: 'gpb-prod-valkey',
        aws_iam_region: 'us-west-2',
        ssl: true,
      },
    });
    const tenants = JSON.parse(
      manifests.find((m) => m.kind === 'ConfigMap' && m.metadata.name === 'gateway-tenants')!.data['tenants.json'],
    );
    expect(tenants).toEqual([
      { name: 'search', models: ['chat-small', 'bge-m3'], rpm: 1200, tpm: 2000000, parallel: 64 },
      { name: 'assistant', models: ['chat-small', 'chat-large'], rpm: 600, tpm: 1000000, parallel: 32 },
    ]);
    const keys = manifests.find((m) => m.kind === 'ExternalSecret' && m.metadata.name === 'gateway-tenant-keys')!;
    expect(keys.spec.data.map((d: Obj) => d.remoteRef.key)).toEqual([
      'gpb-prod/gateway/tenants/search',
      'gpb-prod/gateway/tenants/assistant',
    ]);
    expect(manifests.filter((m) => m.kind === 'Job').map((m) => m.metadata.name)).toEqual([
      expect.stringMatching(/^gateway-tenants-[0-9a-f]{10}$/),
    ]);
    // the Job reaches the gateway inside its namespace; nothing else gains a path
    const policies = resourcesOf(SYNTHESIZED.prod.platform, 'kubernetes_network_policy_v1') as Obj[];
    expect(
      policies
        .filter((p) => p.metadata.namespace === 'gpb-gateway' && /^allow-(from|to)-gpb-gateway$/.test(p.metadata.name))
        .map((p) => p.metadata.name)
        .sort(),
    ).toEqual(['allow-from-gpb-gateway', 'allow-to-gpb-gateway']);
  });

  it('gives each model server a read-only role on its own prefix', () => {
    const policies = resourcesOf(SYNTHESIZED.prod.data, 'aws_iam_role_policy').filter((p) => String(p.role).includes('ModelRole'));
    expect(policies).toHaveLength(3); // llama-8b, llama-70b, bge-m3
    for (const p of policies) {
      const actions = JSON.parse(p.policy as string).Statement.flatMap((st: { Action: string[] }) => st.Action);
      expect(actions).toEqual(['s3:GetObject', 's3:ListBucket', 'kms:Decrypt']);
    }
  });
});

describe('GPU layer', () => {
  const pools = (name: string) =>
    resourcesOf(SYNTHESIZED[name].gpu, 'kubernetes_manifest')
      .map((m) => m.manifest as { kind: string; metadata: { name: string }; spec: Record<string, unknown> })
      .filter((m) => m.kind === 'NodePool');

  it('dev has one spot-first, time-sliced pool with a small cap', () => {
    const [pool] = pools('dev');
    expect(pool.metadata.name).toBe('dev-l4');
    expect(pool.spec.limits).toEqual({ 'nvidia.com/gpu': '4' });
    expect(JSON.stringify(pool.spec)).toContain('"values":["spot","on-demand"]');
  });

  it('prod has an on-demand baseline node group, a spot burst pool and a multi-GPU EFA pool', () => {
    expect(pools('prod').map((p) => p.metadata.name)).toEqual(['prod-burst', 'prod-multi-gpu']);
    const baseline = resourcesOf(SYNTHESIZED.prod.cluster, 'aws_eks_node_group').find((n) => n.ami_type === 'AL2023_x86_64_NVIDIA')!;
    expect(baseline).toMatchObject({ capacity_type: 'ON_DEMAND', scaling_config: { min_size: 2, max_size: 4, desired_size: 2 } });
    const multi = pools('prod').find((p) => p.metadata.name === 'prod-multi-gpu')!;
    expect(JSON.stringify(multi.spec)).toContain('"gpb.io/efa":"true"');
    expect(
      resourcesOf(SYNTHESIZED.prod.platform, 'helm_release')
        .map((r) => r.chart)
        .sort(),
    ).toEqual([
      'aws-efa-k8s-device-plugin',
      'external-secrets',
      'gpu-operator',
      'karpenter',
      'karpenter-crd',
      'keda',
      'opentelemetry-collector',
      'opentelemetry-collector',
    ]);
  });

  it('reads the node role and security group from the cluster stack and deploys after the platform layer', () => {
    const nodeClass = resourcesOf(SYNTHESIZED.dev.gpu, 'kubernetes_manifest')
      .map((m) => m.manifest as { kind: string; spec: { role: string } })
      .find((m) => m.kind === 'EC2NodeClass')!;
    expect(nodeClass.spec.role).toMatch(/^\$\{data\.terraform_remote_state\.cross-stack-reference-input-dev-cluster\.outputs\./);
    const manifest = JSON.parse(readFileSync(path.join(WORK, 's3', 'manifest.json'), 'utf8')) as {
      stacks: Record<string, { dependencies: string[] }>;
    };
    expect(manifest.stacks['dev-gpu'].dependencies.sort()).toEqual(['dev-cluster', 'dev-platform']);
    expect(manifest.stacks['dev-platform'].dependencies).toContain('dev-cluster');
  });
});

describe('observability', () => {
  const releaseValues = (json: TfJson, name: string) =>
    JSON.parse((resourcesOf(json, 'helm_release') as Obj[]).find((r) => r.name === name)!.values[0]) as Obj;

  it.each(CONFIGS.map((c) => c.name))('%s: the collector scrapes exactly the sources the data layer wrote alert rules for', (name) => {
    const env = CONFIGS.find((c) => c.name === name)!;
    const agent = releaseValues(SYNTHESIZED[name].platform, 'otel-agent').config;
    const gateway = releaseValues(SYNTHESIZED[name].platform, 'otel-gateway').config;
    const jobs = (agent.receivers.prometheus?.config.scrape_configs ?? []) as Obj[];
    const scraped = new Set<string>(jobs.map((j) => j.relabel_configs.find((r: Obj) => r.target_label === 'source').replacement));
    // An endpoint serving a second source relabels that source's series (the gateway's cache metrics).
    for (const j of jobs)
      for (const r of (j.metric_relabel_configs ?? []) as Obj[]) if (r.target_label === 'source') scraped.add(r.replacement);
    if (agent.receivers.kubeletstats) scraped.add('kubeletstats');
    if (gateway.receivers.k8s_cluster) scraped.add('k8s_cluster');
    expect([...scraped].sort()).toEqual([...expectedMetricSources(env)].sort());

    const rules = parse((onlyResource(SYNTHESIZED[name].data, 'aws_prometheus_rule_group_namespace') as Obj).data) as Obj;
    expect(rules.groups.map((g: Obj) => g.name)).toEqual(ruleGroups(env.observability.slo, expectedMetricSources(env)).map((g) => g.name));
    // one scrape job per model, each labelled with its model
    for (const m of env.serving.models) expect(jobs.map((j) => j.job_name)).toContain(`model-${m.name}`);
  });

  it.each(CONFIGS.map((c) => c.name))('%s: metrics go to its workspace, logs to its log group, traces as configured', (name) => {
    const env = CONFIGS.find((c) => c.name === name)!;
    const gateway = releaseValues(SYNTHESIZED[name].platform, 'otel-gateway');
    expect(gateway.config.exporters.prometheusremotewrite.endpoint).toMatch(
      /^\$\{data\.terraform_remote_state\.[^}]+prometheus_endpoint\}api\/v1\/remote_write$/,
    );
    expect(gateway.config.exporters.awscloudwatchlogs.log_group_name).toMatch(
      /^\$\{data\.terraform_remote_state\.[^}]+WorkloadLogs[^}]+name\}$/,
    );
    expect(gateway.config.processors.probabilistic_sampler.sampling_percentage).toBe(env.observability.traces.samplingPercent);
    expect(gateway.config.service.pipelines.traces.exporters).toEqual(['awsxray']);
    expect(gateway.replicaCount).toBe(env.stage === 'dev' ? 1 : 2);
    const ws = onlyResource(SYNTHESIZED[name].data, 'aws_prometheus_workspace') as Obj;
    expect(ws.alias).toBe(`gpb-${name}`);
    expect((resourcesOf(SYNTHESIZED[name].data, 'aws_sns_topic_subscription') as Obj[]).map((s) => s.endpoint)).toEqual(
      env.observability.alerts.emails,
    );
  });

  it('opens the telemetry paths: OTLP in from workloads, scraping out to model metrics ports', () => {
    const policies = resourcesOf(SYNTHESIZED.prod.platform, 'kubernetes_network_policy_v1') as Obj[];
    const named = (ns: string, n: string) => policies.find((p) => p.metadata.namespace === ns && p.metadata.name === n)!;
    expect(named('gpb-telemetry', 'allow-from-gpb-serving').spec.ingress[0].ports).toEqual([
      { port: '4317', protocol: 'TCP' },
      { port: '4318', protocol: 'TCP' },
    ]);
    expect(named('gpb-serving', 'allow-to-gpb-telemetry').spec.egress[0].ports).toEqual([
      { port: '4317', protocol: 'TCP' },
      { port: '4318', protocol: 'TCP' },
    ]);
    expect(named('gpb-serving', 'allow-from-gpb-telemetry').spec.ingress[0].ports).toEqual([
      { port: '8000', protocol: 'TCP' },
      { port: '8002', protocol: 'TCP' },
    ]);
    const ns = (resourcesOf(SYNTHESIZED.prod.platform, 'kubernetes_namespace_v1') as Obj[]).find(
      (n) => n.metadata.name === 'gpb-telemetry',
    )!;
    expect(ns.metadata.labels['pod-security.kubernetes.io/enforce']).toBe('privileged');
    expect(ns.metadata.labels['pod-security.kubernetes.io/warn']).toBe('restricted');
  });

  it('ships dashboards for the sources it scrapes as ConfigMaps for the Grafana sidecar', () => {
    const maps = (resourcesOf(SYNTHESIZED.prod.platform, 'kubernetes_config_map_v1') as Obj[]).filter(
      (m) => m.metadata.labels?.grafana_dashboard === '1',
    );
    expect(maps.map((m) => m.metadata.name).sort()).toEqual(['gpb-gateway', 'gpb-gpu-fleet', 'gpb-model-serving', 'gpb-semantic-cache']);
    const json = maps[0].data[`${maps[0].metadata.name}.json`] as string;
    expect(json).toContain('"uid": "$${datasource}"'); // Terraform passes ${datasource} through
  });
});

describe('policy pack on the reference environments', () => {
  it('finds no unsuppressed error and evaluates every environment', () => {
    const { policy } = synthesize({ outdir: path.join(WORK, 'policy'), backend: 's3', registry: ENVIRONMENTS });
    expect(policy.environments).toEqual(CONFIGS.map((c) => c.name));
    expect(policy.findings.filter((f) => f.severity === 'error' && !f.suppressed)).toEqual([]);
    expect(policy.unusedSuppressions).toEqual([]);
  });
});

describe('environment differences', () => {
  it('prod has a private-only endpoint and a NAT gateway per zone; dev shares one', () => {
    expect((onlyResource(SYNTHESIZED.prod.cluster, 'aws_eks_cluster').vpc_config as Record<string, unknown>).endpoint_public_access).toBe(
      false,
    );
    expect(resourcesOf(SYNTHESIZED.prod.network, 'aws_nat_gateway')).toHaveLength(3);
    expect(resourcesOf(SYNTHESIZED.dev.network, 'aws_nat_gateway')).toHaveLength(1);
  });

  it('prod refuses to run against any account but its own', () => {
    expect(SYNTHESIZED.prod.network.provider!.aws[0].allowed_account_ids).toEqual(['111122223333']);
  });
});

describe('local backend (offline rehearsal)', () => {
  const local = synthAll('local', ['dev']).dev;

  it('keeps state beside the synthesized stack and reads sibling state by relative path', () => {
    expect(local.network.terraform?.backend).toEqual({ local: { path: '../dev-network/terraform.dev-network.tfstate' } });
    const [remote] = Object.values(local.cluster.data?.terraform_remote_state ?? {});
    expect(remote).toMatchObject({ backend: 'local', config: { path: '../dev-network/terraform.dev-network.tfstate' } });
  });

  it('changes nothing but the backend', () => {
    const strip = (j: TfJson) =>
      JSON.stringify({
        ...j,
        '//': undefined,
        terraform: { ...j.terraform, backend: undefined },
        data: { ...j.data, terraform_remote_state: undefined },
      });
    expect(strip(local.network)).toBe(strip(SYNTHESIZED.dev.network));
  });
});

describe('a model too large for one node', () => {
  const input = devWith({
    gpu: {
      pools: [
        { name: 'big', instanceTypes: ['p4de.24xlarge'], capacityTypes: ['on-demand'], gpuLimit: 16, sharing: { mode: 'none' }, efa: true },
      ],
    },
    serving: {
      ...BARE_GATEWAY,
      models: [
        {
          name: 'llama-405b',
          pool: 'big',
          parametersBillions: 405,
          dtype: 'bf16',
          gpusPerReplica: 8,
          nodesPerReplica: 2,
          minReplicas: 1,
          maxReplicas: 1,
        },
      ],
    },
    budget: { monthlyGpuUsd: 100000 },
  });
  const { stacks } = synthesize({ outdir: path.join(WORK, 'multi-node'), registry: { dev: input } });
  const json = (layer: string) =>
    JSON.parse(readFileSync(path.join(stacks.find((x) => x.layer === layer)!.dir, 'cdk.tf.json'), 'utf8')) as TfJson;

  it('installs the LeaderWorkerSet controller and EFA plugin, and opens the group members to each other only', () => {
    const platform = json('platform');
    expect(resourcesOf(platform, 'helm_release').map((r) => r.chart)).toEqual(expect.arrayContaining(['lws', 'aws-efa-k8s-device-plugin']));
    const group = (resourcesOf(platform, 'kubernetes_network_policy_v1') as Obj[]).find(
      (p) => p.metadata.name === 'allow-within-modelgroups',
    )!;
    expect(group.metadata.namespace).toBe('gpb-serving');
    const members = { match_expressions: [{ key: 'leaderworkerset.sigs.k8s.io/name', operator: 'Exists' }] };
    expect(group.spec).toMatchObject({
      pod_selector: members,
      ingress: [{ from: [{ pod_selector: members }] }],
      egress: [{ to: [{ pod_selector: members }] }],
    });
  });

  it('runs the model as a LeaderWorkerSet of two nodes that KEDA scales', () => {
    const manifests = resourcesOf(json('serving'), 'kubernetes_manifest').map((m) => m.manifest as Obj);
    const lws = manifests.find((m) => m.kind === 'LeaderWorkerSet')!;
    expect(lws.spec.leaderWorkerTemplate.size).toBe(2);
    const so = manifests.find((m) => m.kind === 'ScaledObject')!;
    expect(so.spec.scaleTargetRef).toEqual({
      apiVersion: 'leaderworkerset.x-k8s.io/v1',
      kind: 'LeaderWorkerSet',
      name: 'model-llama-405b',
    });
  });
});

describe('the gateway behind an ALB', () => {
  const input = devWith({
    serving: {
      gateway: {
        exposure: {
          type: 'alb',
          scheme: 'internet-facing',
          certificateArn: 'arn:aws:acm:us-west-2:111122223333:certificate/0f0e0d0c-0b0a-0908-0706-050403020100',
          allowCidrs: ['203.0.113.0/24'],
        },
      },
    },
  });
  const result = synthesize({ outdir: path.join(WORK, 'alb'), registry: { dev: input } });
  const json = (layer: string) =>
    JSON.parse(readFileSync(path.join(result.stacks.find((x) => x.layer === layer)!.dir, 'cdk.tf.json'), 'utf8')) as TfJson;

  it('gets the controller’s role in the cluster layer, the controller in the platform layer and an Ingress in the serving layer', () => {
    const roles = resourcesOf(json('cluster'), 'aws_iam_role') as Obj[];
    expect(roles.some((r) => r.tags?.['gpb.io/service-account'] === 'kube-system.aws-load-balancer-controller')).toBe(true);
    const platform = json('platform');
    expect(resourcesOf(platform, 'helm_release').map((r) => r.chart)).toContain('aws-load-balancer-controller');
    const ns = (resourcesOf(platform, 'kubernetes_namespace_v1') as Obj[]).find((n) => n.metadata.name === 'gpb-gateway')!;
    expect(ns.metadata.labels['elbv2.k8s.aws/pod-readiness-gate-inject']).toBe('enabled');
    const ingress = resourcesOf(json('serving'), 'kubernetes_manifest')
      .map((m) => m.manifest as Obj)
      .find((m) => m.kind === 'Ingress')!;
    expect(ingress.metadata.annotations['alb.ingress.kubernetes.io/inbound-cidrs']).toBe('203.0.113.0/24');
    expect(result.policy.findings.filter((f) => f.severity === 'error')).toEqual([]);
  });

  it('is internal by default: no controller, no Ingress', () => {
    expect(resourcesOf(SYNTHESIZED.dev.platform, 'helm_release').map((r) => r.chart)).not.toContain('aws-load-balancer-controller');
    expect(resourcesOf(SYNTHESIZED.dev.serving, 'kubernetes_manifest').some((m) => (m.manifest as Obj).kind === 'Ingress')).toBe(false);
  });
});

describe('an environment without a gateway (Triton models only)', () => {
  const input = devWith({
    serving: {
      ...BARE_GATEWAY,
      models: [{ name: 'resnet', engine: 'triton', pool: 'dev-l4', parametersBillions: 0.05, dtype: 'fp16', maxReplicas: 1 }],
    },
  });
  const result = synthesize({ outdir: path.join(WORK, 'no-gateway'), registry: { dev: input } });
  const json = (layer: string) =>
    JSON.parse(readFileSync(path.join(result.stacks.find((x) => x.layer === layer)!.dir, 'cdk.tf.json'), 'utf8')) as TfJson;

  it('builds no gateway secret in the data layer and no gateway in the serving layer, the model still served', () => {
    const secrets = (resourcesOf(json('data'), 'aws_secretsmanager_secret') as Obj[]).map((s) => s.name as string);
    expect(secrets.some((n) => n.includes('/gateway/'))).toBe(false);
    const serving = json('serving');
    const deployments = resourcesOf(serving, 'kubernetes_manifest')
      .map((m) => m.manifest as Obj)
      .filter((m) => m.kind === 'Deployment');
    expect(deployments.map((d) => d.metadata.name)).toEqual(['model-resnet']);
    expect(JSON.stringify(serving)).not.toContain('litellm');
  });
});
