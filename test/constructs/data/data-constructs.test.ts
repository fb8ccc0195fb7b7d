import { describe, expect, it } from 'vitest';
import { AURORA_POSTGRES_VERSION, AuroraVectorStore, type AuroraVectorStoreProps } from '../../../constructs/data/aurora-vector-store';
import { PrivateBucket } from '../../../constructs/data/private-bucket';
import { OpenSearchVectorStore } from '../../../constructs/data/opensearch-vector-store';
import { VALKEY_VERSION, ValkeyCache } from '../../../constructs/data/valkey-cache';
import { GeneratedSecret } from '../../../constructs/data/generated-secret';
import { GATEWAY_POSTGRES_VERSION, GatewayDatabase, type GatewayDatabaseProps } from '../../../constructs/data/gateway-database';
import type { IVectorStore } from '../../../constructs/data/vector-store';
import type { EksCluster } from '../../../constructs/cluster/eks-cluster';
import { ALL_RULES } from '../../../policies';
import { evaluateStack } from '../../../policies/engine/evaluate';
import { type JsonObject, StackView } from '../../../policies/engine/stack-view';
import { onlyResource, policyOf, resourcesOf, synthWith, testCluster, type TfJson } from '../../helpers';
import type { Construct } from 'constructs';

const gw = { namespace: 'gpb-gateway', serviceAccount: 'gateway' };

function withCluster(build: (scope: Construct, cluster: EksCluster) => void): TfJson {
  return synthWith((scope) => {
    const cluster = testCluster(scope);
    build(scope, cluster);
  });
}

const errorsOf = (json: TfJson, stage: 'dev' | 'prod') =>
  evaluateStack(new StackView('t', json as unknown as JsonObject), ALL_RULES, { environment: 't', stage }, [])
    .filter((f) => f.severity === 'error' && !f.address.startsWith('aws_eks_cluster'))
    .map((f) => `${f.ruleId} ${f.address}: ${f.message}`);

const common = { vpcId: 'vpc-1', subnetIds: ['s1', 's2'] };

describe('AuroraVectorStore', () => {
  let store!: IVectorStore;
  const aurora = (over: Partial<AuroraVectorStoreProps> = {}) =>
    withCluster((scope, cluster) => {
      store = new AuroraVectorStore(scope, 'Store', {
        ...common,
        cluster,
        name: 'gpb-t',
        region: 'us-west-2',
        minCapacityAcu: 0,
        maxCapacityAcu: 4,
        clients: [gw],
        ...over,
      });
    });

  it('is encrypted, IAM-authenticated, TLS-only, with the password managed by Secrets Manager', () => {
    const json = aurora();
    expect(onlyResource(json, 'aws_rds_cluster')).toMatchObject({
      engine: 'aurora-postgresql',
      engine_version: AURORA_POSTGRES_VERSION,
      storage_encrypted: true,
      iam_database_authentication_enabled: true,
      manage_master_user_password: true,
      serverlessv2_scaling_configuration: { min_capacity: 0, max_capacity: 4, seconds_until_auto_pause: 600 },
    });
    expect(onlyResource(json, 'aws_rds_cluster').master_password).toBeUndefined();
    expect(onlyResource(json, 'aws_rds_cluster_parameter_group').parameter).toContainEqual({ name: 'rds.force_ssl', value: '1' });
  });

  it('protects itself when asked: deletion protection, a final snapshot, prevent_destroy', () => {
    const rds = onlyResource(aurora({ protect: true, minCapacityAcu: 1 }), 'aws_rds_cluster');
    // The final snapshot's name carries the creation time, computed once (ignore_changes), so a
    // second replacement does not collide with the first one's snapshot.
    expect(rds).toMatchObject({
      deletion_protection: true,
      skip_final_snapshot: false,
      final_snapshot_identifier: 'gpb-t-final-${formatdate("YYYYMMDDhhmmss", timestamp())}',
      lifecycle: { prevent_destroy: true, ignore_changes: ['final_snapshot_identifier'] },
    });
    expect(rds.serverlessv2_scaling_configuration).toEqual({ min_capacity: 1, max_capacity: 4 });
  });

  it('gives each client its own role that may connect as the app user only', () => {
    const json = aurora();
    const [statement] = policyOf(resourcesOf(json, 'aws_iam_role_policy')[0]).Statement;
    expect(statement).toMatchObject({
      Action: 'rds-db:connect',
      Resource: expect.stringMatching(/:rds-db:us-west-2:.*:dbuser:\$\{aws_rds_cluster\.\w+\.cluster_resource_id\}\/gpb_app$/),
    });
    expect(onlyResource(json, 'aws_eks_pod_identity_association')).toMatchObject({ namespace: 'gpb-gateway', service_account: 'gateway' });
    expect(store.credentials).toEqual({ kind: 'iam-database-auth', databaseName: 'vectors', username: 'gpb_app' });
    expect(store.port).toBe(5432);
  });

  it('passes the policy pack in prod when protected', () => {
    expect(errorsOf(aurora({ protect: true, minCapacityAcu: 2 }), 'prod')).toEqual([]);
    expect(errorsOf(aurora(), 'prod')).toContainEqual(
      expect.stringMatching(/^GPB-AWS-060 aws_rds_cluster\.\w+: lifecycle\.prevent_destroy is not true$/),
    );
  });

  it('throws when max capacity is below min', () => {
    expect(() => aurora({ minCapacityAcu: 8, maxCapacityAcu: 4 })).toThrow(/'maxCapacityAcu' \(4\) must be >= 'minCapacityAcu' \(8\)/);
  });
});

describe('OpenSearchVectorStore', () => {
  const json = withCluster((scope, cluster) => {
    new OpenSearchVectorStore(scope, 'Store', { ...common, cluster, name: 'gpb-t-vectors', clients: [gw] });
  });
  const policies = resourcesOf(json, 'aws_opensearchserverless_security_policy');

  it('encrypts with its own key and is reachable only through the VPC endpoint', () => {
    const enc = JSON.parse(policies.find((p) => p.type === 'encryption')!.policy as string);
    expect(enc).toMatchObject({ AWSOwnedKey: false, KmsARN: expect.stringMatching(/aws_kms_key/) });
    const net = JSON.parse(policies.find((p) => p.type === 'network')!.policy as string);
    expect(net).toEqual([
      {
        Rules: [{ ResourceType: 'collection', Resource: ['collection/gpb-t-vectors'] }],
        AllowFromPublic: false,
        SourceVPCEs: [expect.stringMatching(/vpc_endpoint/)],
      },
    ]);
    expect(onlyResource(json, 'aws_opensearchserverless_collection')).toMatchObject({ type: 'VECTORSEARCH', standby_replicas: 'ENABLED' });
  });

  it('grants data access to the clients’ roles only', () => {
    const access = JSON.parse(onlyResource(json, 'aws_opensearchserverless_access_policy').policy as string);
    expect(access[0].Principal).toEqual([expect.stringMatching(/^\$\{aws_iam_role\.Store_Clients_gpb-gateway-gateway_\w+\.arn\}$/)]);
  });

  it('throws on an invalid collection name', () => {
    expect(() => withCluster((scope, cluster) => new OpenSearchVectorStore(scope, 'S', { ...common, cluster, name: 'Vectors_1' }))).toThrow(
      /must be 3-28 lowercase/,
    );
  });
});

describe('ValkeyCache', () => {
  const json = withCluster((scope, cluster) => {
    new ValkeyCache(scope, 'Cache', {
      ...common,
      cluster,
      name: 'gpb-t',
      logsKey: { keyArn: 'arn:aws:kms:us-west-2:1:key/l' },
      replicas: 2,
      clients: [gw],
    });
  });

  it('encrypts in transit and at rest, fails over across zones, pins a version with vector search', () => {
    expect(onlyResource(json, 'aws_elasticache_replication_group')).toMatchObject({
      engine: 'valkey',
      engine_version: VALKEY_VERSION,
      transit_encryption_enabled: true,
      transit_encryption_mode: 'required',
      at_rest_encryption_enabled: 'true',
      multi_az_enabled: true,
      automatic_failover_enabled: true,
      replicas_per_node_group: 2,
    });
    expect(Number(VALKEY_VERSION)).toBeGreaterThanOrEqual(8.2);
  });

  it('authenticates with IAM through RBAC, with the default user switched off', () => {
    const users = resourcesOf(json, 'aws_elasticache_user');
    expect(users.find((u) => u.user_name === 'default')).toMatchObject({ access_string: 'off -@all' });
    // The IAM user's id is its name, and carries the environment (ids are unique per account and region).
    expect(users.find((u) => u.user_name === 'gpb-t-app')).toMatchObject({ user_id: 'gpb-t-app', authentication_mode: { type: 'iam' } });
    expect(onlyResource(json, 'aws_elasticache_replication_group').user_group_ids).toHaveLength(1);
    const [statement] = policyOf(resourcesOf(json, 'aws_iam_role_policy')[0]).Statement;
    expect(statement.Action).toBe('elasticache:Connect');
  });

  it('admits the cluster security group only, and passes the policy pack', () => {
    const rule = onlyResource(json, 'aws_vpc_security_group_ingress_rule');
    expect(rule).toMatchObject({
      from_port: 6379,
      to_port: 6379,
      referenced_security_group_id: expect.stringMatching(/cluster_security_group_id/),
    });
    expect(rule.cidr_ipv4).toBeUndefined();
    expect(errorsOf(json, 'dev')).toEqual([]);
  });
});

describe('ValkeyCache semantic cache user', () => {
  const json = withCluster((scope, cluster) => {
    const password = new GeneratedSecret(scope, 'Password', {
      name: 'gpb-t/gateway/semantic-cache-password',
      purpose: 'test',
      storage: 'state',
    });
    new ValkeyCache(scope, 'Cache', {
      ...common,
      cluster,
      name: 'gpb-t',
      logsKey: { keyArn: 'arn:aws:kms:us-west-2:1:key/l' },
      clients: [gw],
      protect: true,
      semanticCache: { password: password.value, keyPrefix: 'gpb-semcache' },
    });
  }) as TfJson & { resource: { terraform_data?: Record<string, { input: string; lifecycle: { ignore_changes: string[] } }> } };

  it('adds a password user confined to the cache index keys, without pub/sub or dangerous commands', () => {
    const user = resourcesOf(json, 'aws_elasticache_user').find((u) => u.user_name === 'semantic-cache')!;
    expect(user).toMatchObject({
      user_id: 'gpb-t-semcache',
      engine: 'valkey',
      access_string: 'on ~gpb-semcache:* resetchannels +@all -@dangerous',
    });
    const [data] = Object.keys(json.resource.terraform_data ?? {});
    expect(user.authentication_mode).toEqual({ type: 'password', passwords: [`\${terraform_data.${data}.output}`] });
    expect(onlyResource(json, 'aws_elasticache_user_group').user_ids).toHaveLength(3);
  });

  it('generates the password once (two UUIDv4, kept by ignore_changes) and stores the same value in Secrets Manager', () => {
    const [[name, data]] = Object.entries(json.resource.terraform_data ?? {});
    expect(data.input).toBe('${join("", [replace(uuid(), "-", ""), replace(uuid(), "-", "")])}');
    expect(data.lifecycle.ignore_changes).toEqual(['input']);
    expect(onlyResource(json, 'aws_secretsmanager_secret_version')).toMatchObject({
      secret_string_wo: `\${terraform_data.${name}.output}`,
      secret_string_wo_version: 1,
    });
  });

  it('passes the policy pack in prod', () => {
    expect(errorsOf(json, 'prod')).toEqual([]);
  });

  it('refuses a key prefix that would widen the user’s keys', () => {
    expect(() =>
      withCluster(
        (scope, cluster) =>
          new ValkeyCache(scope, 'Cache', {
            ...common,
            cluster,
            name: 'gpb-t',
            logsKey: { keyArn: 'k' },
            semanticCache: { password: 'p', keyPrefix: '*' },
          }),
      ),
    ).toThrow(/semanticCache.keyPrefix '\*' must be a lowercase name/);
  });
});

describe('GatewayDatabase', () => {
  const db = (over: Partial<GatewayDatabaseProps> = {}) =>
    withCluster((scope, cluster) => {
      const password = new GeneratedSecret(scope, 'Password', { name: 'gpb-t/gateway/database-password', purpose: 'test' });
      new GatewayDatabase(scope, 'Db', { ...common, cluster, name: 'gpb-t', password, ...over });
    });

  it('is private, encrypted, TLS-only, IAM-enabled, and gets the generated password write-only (never in state)', () => {
    const json = db();
    const instance = onlyResource(json, 'aws_db_instance');
    expect(instance).toMatchObject({
      engine: 'postgres',
      engine_version: GATEWAY_POSTGRES_VERSION,
      storage_encrypted: true,
      publicly_accessible: false,
      iam_database_authentication_enabled: true,
      performance_insights_enabled: true,
      password_wo_version: 1,
      db_name: 'litellm',
      username: 'litellm',
      max_allocated_storage: 100,
    });
    expect(instance.password).toBeUndefined();
    expect(instance.password_wo).toBe(onlyResource(json, 'aws_secretsmanager_secret_version').secret_string_wo);
    expect(onlyResource(json, 'aws_db_parameter_group').parameter).toContainEqual({ name: 'rds.force_ssl', value: '1' });
    expect(onlyResource(json, 'aws_vpc_security_group_ingress_rule')).toMatchObject({ from_port: 5432, to_port: 5432 });
  });

  it('protects itself when asked, and passes the policy pack in prod', () => {
    const json = db({ protect: true, multiAz: true });
    expect(onlyResource(json, 'aws_db_instance')).toMatchObject({
      deletion_protection: true,
      skip_final_snapshot: false,
      multi_az: true,
      lifecycle: { prevent_destroy: true },
    });
    expect(errorsOf(json, 'prod')).toEqual([]);
  });

  it('turns Performance Insights off only on the burstable classes that cannot run it', () => {
    expect(onlyResource(db({ instanceClass: 'db.t4g.small' }), 'aws_db_instance')).toMatchObject({ performance_insights_enabled: false });
    expect(onlyResource(db({ instanceClass: 'db.t4g.medium' }), 'aws_db_instance')).toMatchObject({ performance_insights_enabled: true });
  });

  it('refuses storage out of range', () => {
    expect(() => db({ storageGiB: 5 })).toThrow(/'storageGiB' 5 must be an integer of 20-1000/);
  });
});

describe('GeneratedSecret', () => {
  it('has a readable value only when kept in state, and a prefix before the random part', () => {
    let wo!: GeneratedSecret;
    let kept!: GeneratedSecret;
    synthWith((scope) => {
      wo = new GeneratedSecret(scope, 'Wo', { name: 'a', purpose: 'a', prefix: 'sk-' });
      kept = new GeneratedSecret(scope, 'Kept', { name: 'b', purpose: 'b', storage: 'state' });
    });
    expect(() => wo.value).toThrow(/a write-only secret has no readable value/);
    expect(wo.writeOnlyValue).toMatch(/^sk-\$\{ephemeral\.aws_secretsmanager_random_password\.\w+\.random_password\}$/);
    expect(kept.value).toMatch(/^\$\{terraform_data\.\w+\.output\}$/);
    expect(() => synthWith((scope) => new GeneratedSecret(scope, 'X', { name: 'c', purpose: 'c', storage: 'state', length: 20 }))).toThrow(
      /'length' applies to write-only secrets/,
    );
  });
});

describe('PrivateBucket (model weights)', () => {
  let bucket!: PrivateBucket;
  const json = synthWith((scope) => {
    bucket = new PrivateBucket(scope, 'Models', { purpose: 'Model weights', namePrefix: 'gpb-t-models-' });
  });

  it('is versioned, KMS-encrypted, private and TLS-only, and passes the policy pack', () => {
    expect(onlyResource(json, 'aws_s3_bucket_versioning').versioning_configuration).toEqual({ status: 'Enabled' });
    expect(JSON.stringify(onlyResource(json, 'aws_s3_bucket_server_side_encryption_configuration'))).toContain('"sse_algorithm":"aws:kms"');
    expect(JSON.stringify(onlyResource(json, 'aws_s3_bucket_policy'))).toContain('aws:SecureTransport');
    expect(errorsOf(json, 'dev')).toEqual([]);
  });

  it('grants read-only access to one model prefix', () => {
    const statements = bucket.readStatements('/llama-8b/');
    expect(statements.flatMap((s) => s.Action)).toEqual(['s3:GetObject', 's3:ListBucket', 'kms:Decrypt']);
    expect(statements[0].Resource).toMatch(/\/llama-8b\/\*$/);
  });
});
