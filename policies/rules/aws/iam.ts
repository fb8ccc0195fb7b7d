import { type Rule, stackRule } from '../../engine/rule';
import { identityStatements, POLICY_ATTRIBUTES } from '../iam-documents';

export const AWS_IAM_RULES: Rule[] = [
  stackRule({
    id: 'GPB-AWS-020',
    pack: 'aws',
    severity: 'error',
    title: "No IAM policy allows every action ('*')",
    rationale: "An Allow of '*' is administrator access; one compromised pod or node becomes the whole account.",
    remediation: 'Name the actions the workload needs; give each workload its own role (PodIdentityRole).',
    checkov: 'CKV_AWS_1',
    evaluate: (stack) =>
      Object.keys(POLICY_ATTRIBUTES).flatMap((type) =>
        stack.resourcesOf(type).flatMap((resource) =>
          identityStatements(resource, stack)
            .filter((s) => s.effect === 'Allow' && s.actions.some((a) => a === '*' || a === '*:*'))
            .map((s) => ({ resource, message: `allows action '*' on ${s.resources.map((x) => `'${x}'`).join(', ') || 'no resource'}` })),
        ),
      ),
  }),
  stackRule({
    id: 'GPB-AWS-021',
    pack: 'aws',
    severity: 'warning',
    title: "No IAM policy allows a whole service ('svc:*') on every resource",
    rationale: "'s3:*' on '*' lets a workload read and delete every bucket in the account.",
    remediation: 'Name the actions and scope Resource to the workload’s own ARNs.',
    checkov: 'CKV_AWS_355',
    evaluate: (stack) =>
      Object.keys(POLICY_ATTRIBUTES).flatMap((type) =>
        stack.resourcesOf(type).flatMap((resource) =>
          identityStatements(resource, stack)
            .filter((s) => s.effect === 'Allow' && s.resources.includes('*'))
            .flatMap((s) => s.actions.filter((a) => /^[a-z0-9-]+:\*$/.test(a)))
            .map((a) => ({ resource, message: `allows '${a}' on '*'` })),
        ),
      ),
  }),
  stackRule({
    id: 'GPB-AWS-022',
    pack: 'aws',
    severity: 'error',
    title: 'No Allow with NotAction',
    rationale: 'Allow + NotAction grants everything not listed, including actions AWS adds later.',
    remediation: 'List the allowed actions instead.',
    evaluate: (stack) =>
      Object.keys(POLICY_ATTRIBUTES).flatMap((type) =>
        stack.resourcesOf(type).flatMap((resource) =>
          identityStatements(resource, stack)
            .filter((s) => s.effect === 'Allow' && s.notActions.length > 0)
            .map((s) => ({ resource, message: `allows NotAction [${s.notActions.join(', ')}]` })),
        ),
      ),
  }),
];
