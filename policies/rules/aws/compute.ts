import { resourceRule, type Rule } from '../../engine/rule';
import { block } from '../../engine/stack-view';

export const AWS_COMPUTE_RULES: Rule[] = [
  resourceRule({
    id: 'GPB-AWS-040',
    pack: 'aws',
    severity: 'error',
    title: 'Nodes require IMDSv2',
    rationale: 'IMDSv1 answers any SSRF-able request with the node role’s credentials.',
    remediation: "Set metadata_options.http_tokens = 'required'.",
    checkov: 'CKV_AWS_79',
    types: ['aws_launch_template', 'aws_instance'],
    check: (r) =>
      block(r.config.metadata_options)?.http_tokens === 'required' ? undefined : "metadata_options.http_tokens is not 'required'",
  }),
  resourceRule({
    id: 'GPB-AWS-041',
    pack: 'aws',
    severity: 'error',
    title: 'Pods cannot reach node credentials (IMDS hop limit 1)',
    rationale: 'With a hop limit above 1, any pod can fetch the node role’s credentials; workloads use Pod Identity instead.',
    remediation: 'Set metadata_options.http_put_response_hop_limit = 1.',
    types: ['aws_launch_template', 'aws_instance'],
    check: (r) => {
      const limit = block(r.config.metadata_options)?.http_put_response_hop_limit;
      return limit === 1
        ? undefined
        : `http_put_response_hop_limit is ${limit === undefined ? 'unset (AWS default 1, EKS AMIs may raise it)' : String(limit)}`;
    },
  }),
];
