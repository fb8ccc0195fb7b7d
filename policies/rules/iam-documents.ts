import { blocks, type Json, type JsonObject, type ResourceView, type StackView, strings } from '../engine/stack-view';

/** One statement of an IAM policy, normalised. */
export interface Statement {
  readonly effect: 'Allow' | 'Deny';
  readonly actions: string[];
  readonly notActions: string[];
  readonly resources: string[];
  readonly principals: Json | undefined;
  /** The statement's Condition block (JSON documents; policy-document data sources: undefined). */
  readonly condition?: JsonObject;
}

/** Attributes holding IAM policy documents, per resource type. */
export const POLICY_ATTRIBUTES: Readonly<Record<string, readonly string[]>> = {
  aws_iam_policy: ['policy'],
  aws_iam_role_policy: ['policy'],
  aws_iam_user_policy: ['policy'],
  aws_iam_group_policy: ['policy'],
  aws_iam_role: ['inline_policy'],
};

/**
 * The identity-policy statements of a resource. A document given as a JSON string is parsed;
 * one that points at an `aws_iam_policy_document` data source is read from that source's
 * statement blocks; anything else unknown at synth yields no statements.
 */
export function identityStatements(resource: ResourceView, stack: StackView): Statement[] {
  const attrs = POLICY_ATTRIBUTES[resource.type] ?? [];
  const out: Statement[] = [];
  for (const attr of attrs) {
    const value = resource.config[attr];
    if (resource.type === 'aws_iam_role') {
      for (const inline of blocks(value)) out.push(...documentStatements(inline.policy, stack));
    } else {
      out.push(...documentStatements(value, stack));
    }
  }
  return out;
}

function documentStatements(value: Json | undefined, stack: StackView): Statement[] {
  if (typeof value !== 'string') return [];
  const ref = /^\$\{data\.aws_iam_policy_document\.([\w-]+)\.json\}$/.exec(value);
  if (ref) {
    const doc = stack.resourcesOf('data.aws_iam_policy_document').find((d) => d.name === ref[1]);
    return doc ? blocks(doc.config.statement).map(fromPolicyDocumentBlock) : [];
  }
  try {
    return parseDocument(JSON.parse(value) as JsonObject);
  } catch {
    return [];
  }
}

/** Statements of a parsed JSON policy document. */
export function parseDocument(doc: JsonObject): Statement[] {
  const raw = doc.Statement;
  const list = Array.isArray(raw) ? raw : raw ? [raw] : [];
  return list
    .filter((s): s is JsonObject => !!s && typeof s === 'object' && !Array.isArray(s))
    .map((s) => ({
      effect: s.Effect === 'Deny' ? 'Deny' : 'Allow',
      actions: strings(s.Action),
      notActions: strings(s.NotAction),
      resources: strings(s.Resource),
      principals: s.Principal,
      condition: s.Condition && typeof s.Condition === 'object' && !Array.isArray(s.Condition) ? s.Condition : undefined,
    }));
}

function fromPolicyDocumentBlock(s: JsonObject): Statement {
  return {
    effect: s.effect === 'Deny' ? 'Deny' : 'Allow',
    actions: strings(s.actions),
    notActions: strings(s.not_actions),
    resources: strings(s.resources),
    principals: s.principals,
  };
}
