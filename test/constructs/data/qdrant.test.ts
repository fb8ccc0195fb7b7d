import { ExternalSecret } from '@kubernetes-models/external-secrets/external-secrets.io/v1/ExternalSecret';
import { SecretStore } from '@kubernetes-models/external-secrets/external-secrets.io/v1/SecretStore';
import { describe, expect, it } from 'vitest';
import { externalSecretsRole, GeneratedSecret } from '../../../constructs/data/generated-secret';
import { QdrantAws } from '../../../constructs/data/qdrant-aws';
import { QDRANT_CHART_VERSION, QDRANT_IMAGE_TAG, QdrantVectorStore } from '../../../constructs/data/qdrant-vector-store';
import { EncryptedStorageClass } from '../../../constructs/platform/encrypted-storage-class';
import { EXTERNAL_SECRETS_VERSION, ExternalSecrets } from '../../../constructs/platform/external-secrets';
import { ALL_RULES } from '../../../policies';
import { evaluateStack } from '../../../policies/engine/evaluate';
import { type JsonObject, StackView } from '../../../policies/engine/stack-view';
import { onlyResource, policyOf, resourcesOf, synthWith, testCluster } from '../../helpers';

describe('QdrantAws', () => {
  const json = synthWith((scope) => {
    new QdrantAws(scope, 'Qdrant', { name: 'gpb-t', cluster: testCluster(scope), protect: true });
  });

  it('generates the API key write-only: never in configuration or state', () => {
    const version = onlyResource(json, 'aws_secretsmanager_secret_version');
    expect(version.secret_string).toBeUndefined();
    expect(version.secret_string_wo).toMatch(/^\$\{ephemeral\.aws_secretsmanager_random_password\.generated_\w+\.random_password\}$/);
    expect(version.secret_string_wo_version).toBe(1);
    expect(onlyResource(json, 'aws_secretsmanager_secret')).toMatchObject({
      name: 'gpb-t/qdrant/api-key',
      kms_key_id: expect.stringMatching(/aws_kms_key/),
      lifecycle: { prevent_destroy: true },
    });
  });

  it('lets Qdrant write its snapshot bucket, and External Secrets read exactly the generated secrets', () => {
    const policies = resourcesOf(json, 'aws_iam_role_policy');
    const qdrant = policyOf(policies.find((p) => String(p.role).includes('QdrantRole'))!).Statement;
    expect(qdrant.map((s) => s.Resource).join(' ')).toMatch(/aws_s3_bucket\.Qdrant_Snapshots_\w+\.arn/);
    const withEso = synthWith((scope) => {
      const cluster = testCluster(scope);
      const q = new QdrantAws(scope, 'Qdrant', { name: 'gpb-t', cluster });
      externalSecretsRole(scope, 'Eso', cluster, { QdrantApiKey: q.apiKey }, 'us-west-2');
    });
    const eso = policyOf(resourcesOf(withEso, 'aws_iam_role_policy').find((p) => String(p.role).includes('Eso'))!).Statement;
    expect(eso.map((s) => [s.Sid, s.Action])).toEqual([
      ['ReadGeneratedSecrets', ['secretsmanager:GetSecretValue', 'secretsmanager:DescribeSecret']],
      ['DecryptGeneratedSecrets', 'kms:Decrypt'],
    ]);
    // The environment's secret prefix, and decryption only through Secrets Manager for those secrets.
    expect(eso[0].Resource).toMatch(
      /^arn:\$\{data\.aws_partition\.\w+\.partition\}:secretsmanager:us-west-2:\$\{data\.aws_caller_identity\.\w+\.account_id\}:secret:gpb-t\/\*$/,
    );
    expect(eso[1].Condition).toMatchObject({
      StringEquals: { 'kms:ViaService': expect.stringMatching(/^secretsmanager\.us-west-2\./) },
      StringLike: { 'kms:EncryptionContext:SecretARN': eso[0].Resource },
    });
    expect(
      resourcesOf(withEso, 'aws_eks_pod_identity_association')
        .map((a) => `${a.namespace}/${a.service_account}`)
        .sort(),
    ).toEqual(['external-secrets/external-secrets', 'gpb-vector/qdrant']);
  });

  it('keeps External Secrets’ policy the same size however many secrets there are (IAM caps a role’s inline policies at 10,240 characters)', () => {
    const policyFor = (count: number) =>
      synthWith((scope) => {
        const cluster = testCluster(scope);
        const secrets = Object.fromEntries(
          Array.from({ length: count }, (_, i) => [
            `Tenant${i}`,
            new GeneratedSecret(scope, `S${i}`, { name: `gpb-t/gateway/tenants/t${i}`, purpose: 'p' }),
          ]),
        );
        externalSecretsRole(scope, 'Eso', cluster, secrets, 'us-west-2');
      });
    const size = (count: number) => String(resourcesOf(policyFor(count), 'aws_iam_role_policy')[0].policy).length;
    expect(size(40)).toBe(size(1));
    expect(size(1)).toBeLessThan(1000);
  });

  it('throws when the secrets do not share one name prefix', () => {
    expect(() =>
      synthWith((scope) => {
        const cluster = testCluster(scope);
        externalSecretsRole(
          scope,
          'Eso',
          cluster,
          {
            A: new GeneratedSecret(scope, 'A', { name: 'gpb-a/x', purpose: 'p' }),
            B: new GeneratedSecret(scope, 'B', { name: 'gpb-b/y', purpose: 'p' }),
          },
          'us-west-2',
        );
      }),
    ).toThrow(/must share one name prefix ending in '\/'/);
  });

  it('moves the key and secret of earlier versions instead of replacing them', () => {
    const moved = (json as unknown as { moved?: { from: string; to: string }[] }).moved ?? [];
    expect(moved.map((m) => m.from).sort()).toEqual([
      'aws_kms_key.Qdrant_SecretKey_C30B05D0',
      'aws_secretsmanager_secret.Qdrant_ApiKey_1A51A50F',
      'aws_secretsmanager_secret_version.Qdrant_ApiKeyValue_8834BCB9',
    ]);
  });

  it('passes the policy pack in prod', () => {
    const findings = evaluateStack(new StackView('t', json as unknown as JsonObject), ALL_RULES, { environment: 't', stage: 'prod' }, []);
    expect(findings.filter((f) => f.severity === 'error' && !f.address.startsWith('aws_eks_cluster'))).toEqual([]);
  });
});

describe('QdrantVectorStore', () => {
  const store = (replicas: number) => {
    let s!: QdrantVectorStore;
    const json = synthWith((scope) => {
      s = new QdrantVectorStore(scope, 'Qdrant', {
        apiKeySecretName: 'gpb-t/qdrant/api-key',
        region: 'us-west-2',
        snapshotBucket: 'snaps',
        replicas,
        storageClassName: 'gpb-gp3-encrypted',
      });
    });
    const release = onlyResource(json, 'helm_release');
    const manifests = resourcesOf(json, 'kubernetes_manifest').map((m) => m.manifest as { kind: string });
    return { s, release, values: JSON.parse((release.values as string[])[0]), manifests };
  };

  it('pins chart and image, and syncs the API key from Secrets Manager', () => {
    const { release, values, manifests, s } = store(1);
    expect(release).toMatchObject({ chart: 'qdrant', version: QDRANT_CHART_VERSION, namespace: 'gpb-vector' });
    expect(values.image.tag).toBe(QDRANT_IMAGE_TAG);
    const external = manifests.find((m) => m.kind === 'ExternalSecret')!;
    expect(external).toMatchObject({ spec: { data: [{ secretKey: 'api-key', remoteRef: { key: 'gpb-t/qdrant/api-key' } }] } });
    expect(() => new ExternalSecret(external as never).validate()).not.toThrow();
    expect(() => new SecretStore(manifests.find((m) => m.kind === 'SecretStore') as never).validate()).not.toThrow();
    expect(s.credentials).toEqual({ kind: 'api-key', namespace: 'gpb-vector', secretName: 'qdrant-api-key', key: 'api-key' });
    expect(s.admission).toEqual({ kind: 'network-policy', namespace: 'gpb-vector' });
  });

  it('runs one node standalone, and several in distributed mode on different nodes with a PDB', () => {
    const one = store(1).values;
    expect(one.config.cluster.enabled).toBe(false);
    expect(one.affinity).toBeUndefined();
    const three = store(3).values;
    expect(three.config.cluster.enabled).toBe(true);
    expect(three.podDisruptionBudget).toEqual({ enabled: true, maxUnavailable: 1 });
    expect(three.affinity.podAntiAffinity.requiredDuringSchedulingIgnoredDuringExecution[0].topologyKey).toBe('kubernetes.io/hostname');
  });
});

describe('platform pieces for Qdrant', () => {
  it('External Secrets: pinned chart in a default-deny namespace that may reach HTTPS and receive webhook calls', () => {
    const json = synthWith((scope) => {
      new ExternalSecrets(scope, 'Eso', { kubernetesVersion: '1.33', vpcCidr: '10.0.0.0/16' });
    });
    expect(onlyResource(json, 'helm_release')).toMatchObject({
      chart: 'external-secrets',
      version: EXTERNAL_SECRETS_VERSION,
      namespace: 'external-secrets',
    });
    const names = resourcesOf(json, 'kubernetes_network_policy_v1')
      .map((p) => (p.metadata as { name: string }).name)
      .sort();
    expect(names).toEqual(['allow-dns', 'allow-egress-https', 'allow-ingress-webhook', 'allow-pod-identity-agent', 'default-deny']);
  });

  it('the storage class encrypts gp3 and retains volumes when asked', () => {
    const sc = (retain: boolean) =>
      onlyResource(
        synthWith((scope) => new EncryptedStorageClass(scope, 'Sc', { retain })),
        'kubernetes_storage_class_v1',
      );
    expect(sc(true)).toMatchObject({
      storage_provisioner: 'ebs.csi.aws.com',
      reclaim_policy: 'Retain',
      parameters: { type: 'gp3', encrypted: 'true' },
    });
    expect(sc(false).reclaim_policy).toBe('Delete');
  });
});
