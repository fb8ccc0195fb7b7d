import { resourceRule, type Rule } from '../../engine/rule';
import { strings } from '../../engine/stack-view';

const REQUIRED_CONTROL_PLANE_LOGS = ['api', 'audit', 'authenticator'];

export const AWS_LOGGING_RULES: Rule[] = [
  resourceRule({
    id: 'GPB-AWS-030',
    pack: 'aws',
    severity: 'error',
    title: 'EKS ships api, audit and authenticator logs',
    rationale: 'Without the audit log there is no record of who changed what in the cluster.',
    remediation: "Include 'api', 'audit' and 'authenticator' in cluster.controlPlaneLogTypes.",
    checkov: 'CKV_AWS_37',
    types: ['aws_eks_cluster'],
    check: (r) => {
      const enabled = strings(r.config.enabled_cluster_log_types);
      const missing = REQUIRED_CONTROL_PLANE_LOGS.filter((t) => !enabled.includes(t));
      return missing.length > 0 ? `enabled_cluster_log_types lacks ${missing.join(', ')}` : undefined;
    },
  }),
  resourceRule({
    id: 'GPB-AWS-031',
    pack: 'aws',
    severity: 'error',
    title: 'CloudWatch log groups have a retention period',
    rationale: 'Logs kept forever cost money forever and hold personal data longer than any policy allows.',
    remediation: 'Set retention_in_days.',
    checkov: 'CKV_AWS_66',
    types: ['aws_cloudwatch_log_group'],
    check: (r) =>
      typeof r.config.retention_in_days === 'number' && r.config.retention_in_days > 0 ? undefined : 'retention_in_days is not set',
  }),
  resourceRule({
    id: 'GPB-AWS-032',
    pack: 'aws',
    severity: 'warning',
    title: 'Prod logs are kept for at least a year',
    rationale: 'Incident investigations and audits routinely reach back months.',
    remediation: 'Set the retention to 365 days or more in prod-stage environments.',
    checkov: 'CKV_AWS_338',
    types: ['aws_cloudwatch_log_group'],
    check: (r, ctx) =>
      ctx.stage === 'prod' && typeof r.config.retention_in_days === 'number' && r.config.retention_in_days < 365
        ? `retention_in_days is ${r.config.retention_in_days}`
        : undefined,
  }),
];
