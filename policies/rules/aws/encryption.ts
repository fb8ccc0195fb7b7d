import { resourceRule, type Rule } from '../../engine/rule';
import { block, blocks, isUnknown } from '../../engine/stack-view';

/** Encryption at rest and in transit. */
export const AWS_ENCRYPTION_RULES: Rule[] = [
  resourceRule({
    id: 'GPB-AWS-001',
    pack: 'aws',
    severity: 'error',
    title: 'EKS Secrets are envelope-encrypted with KMS',
    rationale: 'Without envelope encryption, Kubernetes Secrets (API keys, tokens) sit in etcd protected only by the AWS-managed disk key.',
    remediation: "Set encryption_config with resources ['secrets'] and a customer-managed KMS key (EksCluster does this).",
    checkov: 'CKV_AWS_58',
    types: ['aws_eks_cluster'],
    check: (r) => {
      const enc = block(r.config.encryption_config);
      const resources = enc?.resources;
      if (!enc || !Array.isArray(resources) || !resources.includes('secrets')) {
        return 'encryption_config does not cover secrets';
      }
      return undefined;
    },
  }),
  resourceRule({
    id: 'GPB-AWS-002',
    pack: 'aws',
    severity: 'error',
    title: 'KMS keys rotate yearly',
    rationale: 'Rotation limits how much data one key version protects and is required by most compliance frameworks.',
    remediation: 'Set enable_key_rotation = true on the aws_kms_key.',
    checkov: 'CKV_AWS_7',
    types: ['aws_kms_key'],
    check: (r) =>
      r.config.enable_key_rotation === true || isUnknown(r.config.enable_key_rotation) ? undefined : 'enable_key_rotation is not true',
  }),
  resourceRule({
    id: 'GPB-AWS-003',
    pack: 'aws',
    severity: 'error',
    title: 'CloudWatch log groups are encrypted with a KMS key',
    rationale: 'Logs carry request payloads, prompts and identifiers; a customer-managed key lets you audit and revoke access.',
    remediation: 'Set kms_key_id (LogsKmsKey provides a key CloudWatch Logs may use).',
    checkov: 'CKV_AWS_158',
    types: ['aws_cloudwatch_log_group'],
    check: (r) => (r.config.kms_key_id ? undefined : 'kms_key_id is not set'),
  }),
  resourceRule({
    id: 'GPB-AWS-004',
    pack: 'aws',
    severity: 'error',
    title: 'EBS volumes of launch templates are encrypted',
    rationale: 'Node volumes hold container images, model weights and caches.',
    remediation: "Set block_device_mappings[].ebs.encrypted = 'true'.",
    checkov: 'CKV_AWS_8',
    types: ['aws_launch_template'],
    check: (r) =>
      blocks(r.config.block_device_mappings)
        .filter((m) => {
          const ebs = block(m.ebs);
          return ebs && ebs.encrypted !== true && ebs.encrypted !== 'true';
        })
        .map((m) => `block device ${String(m.device_name)} is not encrypted`),
  }),
  resourceRule({
    id: 'GPB-AWS-005',
    pack: 'aws',
    severity: 'error',
    title: 'EBS volumes are encrypted',
    rationale: 'Persistent volumes hold data and models.',
    remediation: 'Set encrypted = true on the aws_ebs_volume.',
    checkov: 'CKV_AWS_3',
    types: ['aws_ebs_volume'],
    check: (r) => (r.config.encrypted === true ? undefined : 'encrypted is not true'),
  }),
  resourceRule({
    id: 'GPB-AWS-006',
    pack: 'aws',
    severity: 'error',
    title: 'Databases are encrypted at rest',
    rationale: 'Vector stores hold embeddings of private documents, which can be inverted to recover text.',
    remediation: 'Set storage_encrypted = true and a kms_key_id.',
    checkov: 'CKV_AWS_96',
    types: ['aws_rds_cluster', 'aws_db_instance'],
    check: (r) => (r.config.storage_encrypted === true ? undefined : 'storage_encrypted is not true'),
  }),
  resourceRule({
    id: 'GPB-AWS-007',
    pack: 'aws',
    severity: 'error',
    title: 'ElastiCache encrypts at rest and in transit',
    rationale: 'The cache holds prompts and answers; without TLS anyone on the network path can read them.',
    remediation: 'Set at_rest_encryption_enabled = true, transit_encryption_enabled = true and a kms_key_id.',
    checkov: 'CKV_AWS_29',
    types: ['aws_elasticache_replication_group'],
    check: (r) => {
      const out: string[] = [];
      if (r.config.at_rest_encryption_enabled !== true && r.config.at_rest_encryption_enabled !== 'true')
        out.push('at_rest_encryption_enabled is not true');
      if (r.config.transit_encryption_enabled !== true) out.push('transit_encryption_enabled is not true');
      return out;
    },
  }),
  resourceRule({
    id: 'GPB-AWS-008',
    pack: 'aws',
    severity: 'error',
    title: 'SQS queues are encrypted',
    rationale: 'Interruption and event queues reveal instance and account details.',
    remediation: 'Set sqs_managed_sse_enabled = true or kms_master_key_id.',
    checkov: 'CKV_AWS_27',
    types: ['aws_sqs_queue'],
    check: (r) =>
      r.config.sqs_managed_sse_enabled === true || r.config.kms_master_key_id
        ? undefined
        : 'neither sqs_managed_sse_enabled nor kms_master_key_id is set',
  }),
];
