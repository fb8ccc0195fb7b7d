import { resourceRule, type Rule } from '../../engine/rule';
import { block } from '../../engine/stack-view';

/** Resources whose loss loses data, and the attribute that protects each from deletion (if any). */
export const STATEFUL_TYPES: Readonly<Record<string, string | undefined>> = {
  aws_rds_cluster: 'deletion_protection',
  aws_db_instance: 'deletion_protection',
  aws_elasticache_replication_group: undefined,
  aws_s3_bucket: undefined,
  aws_opensearchserverless_collection: undefined,
  aws_efs_file_system: undefined,
  aws_eks_cluster: undefined,
};

export const AWS_RESILIENCE_RULES: Rule[] = [
  resourceRule({
    id: 'GPB-AWS-060',
    pack: 'aws',
    severity: 'error',
    title: 'Stateful resources in staging and prod cannot be destroyed by accident',
    rationale: 'A rename or a removed line in a pull request must not delete a database, cache, bucket or cluster.',
    remediation: 'Set lifecycle.prevent_destroy = true, and deletion_protection = true where the resource has it.',
    checkov: 'CKV_AWS_139',
    types: Object.keys(STATEFUL_TYPES),
    check: (r, ctx) => {
      if (ctx.stage === 'dev') return undefined;
      const out: string[] = [];
      if (block(r.config.lifecycle)?.prevent_destroy !== true) out.push('lifecycle.prevent_destroy is not true');
      const attr = STATEFUL_TYPES[r.type];
      if (attr && r.config[attr] !== true) out.push(`${attr} is not true`);
      return out;
    },
  }),
];
