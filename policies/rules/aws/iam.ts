import { type Rule, type RuleSpec, stackRule } from '../../engine/rule';
import { identityStatements, POLICY_ATTRIBUTES, type Statement } from '../iam-documents';

/** A rule over every statement of every identity policy in the stack. */
function statementRule(spec: RuleSpec, problems: (s: Statement) => string[]): Rule {
  return stackRule({
    ...spec,
    evaluate: (stack) =>
      Object.keys(POLICY_ATTRIBUTES).flatMap((type) =>
        stack
          .resourcesOf(type)
          .flatMap((resource) => identityStatements(resource, stack).flatMap((s) => problems(s).map((message) => ({ resource, message })))),
      ),
  });
}

export const AWS_IAM_RULES: Rule[] = [
  statementRule(
    {
      id: 'GPB-AWS-020',
      pack: 'aws',
      severity: 'error',
      title: "No IAM policy allows every action ('*')",
      rationale: "An Allow of '*' is administrator access; one compromised pod or node becomes the whole account.",
      remediation: 'Name the actions the workload needs; give each workload its own role (PodIdentityRole).',
      checkov: 'CKV_AWS_1',
    },
    (s) =>
      s.effect === 'Allow' && s.actions.some((a) => a === '*' || a === '*:*')
        ? [`allows action '*' on ${s.resources.map((x) => `'${x}'`).join(', ') || 'no resource'}`]
        : [],
  ),
  statementRule(
    {
      id: 'GPB-AWS-021',
      pack: 'aws',
      severity: 'warning',
      title: "No IAM policy allows a whole service ('svc:*') on every resource",
      rationale: "'s3:*' on '*' lets a workload read and delete every bucket in the account.",
      remediation: 'Name the actions and scope Resource to the workload’s own ARNs.',
      checkov: 'CKV_AWS_355',
    },
    (s) =>
      s.effect === 'Allow' && s.resources.includes('*')
        ? s.actions.filter((a) => /^[a-z0-9-]+:\*$/.test(a)).map((a) => `allows '${a}' on '*'`)
        : [],
  ),
  statementRule(
    {
      id: 'GPB-AWS-022',
      pack: 'aws',
      severity: 'error',
      title: 'No Allow with NotAction',
      rationale: 'Allow + NotAction grants everything not listed, including actions AWS adds later.',
      remediation: 'List the allowed actions instead.',
    },
    (s) => (s.effect === 'Allow' && s.notActions.length > 0 ? [`allows NotAction [${s.notActions.join(', ')}]`] : []),
  ),
];
