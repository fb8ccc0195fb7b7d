/**
 * What the review knows about resources it cannot see planned: which are stateful or disruptive,
 * and which attribute changes force Terraform to destroy and re-create them. A static table
 * (from the AWS and Kubernetes providers' ForceNew attributes) because the review runs offline;
 * `cdktf diff` against real state remains the final word.
 */

/** Resources whose replacement or removal loses data or takes capacity away. */
export const DISRUPTIVE_TYPES: Readonly<Record<string, string>> = {
  aws_eks_cluster: 'EKS cluster (every workload on it)',
  aws_eks_node_group: 'node group (its nodes are drained and replaced)',
  aws_rds_cluster: 'database',
  aws_rds_cluster_instance: 'database instance',
  aws_db_instance: 'database',
  aws_elasticache_replication_group: 'cache',
  aws_opensearchserverless_collection: 'vector collection',
  aws_s3_bucket: 'bucket',
  aws_efs_file_system: 'file system',
  aws_kms_key: 'KMS key (data encrypted with it becomes unreadable after deletion)',
  aws_vpc: 'VPC (everything in it)',
  aws_subnet: 'subnet',
  aws_nat_gateway: 'NAT gateway (egress interruption)',
  aws_prometheus_workspace: 'Prometheus workspace (its stored metrics)',
  aws_cloudwatch_log_group: 'log group (its stored logs)',
  aws_secretsmanager_secret: 'secret (a generated secret is generated again: clients need the new value)',
  kubernetes_manifest: 'Kubernetes object',
  helm_release: 'Helm release',
};

/** Attribute paths (dot-joined, `*` for any index) whose change forces replacement, per type. */
export const FORCE_NEW: Readonly<Record<string, readonly string[]>> = {
  aws_eks_cluster: [
    'name',
    'role_arn',
    'encryption_config',
    'kubernetes_network_config.service_ipv4_cidr',
    'kubernetes_network_config.ip_family',
    'access_config.bootstrap_cluster_creator_admin_permissions',
  ],
  aws_eks_node_group: [
    'cluster_name',
    'node_group_name',
    'node_group_name_prefix',
    'node_role_arn',
    'subnet_ids',
    'instance_types',
    'ami_type',
    'capacity_type',
    'disk_size',
    'remote_access',
  ],
  aws_rds_cluster: [
    'cluster_identifier',
    'engine',
    'database_name',
    'master_username',
    'kms_key_id',
    'storage_encrypted',
    'availability_zones',
    'db_subnet_group_name',
  ],
  aws_db_instance: ['identifier', 'engine', 'kms_key_id', 'storage_encrypted', 'username', 'availability_zone'],
  aws_elasticache_replication_group: ['replication_group_id', 'at_rest_encryption_enabled', 'kms_key_id', 'subnet_group_name', 'engine'],
  aws_opensearchserverless_collection: ['name', 'type', 'standby_replicas'],
  aws_s3_bucket: ['bucket', 'bucket_prefix'],
  aws_kms_key: ['customer_master_key_spec', 'key_usage', 'multi_region'],
  aws_vpc: ['cidr_block', 'instance_tenancy'],
  aws_subnet: ['cidr_block', 'availability_zone', 'vpc_id'],
  aws_nat_gateway: ['allocation_id', 'subnet_id', 'connectivity_type'],
  aws_launch_template: [],
  kubernetes_manifest: ['manifest.apiVersion', 'manifest.kind', 'manifest.metadata.name', 'manifest.metadata.namespace'],
  helm_release: ['name', 'namespace'],
  aws_iam_role: ['name', 'name_prefix', 'path'],
  aws_security_group: ['name', 'name_prefix', 'vpc_id', 'description'],
  aws_sqs_queue: ['name', 'fifo_queue'],
  aws_prometheus_workspace: ['kms_key_arn'],
  aws_cloudwatch_log_group: ['name', 'name_prefix'],
  aws_secretsmanager_secret: ['name', 'name_prefix'],
  aws_sns_topic: ['name', 'name_prefix', 'fifo_topic'],
};

/** The force-new attributes among the changed paths. */
export function replacementReasons(type: string, changedPaths: readonly string[]): string[] {
  const keys = FORCE_NEW[type] ?? [];
  return changedPaths.filter((p) => keys.some((k) => p === k || p.startsWith(`${k}.`) || p.startsWith(`${k}[`)));
}
