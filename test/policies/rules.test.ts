import { describe, expect, it } from 'vitest';
import { stringify as stringifyYaml } from 'yaml';
import { evaluateEnvironment, evaluateStack } from '../../policies/engine/evaluate';
import type { RuleContext } from '../../policies/engine/rule';
import { ALL_RULES, findRule } from '../../policies';
import { isPinnedImage } from '../../policies/rules/kubernetes/workloads';
import { ctx, deployment, type FixtureResource, nodePool, policyJson, stackOf, typedDeployment } from './fixtures';

interface Case {
  /** Resources for which the rule must report a finding matching `message`. */
  readonly fires: FixtureResource[];
  /** A second stack of the same environment, for rules across stacks (with `fires`). */
  readonly firesAcross?: FixtureResource[];
  /** The second stack with `passes`. */
  readonly passesAcross?: FixtureResource[];
  readonly message: RegExp;
  /** Resources for which the rule must stay silent. */
  readonly passes: FixtureResource[];
  readonly ctx?: RuleContext;
}

const eks = (extra: Record<string, unknown> = {}) =>
  ({
    name: 'c',
    encryption_config: { resources: ['secrets'], provider: { key_arn: 'k' } },
    enabled_cluster_log_types: ['api', 'audit', 'authenticator'],
    vpc_config: { endpoint_private_access: true, endpoint_public_access: false, subnet_ids: [] },
    upgrade_policy: { support_type: 'STANDARD' },
    ...extra,
  }) as Record<string, unknown>;
const sgRule = (cidr: string, from: number, to: number): Record<string, unknown> => ({
  security_group_id: 'sg',
  ip_protocol: 'tcp',
  from_port: from,
  to_port: to,
  cidr_ipv4: cidr,
});
const lt = (meta: Record<string, unknown>, ebs: Record<string, unknown> = { encrypted: 'true', volume_type: 'gp3' }) => ({
  metadata_options: meta,
  block_device_mappings: [{ device_name: '/dev/xvda', ebs }],
});
/** A LiteLLM proxy ConfigMap with the given cache parameters (and router settings). */
const liteLlmConfigMap = (cacheParams: Record<string, unknown>, routerSettings: Record<string, unknown> = {}): FixtureResource => [
  'kubernetes_manifest',
  `C${JSON.stringify(cacheParams).length}${Object.keys(routerSettings).length}`,
  {
    manifest: {
      apiVersion: 'v1',
      kind: 'ConfigMap',
      metadata: { name: 'gateway-config' },
      data: {
        'config.yaml': stringifyYaml({
          model_list: [{ model_name: 'm', litellm_params: { model: 'hosted_vllm/m' } }],
          router_settings: routerSettings,
          litellm_settings: { cache: true, cache_params: cacheParams },
        }),
      },
    },
  },
];
const gpuNodeGroup = (min: number): Record<string, unknown> => ({
  instance_types: ['g6.xlarge'],
  scaling_config: { min_size: min, max_size: 2, desired_size: min },
});

/** A model server's role in the data layer (tags as PodIdentityRole writes them) and its policy. */
const modelRole = (listPrefix: string): FixtureResource[] => [
  [
    'aws_iam_role',
    'ModelRole',
    { name_prefix: 'm-', tags: { 'gpb.io/service-account': 'gpb-serving.model-m', 'gpb.io/workload-kind': 'model-server' } },
  ],
  [
    'aws_iam_role_policy',
    'ModelPolicy',
    {
      role: '${aws_iam_role.ModelRole.id}',
      policy: policyJson([
        { Effect: 'Allow', Action: ['s3:GetObject'], Resource: 'arn:aws:s3:::b/models/m/*' },
        {
          Effect: 'Allow',
          Action: ['s3:ListBucket'],
          Resource: 'arn:aws:s3:::b',
          Condition: { StringLike: { 's3:prefix': [listPrefix] } },
        },
      ]),
    },
  ],
];
/** The model's server in the serving layer, given `uri`. */
const modelServer = (uri: string): FixtureResource[] => [
  deployment({ args: ['--model', uri] }, { serviceAccountName: 'model-m' }, 'gpb-serving'),
];
const association = (name: string, serviceAccount: string): FixtureResource => [
  'aws_eks_pod_identity_association',
  name,
  { cluster_name: 'c', namespace: 'gpb-gateway', service_account: serviceAccount, role_arn: 'r' },
];
const vpcCni = (configurationValues?: string): FixtureResource => [
  'aws_eks_addon',
  'Cni',
  { addon_name: 'vpc-cni', configuration_values: configurationValues },
];
const networkPolicy: FixtureResource = [
  'kubernetes_network_policy_v1',
  'Deny',
  { metadata: { name: 'default-deny', namespace: 'gpb-serving' }, spec: { pod_selector: {}, policy_types: ['Ingress'] } },
];

const restrictedNamespace: FixtureResource = [
  'kubernetes_namespace_v1',
  'Vector',
  { metadata: { name: 'gpb-vector', labels: { 'pod-security.kubernetes.io/enforce': 'restricted' } } },
];
/** Qdrant's release as the serving layer writes it, with `values`. */
const qdrantRelease = (values: Record<string, unknown>): FixtureResource => [
  'helm_release',
  'Qdrant',
  {
    name: 'qdrant',
    repository: 'https://qdrant.github.io/qdrant-helm',
    chart: 'qdrant',
    version: '1.15.4',
    namespace: 'gpb-vector',
    values: [JSON.stringify(values)],
  },
];

const CASES: Record<string, Case> = {
  'GPB-K8S-014': {
    // the old Qdrant values: the chart's init container and defaults decide, and fail restricted
    fires: [restrictedNamespace],
    firesAcross: [qdrantRelease({ replicaCount: 1, serviceAccount: { name: 'qdrant' } })],
    message: /qdrant in restricted namespace 'gpb-vector': podSecurityContext is not set/,
    passes: [restrictedNamespace],
    passesAcross: [
      qdrantRelease({
        podSecurityContext: { runAsNonRoot: true, seccompProfile: { type: 'RuntimeDefault' } },
        containerSecurityContext: { allowPrivilegeEscalation: false, capabilities: { drop: ['ALL'] } },
      }),
    ],
  },
  'GPB-AI-009': {
    // the old data stack: the cache's and the vector store's roles, each associated with the gateway
    fires: [association('CacheClient', 'gateway')],
    firesAcross: [association('VectorStoreClient', 'gateway')],
    message: /service account gpb-gateway\/gateway already has a Pod Identity association/,
    passes: [association('CacheClient', 'gateway')],
    passesAcross: [association('Other', 'tenant-sync')],
  },
  'GPB-AI-010': {
    // the old URI without the trailing slash: vLLM lists 'models/m', the role allows 'models/m/*'
    fires: modelRole('models/m/*'),
    firesAcross: modelServer('s3://${data.terraform_remote_state.data.outputs.bucket}/models/m'),
    message: /lists s3 prefix 'models\/m', which role .* does not allow/,
    passes: modelRole('models/m/*'),
    passesAcross: modelServer('s3://${data.terraform_remote_state.data.outputs.bucket}/models/m/'),
  },
  'GPB-K8S-013': {
    // the old cluster: vpc-cni installed with its defaults (network policy agent off)
    fires: [vpcCni()],
    firesAcross: [networkPolicy],
    message: /writes NetworkPolicies, but no vpc-cni add-on of this environment sets enableNetworkPolicy/,
    passes: [vpcCni('{"enableNetworkPolicy":"true"}')],
    passesAcross: [networkPolicy],
  },
  'GPB-AWS-001': {
    fires: [['aws_eks_cluster', 'C', eks({ encryption_config: undefined })]],
    message: /does not cover secrets/,
    passes: [['aws_eks_cluster', 'C', eks()]],
  },
  'GPB-AWS-002': {
    fires: [['aws_kms_key', 'K', { enable_key_rotation: false }]],
    message: /enable_key_rotation is not true/,
    passes: [['aws_kms_key', 'K', { enable_key_rotation: true }]],
  },
  'GPB-AWS-003': {
    fires: [['aws_cloudwatch_log_group', 'L', { retention_in_days: 30 }]],
    message: /kms_key_id is not set/,
    passes: [['aws_cloudwatch_log_group', 'L', { retention_in_days: 30, kms_key_id: '${aws_kms_key.K.arn}' }]],
  },
  'GPB-AWS-004': {
    fires: [['aws_launch_template', 'T', lt({ http_tokens: 'required', http_put_response_hop_limit: 1 }, { volume_type: 'gp3' })]],
    message: /block device \/dev\/xvda is not encrypted/,
    passes: [['aws_launch_template', 'T', lt({ http_tokens: 'required', http_put_response_hop_limit: 1 })]],
  },
  'GPB-AWS-005': {
    fires: [['aws_ebs_volume', 'V', { size: 10, type: 'gp3' }]],
    message: /encrypted is not true/,
    passes: [['aws_ebs_volume', 'V', { size: 10, type: 'gp3', encrypted: true }]],
  },
  'GPB-AWS-006': {
    fires: [['aws_rds_cluster', 'D', { engine: 'aurora-postgresql' }]],
    message: /storage_encrypted is not true/,
    passes: [['aws_rds_cluster', 'D', { engine: 'aurora-postgresql', storage_encrypted: true }]],
  },
  'GPB-AWS-007': {
    fires: [['aws_elasticache_replication_group', 'R', { at_rest_encryption_enabled: true }]],
    message: /transit_encryption_enabled is not true/,
    passes: [['aws_elasticache_replication_group', 'R', { at_rest_encryption_enabled: 'true', transit_encryption_enabled: true }]],
  },
  'GPB-AWS-008': {
    fires: [['aws_sqs_queue', 'Q', { name: 'q' }]],
    message: /neither sqs_managed_sse_enabled nor kms_master_key_id/,
    passes: [['aws_sqs_queue', 'Q', { name: 'q', sqs_managed_sse_enabled: true }]],
  },
  'GPB-AWS-010': {
    fires: [['aws_vpc_security_group_ingress_rule', 'I', sgRule('0.0.0.0/0', 0, 1024)]],
    message: /ingress from 0\.0\.0\.0\/0 reaches port 22 \(SSH\)/,
    passes: [
      ['aws_vpc_security_group_ingress_rule', 'I', sgRule('10.0.0.0/16', 22, 22)],
      ['aws_security_group', 'S', { ingress: [{ from_port: 443, to_port: 443, protocol: 'tcp', cidr_blocks: ['0.0.0.0/0'] }] }],
    ],
  },
  'GPB-AWS-011': {
    ctx: ctx('prod'),
    fires: [['aws_security_group', 'S', { ingress: [{ from_port: 443, to_port: 443, protocol: 'tcp', cidr_blocks: ['0.0.0.0/0'] }] }]],
    message: /ingress from 0\.0\.0\.0\/0 in prod/,
    passes: [
      ['aws_security_group_rule', 'R', { type: 'ingress', from_port: 443, to_port: 443, protocol: 'tcp', cidr_blocks: ['10.0.0.0/8'] }],
    ],
  },
  'GPB-AWS-012': {
    fires: [['aws_eks_cluster', 'C', eks({ vpc_config: { endpoint_public_access: true } })]],
    message: /no public_access_cidrs \(defaults to 0\.0\.0\.0\/0\)/,
    passes: [['aws_eks_cluster', 'C', eks({ vpc_config: { endpoint_public_access: true, public_access_cidrs: ['203.0.113.0/24'] } })]],
  },
  'GPB-AWS-013': {
    ctx: ctx('prod'),
    fires: [['aws_eks_cluster', 'C', eks({ vpc_config: { endpoint_public_access: true, public_access_cidrs: ['203.0.113.0/24'] } })]],
    message: /endpoint_public_access is not false in a prod-stage environment/,
    passes: [['aws_eks_cluster', 'C', eks()]],
  },
  'GPB-AWS-014': {
    fires: [['aws_vpc', 'V', { cidr_block: '10.0.0.0/16' }]],
    message: /no aws_flow_log references this VPC/,
    passes: [
      ['aws_vpc', 'V', { cidr_block: '10.0.0.0/16' }],
      ['aws_flow_log', 'F', { vpc_id: '${aws_vpc.V.id}' }],
    ],
  },
  'GPB-AWS-015': {
    fires: [
      ['aws_vpc', 'V', {}],
      ['aws_default_security_group', 'D', { vpc_id: '${aws_vpc.V.id}', ingress: [{ protocol: '-1', self: true }] }],
    ],
    message: /the default security group has rules/,
    passes: [
      ['aws_vpc', 'V', {}],
      ['aws_default_security_group', 'D', { vpc_id: '${aws_vpc.V.id}' }],
    ],
  },
  'GPB-AWS-020': {
    fires: [['aws_iam_role_policy', 'P', { policy: policyJson([{ Effect: 'Allow', Action: '*', Resource: '*' }]) }]],
    message: /allows action '\*' on '\*'/,
    passes: [
      [
        'aws_iam_role_policy',
        'P',
        {
          policy: policyJson([
            { Effect: 'Allow', Action: ['s3:GetObject'], Resource: 'arn:aws:s3:::b/*' },
            { Effect: 'Deny', Action: '*', Resource: '*' },
          ]),
        },
      ],
    ],
  },
  'GPB-AWS-021': {
    fires: [
      ['data.aws_iam_policy_document', 'Doc', { statement: [{ effect: 'Allow', actions: ['s3:*'], resources: ['*'] }] }],
      ['aws_iam_policy', 'P', { policy: '${data.aws_iam_policy_document.Doc.json}' }],
    ],
    message: /allows 's3:\*' on '\*'/,
    passes: [['aws_iam_policy', 'P', { policy: policyJson([{ Effect: 'Allow', Action: 's3:*', Resource: 'arn:aws:s3:::bucket/*' }]) }]],
  },
  'GPB-AWS-022': {
    fires: [
      [
        'aws_iam_role',
        'R',
        { inline_policy: [{ name: 'x', policy: policyJson([{ Effect: 'Allow', NotAction: 'iam:*', Resource: '*' }]) }] },
      ],
    ],
    message: /allows NotAction \[iam:\*\]/,
    passes: [
      [
        'aws_iam_role',
        'R',
        { inline_policy: [{ name: 'x', policy: policyJson([{ Effect: 'Deny', NotAction: 's3:GetObject', Resource: '*' }]) }] },
      ],
    ],
  },
  'GPB-AWS-030': {
    fires: [['aws_eks_cluster', 'C', eks({ enabled_cluster_log_types: ['api'] })]],
    message: /lacks audit, authenticator/,
    passes: [['aws_eks_cluster', 'C', eks()]],
  },
  'GPB-AWS-031': {
    fires: [['aws_cloudwatch_log_group', 'L', { kms_key_id: 'k' }]],
    message: /retention_in_days is not set/,
    passes: [['aws_cloudwatch_log_group', 'L', { kms_key_id: 'k', retention_in_days: 7 }]],
  },
  'GPB-AWS-032': {
    ctx: ctx('prod'),
    fires: [['aws_cloudwatch_log_group', 'L', { retention_in_days: 30 }]],
    message: /retention_in_days is 30/,
    passes: [['aws_cloudwatch_log_group', 'L', { retention_in_days: 365 }]],
  },
  'GPB-AWS-040': {
    fires: [['aws_launch_template', 'T', lt({ http_tokens: 'optional', http_put_response_hop_limit: 1 })]],
    message: /http_tokens is not 'required'/,
    passes: [['aws_launch_template', 'T', lt({ http_tokens: 'required', http_put_response_hop_limit: 1 })]],
  },
  'GPB-AWS-041': {
    fires: [['aws_launch_template', 'T', lt({ http_tokens: 'required', http_put_response_hop_limit: 2 })]],
    message: /http_put_response_hop_limit is 2/,
    passes: [['aws_launch_template', 'T', lt({ http_tokens: 'required', http_put_response_hop_limit: 1 })]],
  },
  'GPB-AWS-050': {
    fires: [
      ['aws_s3_bucket', 'B', { bucket: 'models' }],
      [
        'aws_s3_bucket_public_access_block',
        'P',
        {
          bucket: '${aws_s3_bucket.B.id}',
          block_public_acls: true,
          block_public_policy: true,
          ignore_public_acls: true,
          restrict_public_buckets: false,
        },
      ],
    ],
    message: /restrict_public_buckets is not true/,
    passes: [
      ['aws_s3_bucket', 'B', { bucket: 'models' }],
      [
        'aws_s3_bucket_public_access_block',
        'P',
        {
          bucket: '${aws_s3_bucket.B.id}',
          block_public_acls: true,
          block_public_policy: true,
          ignore_public_acls: true,
          restrict_public_buckets: true,
        },
      ],
    ],
  },
  'GPB-AWS-051': {
    fires: [['aws_s3_bucket', 'B', { bucket: 'models' }]],
    message: /no SSE-KMS encryption configuration/,
    passes: [
      ['aws_s3_bucket', 'B', { bucket: 'models' }],
      [
        'aws_s3_bucket_server_side_encryption_configuration',
        'E',
        { bucket: '${aws_s3_bucket.B.id}', rule: [{ apply_server_side_encryption_by_default: { sse_algorithm: 'aws:kms' } }] },
      ],
    ],
  },
  'GPB-AWS-060': {
    ctx: ctx('staging'),
    fires: [['aws_rds_cluster', 'D', { storage_encrypted: true, lifecycle: { prevent_destroy: true } }]],
    message: /deletion_protection is not true/,
    passes: [['aws_rds_cluster', 'D', { storage_encrypted: true, deletion_protection: true, lifecycle: { prevent_destroy: true } }]],
  },
  'GPB-K8S-001': {
    fires: [deployment({ image: 'vllm/vllm-openai:latest' })],
    message: /image 'vllm\/vllm-openai:latest' is not pinned/,
    passes: [deployment({ image: 'nvcr.io/nvidia/tritonserver@sha256:' + 'a'.repeat(64) })],
  },
  'GPB-K8S-002': {
    fires: [deployment({ resources: { requests: { cpu: '1', memory: '1Gi', 'nvidia.com/gpu': '1' }, limits: { memory: '1Gi' } } })],
    message: /requests nvidia\.com\/gpu without a limit/,
    passes: [
      deployment({
        resources: { requests: { cpu: '1', memory: '1Gi', 'nvidia.com/gpu': '1' }, limits: { memory: '1Gi', 'nvidia.com/gpu': '1' } },
      }),
    ],
  },
  'GPB-K8S-003': {
    fires: [deployment({ resources: { requests: { cpu: '1', memory: '1Gi' }, limits: { memory: '1Gi', 'nvidia.com/mig-1g.10gb': '1' } } })],
    message: /uses GPUs but does not tolerate nvidia\.com\/gpu:NoSchedule/,
    passes: [
      deployment(
        { resources: { requests: { cpu: '1', memory: '1Gi' }, limits: { memory: '1Gi', 'nvidia.com/gpu': '1' } } },
        { tolerations: [{ key: 'nvidia.com/gpu', operator: 'Exists', effect: 'NoSchedule' }] },
      ),
    ],
  },
  'GPB-K8S-004': {
    fires: [typedDeployment({ resources: { requests: { cpu: '1' } } })],
    message: /no requests\.memory, limits\.memory/,
    passes: [typedDeployment()],
  },
  'GPB-K8S-005': {
    fires: [typedDeployment({ security_context: {} }, { security_context: {} })],
    message: /allowPrivilegeEscalation is not false; runAsNonRoot is not true/,
    passes: [typedDeployment(), deployment({ securityContext: {} }, { securityContext: {} }, 'gpu-operator')],
  },
  'GPB-K8S-006': {
    fires: [deployment({ securityContext: { privileged: true, allowPrivilegeEscalation: false } })],
    message: /privileged is true/,
    passes: [deployment({ securityContext: { privileged: true } }, {}, 'gpu-operator')],
  },
  'GPB-K8S-007': {
    fires: [deployment({}, { volumes: [{ name: 'host', hostPath: { path: '/var/run' } }] })],
    message: /mounts hostPath volume\(s\) host/,
    passes: [deployment({}, { volumes: [{ name: 'shm', emptyDir: { medium: 'Memory' } }] })],
  },
  'GPB-K8S-010': {
    fires: [['kubernetes_namespace_v1', 'N', { metadata: { name: 'serving', labels: { team: 'ml' } } }]],
    message: /namespace 'serving' has no valid pod-security\.kubernetes\.io\/enforce label/,
    passes: [
      [
        'kubernetes_manifest',
        'N',
        {
          manifest: {
            apiVersion: 'v1',
            kind: 'Namespace',
            metadata: { name: 'serving', labels: { 'pod-security.kubernetes.io/enforce': 'restricted' } },
          },
        },
      ],
    ],
  },
  'GPB-K8S-011': {
    fires: [['helm_release', 'H', { chart: 'karpenter', version: '1.x' }]],
    message: /chart 'karpenter' version '1\.x' is not exact/,
    passes: [['helm_release', 'H', { chart: 'karpenter', version: '1.3.3' }]],
  },
  'GPB-K8S-012': {
    ctx: ctx('prod'),
    fires: [
      [
        'kubernetes_manifest',
        'I',
        {
          manifest: {
            apiVersion: 'networking.k8s.io/v1',
            kind: 'Ingress',
            metadata: { name: 'gateway', annotations: { 'alb.ingress.kubernetes.io/inbound-cidrs': '10.0.0.0/8,0.0.0.0/0' } },
            spec: { ingressClassName: 'alb' },
          },
        },
      ],
    ],
    message: /Ingress 'gateway' admits 0\.0\.0\.0\/0 in a prod-stage environment/,
    passes: [
      [
        'kubernetes_manifest',
        'I',
        {
          manifest: {
            apiVersion: 'networking.k8s.io/v1',
            kind: 'Ingress',
            metadata: { name: 'gateway', annotations: { 'alb.ingress.kubernetes.io/inbound-cidrs': '10.0.0.0/8' } },
            spec: { ingressClassName: 'alb' },
          },
        },
      ],
      [
        'kubernetes_manifest',
        'I',
        {
          manifest: {
            apiVersion: 'networking.k8s.io/v1',
            kind: 'Ingress',
            metadata: { name: 'other', annotations: {} },
            spec: { ingressClassName: 'nginx' },
          },
        },
      ],
    ],
  },
  'GPB-AI-001': {
    fires: [nodePool({ taints: [{ key: 'nvidia.com/gpu', effect: 'NoSchedule' }] }, { cpu: '100' })],
    message: /NodePool 'gpu' can launch GPU nodes but has no limits\['nvidia\.com\/gpu'\]/,
    passes: [
      nodePool({ requirements: [{ key: 'karpenter.k8s.aws/instance-family', operator: 'In', values: ['g6'] }] }, { 'nvidia.com/gpu': 8 }),
      nodePool({ requirements: [{ key: 'karpenter.k8s.aws/instance-family', operator: 'In', values: ['m7i'] }] }),
    ],
  },
  'GPB-AI-002': {
    ctx: ctx('prod'),
    fires: [['aws_eks_node_group', 'G', gpuNodeGroup(0)]],
    message: /environment 'test' \(prod\) has GPU capacity and no budget\.monthlyGpuUsd/,
    passes: [['aws_eks_node_group', 'G', { instance_types: ['m7i.large'], scaling_config: { min_size: 1, max_size: 2, desired_size: 1 } }]],
  },
  'GPB-AI-003': {
    fires: [
      ['aws_rds_cluster', 'D', { engine: 'aurora-postgresql', master_password: '${random_password.p.result}' }],
      ['aws_db_instance', 'G', { engine: 'postgres', iam_database_authentication_enabled: true, password: 'hunter2hunter2' }],
    ],
    message: /iam_database_authentication_enabled is not true/,
    passes: [
      [
        'aws_db_instance',
        'G',
        {
          engine: 'postgres',
          iam_database_authentication_enabled: true,
          password_wo: '${ephemeral.aws_secretsmanager_random_password.p.random_password}',
          password_wo_version: 1,
        },
      ],
      [
        'aws_rds_cluster',
        'D',
        { engine: 'aurora-postgresql', iam_database_authentication_enabled: true, manage_master_user_password: true },
      ],
      ['aws_elasticache_replication_group', 'R', { user_group_ids: ['${aws_elasticache_user_group.g.id}'] }],
    ],
  },
  'GPB-AI-005': {
    fires: [
      ['aws_iam_role', 'R', { tags: { 'gpb.io/workload-kind': 'model-server' } }],
      [
        'aws_iam_role_policy',
        'P',
        {
          role: '${aws_iam_role.R.id}',
          policy: policyJson([{ Effect: 'Allow', Action: ['s3:GetObject', 's3:PutObject'], Resource: 'arn:aws:s3:::models/*' }]),
        },
      ],
    ],
    message: /model-server role allows 's3:PutObject'/,
    passes: [
      ['aws_iam_role', 'R', { tags: { 'gpb.io/workload-kind': 'model-server' } }],
      [
        'aws_iam_role_policy',
        'P',
        {
          role: '${aws_iam_role.R.id}',
          policy: policyJson([{ Effect: 'Allow', Action: ['s3:GetObject', 's3:ListBucket'], Resource: 'arn:aws:s3:::models/*' }]),
        },
      ],
      ['aws_iam_role', 'Other', {}],
      [
        'aws_iam_role_policy',
        'Writer',
        {
          role: '${aws_iam_role.Other.id}',
          policy: policyJson([{ Effect: 'Allow', Action: 's3:PutObject', Resource: 'arn:aws:s3:::models/*' }]),
        },
      ],
    ],
  },
  'GPB-AI-006': {
    fires: [deployment({ env: [{ name: 'HF_TOKEN', value: 'hf_abcdefghijklmnop' }] })],
    message: /env\[0\] sets HF_TOKEN to a literal value/,
    passes: [
      deployment({
        env: [
          { name: 'HF_TOKEN', valueFrom: { secretKeyRef: { name: 'hf', key: 'token' } } },
          { name: 'LOG_LEVEL', value: 'info' },
        ],
      }),
      ['aws_rds_cluster', 'D', { manage_master_user_password: true }],
      ['aws_launch_template', 'T', lt({ http_tokens: 'required' })],
    ],
  },
  'GPB-AI-007': {
    fires: [
      liteLlmConfigMap({ type: 'valkey-semantic', similarity_threshold: 0.9 }),
      liteLlmConfigMap({ type: 'redis-semantic', semantic_cache_scope: 'key' }, { caching_groups: [['small', 'large']] }),
    ],
    message: /valkey-semantic cache: semantic_cache_scope is not set \(must be 'key' or 'end_user'\)/,
    passes: [
      liteLlmConfigMap({ type: 'valkey-semantic', semantic_cache_scope: 'key' }),
      liteLlmConfigMap({ type: 'redis' }),
      [
        'kubernetes_manifest',
        'C',
        { manifest: { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'other' }, data: { 'config.yaml': 'not: litellm' } } },
      ],
    ],
  },
  'GPB-AI-008': {
    fires: [
      [
        'aws_elasticache_user',
        'U',
        {
          user_name: 'cache',
          access_string: 'on ~* +@all',
          authentication_mode: { type: 'password', passwords: ['${terraform_data.p.output}'] },
        },
      ],
    ],
    message: /password user 'cache' reaches every key and may run @dangerous commands/,
    passes: [
      [
        'aws_elasticache_user',
        'S',
        {
          user_name: 'semantic-cache',
          access_string: 'on ~gpb-semcache:* resetchannels +@all -@dangerous',
          authentication_mode: { type: 'password', passwords: ['${terraform_data.p.output}'] },
        },
      ],
      [
        'aws_elasticache_user',
        'A',
        { user_name: 'gpb-app', access_string: 'on ~* +@all -@dangerous', authentication_mode: { type: 'iam' } },
      ],
      [
        'aws_elasticache_user',
        'D',
        { user_name: 'default', access_string: 'off -@all', authentication_mode: { type: 'no-password-required' } },
      ],
    ],
  },
  'GPB-COST-001': {
    fires: [
      ['aws_nat_gateway', 'N0', {}],
      ['aws_nat_gateway', 'N1', {}],
    ],
    message: /2 NAT gateways in a dev-stage environment/,
    passes: [['aws_nat_gateway', 'N0', {}]],
  },
  'GPB-COST-002': {
    fires: [['aws_eks_cluster', 'C', eks({ upgrade_policy: undefined })]],
    message: /default is EXTENDED/,
    passes: [['aws_eks_cluster', 'C', eks()]],
  },
  'GPB-COST-003': {
    fires: [['aws_launch_template', 'T', lt({ http_tokens: 'required' }, { encrypted: 'true', volume_type: 'gp2' })]],
    message: /uses gp2/,
    passes: [['aws_launch_template', 'T', lt({ http_tokens: 'required' })]],
  },
  'GPB-COST-004': {
    fires: [['aws_eks_node_group', 'G', gpuNodeGroup(1)]],
    message: /min_size is 1/,
    passes: [['aws_eks_node_group', 'G', gpuNodeGroup(0)]],
  },
};

/** The rule's findings on one stack, and, with `across`, on the two stacks as one environment. */
function findingsOf(ruleId: string, resources: FixtureResource[], context: RuleContext, across?: FixtureResource[]) {
  const rule = findRule(ruleId)!;
  const stacks = [stackOf(resources, 'test-a'), ...(across ? [stackOf(across, 'test-b')] : [])];
  return [...evaluateStack(stacks[0], [rule], context, []), ...evaluateEnvironment(stacks, [rule], context, () => [])];
}

describe('policy rules', () => {
  it('every rule has a firing and a passing case, and every case names a real rule', () => {
    expect(Object.keys(CASES).sort()).toEqual(ALL_RULES.map((r) => r.id).sort());
  });

  it('rule ids are unique and every rule explains itself', () => {
    expect(new Set(ALL_RULES.map((r) => r.id)).size).toBe(ALL_RULES.length);
    for (const r of ALL_RULES) {
      expect(r.id).toMatch(/^GPB-(AWS|K8S|AI|COST)-\d{3}$/);
      expect(r.title.length).toBeGreaterThan(10);
      expect(r.rationale.length).toBeGreaterThan(20);
      expect(r.remediation.length).toBeGreaterThan(10);
      if (r.checkov) expect(r.checkov).toMatch(/^CKV2?_(AWS|K8S|SECRET)_\d+$/);
    }
  });

  describe.each(Object.entries(CASES))('%s', (id, c) => {
    it('fires on the bad configuration', () => {
      const findings = findingsOf(id, c.fires, c.ctx ?? ctx(), c.firesAcross);
      expect(findings.map((f) => f.message)).toContainEqual(expect.stringMatching(c.message));
      for (const f of findings) expect(f.ruleId).toBe(id);
    });

    it('stays silent on the good configuration', () => {
      expect(findingsOf(id, c.passes, c.ctx ?? ctx(), c.passesAcross)).toEqual([]);
    });
  });
});

describe('GPB-AI-003', () => {
  it('refuses an RDS instance whose password would live in state', () => {
    const [f] = findingsOf(
      'GPB-AI-003',
      [['aws_db_instance', 'G', { engine: 'postgres', iam_database_authentication_enabled: true, password: 'hunter2hunter2' }]],
      ctx(),
    );
    expect(f.message).toMatch(/neither manage_master_user_password nor a write-only password is set/);
  });
});

describe('GPB-AI-008', () => {
  it('refuses an enabled user without a password', () => {
    const [f] = findingsOf(
      'GPB-AI-008',
      [
        [
          'aws_elasticache_user',
          'D',
          { user_name: 'default', access_string: 'on ~* +@all', authentication_mode: { type: 'no-password-required' } },
        ],
      ],
      ctx(),
    );
    expect(f.message).toBe("enabled user 'default' signs in without a password");
  });
});

describe('GPB-AI-007', () => {
  it('names every problem of a cache shared across models', () => {
    const [f] = findingsOf(
      'GPB-AI-007',
      [liteLlmConfigMap({ type: 'redis-semantic', semantic_cache_scope: 'global' }, { caching_groups: [['a', 'b']] })],
      ctx(),
    );
    expect(f.message).toBe(
      "redis-semantic cache: semantic_cache_scope is 'global' (must be 'key' or 'end_user'); router_settings.caching_groups shares cache entries between models",
    );
  });
});

describe('stage-dependent rules', () => {
  it('GPB-AWS-060 ignores dev and GPB-AI-002 is satisfied by a budget', () => {
    expect(findingsOf('GPB-AWS-060', CASES['GPB-AWS-060'].fires, ctx('dev'))).toEqual([]);
    expect(findingsOf('GPB-AI-002', CASES['GPB-AI-002'].fires, ctx('prod', { monthlyGpuBudgetUsd: 5000 }))).toEqual([]);
    expect(findingsOf('GPB-AWS-011', CASES['GPB-AWS-011'].fires, ctx('staging'))).toEqual([]);
  });
});

describe('isPinnedImage', () => {
  it.each([
    ['vllm/vllm-openai:v0.6.3', true],
    ['registry:5000/team/img:1.2', true],
    ['registry:5000/team/img', false],
    ['nginx', false],
    ['nginx:latest', false],
    ['nginx:main', false],
    ['${var.image}', true],
  ])('%s -> %s', (image, pinned) => expect(isPinnedImage(image)).toBe(pinned));
});
