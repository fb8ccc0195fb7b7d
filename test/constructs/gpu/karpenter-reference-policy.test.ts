import { readFileSync } from 'node:fs';
import * as path from 'node:path';
import { describe, expect, it } from 'vitest';
import { controllerStatements, INTERRUPTION_DETAIL_TYPES } from '../../../constructs/gpu/karpenter-aws';
import type { PolicyStatement } from '../../../constructs/cluster/pod-identity-role';
import { CHARTS } from '../../../model/pins';

/**
 * The controller policy against Karpenter's own reference policy at the pinned release (the
 * getting-started CloudFormation template; its statements are kept as facts in
 * test/upstream/facts, with their source). A permission the controller gains in a release fails
 * here until the policy has it.
 */
interface Facts {
  readonly source: string;
  readonly policies: Readonly<Record<string, readonly PolicyStatement[]>>;
  readonly interruptionDetailTypes: readonly string[];
}
const FACTS_FILE = path.join(__dirname, '../../upstream/facts', `karpenter-${CHARTS.karpenter.version}-controller-policy.json`);

/** Reference statements the blueprint leaves out on purpose, each with why. */
const LEFT_OUT: Readonly<Record<string, string>> = {
  AllowZonalShiftStatusReadOnly:
    'zonal shift is opt-in (settings.enableZonalShift, false by default in the chart); the blueprint does not turn it on',
};

const SCOPE = {
  partition: 'aws',
  accountId: '111122223333',
  region: 'us-west-2',
  clusterName: 'gpb-test',
  nodeRoleArn: 'NODE_ROLE_ARN',
  queueArn: 'QUEUE_ARN',
};
const PLACEHOLDERS: Readonly<Record<string, string>> = {
  'AWS::Partition': SCOPE.partition,
  'AWS::Region': SCOPE.region,
  'AWS::AccountId': SCOPE.accountId,
  ClusterName: SCOPE.clusterName,
  'KarpenterNodeRole.Arn': SCOPE.nodeRoleArn,
  'KarpenterInterruptionQueue.Arn': SCOPE.queueArn,
};

const fill = (value: unknown): unknown =>
  JSON.parse(JSON.stringify(value).replace(/\$\{([A-Za-z:.]+)\}/g, (whole, name: string) => PLACEHOLDERS[name] ?? whole));

/** Order-free form: one action or resource is a list of one, lists sorted, condition values too. */
function normal(s: PolicyStatement): unknown {
  const list = (v: unknown) => (Array.isArray(v) ? [...(v as string[])].sort() : [v]);
  const condition = s.Condition
    ? Object.fromEntries(
        Object.entries(s.Condition)
          .sort(([a], [b]) => a.localeCompare(b))
          .map(([op, kv]) => [
            op,
            Object.fromEntries(
              Object.entries(kv)
                .sort(([a], [b]) => a.localeCompare(b))
                .map(([k, v]) => [k, list(v)]),
            ),
          ]),
      )
    : undefined;
  return { Effect: s.Effect, Action: list(s.Action), Resource: list(s.Resource), Condition: condition };
}

function differences(ours: readonly PolicyStatement[], reference: readonly PolicyStatement[]): string[] {
  const mine = new Map(ours.map((s) => [s.Sid, s]));
  const problems: string[] = [];
  for (const theirs of reference) {
    const sid = theirs.Sid!;
    const own = mine.get(sid);
    if (sid in LEFT_OUT) {
      if (own) problems.push(`${sid}: listed as left out, but the policy has it`);
      continue;
    }
    if (!own) problems.push(`${sid}: missing`);
    else if (JSON.stringify(normal(own)) !== JSON.stringify(normal(theirs)))
      problems.push(`${sid}: differs\n  ours      ${JSON.stringify(normal(own))}\n  reference ${JSON.stringify(normal(theirs))}`);
  }
  for (const sid of mine.keys()) if (!reference.some((s) => s.Sid === sid)) problems.push(`${sid}: not in the reference policy`);
  return problems;
}

describe(`the Karpenter controller policy against the reference policy of ${CHARTS.karpenter.version}`, () => {
  const facts = JSON.parse(readFileSync(FACTS_FILE, 'utf8')) as Facts;
  const reference = fill(Object.values(facts.policies).flat()) as PolicyStatement[];

  it('reads the facts of the pinned release', () => {
    expect(facts.source).toMatch(/aws\/karpenter-provider-aws/);
    expect(facts.source).toContain(`v${CHARTS.karpenter.version}`);
    expect(reference.length).toBeGreaterThan(15);
  });

  it('grants exactly the reference statements (same actions, resources and conditions), less the ones left out on purpose', () => {
    expect(differences(controllerStatements(SCOPE), reference)).toEqual([]);
  });

  it('routes every interruption event the reference template routes', () => {
    expect([...INTERRUPTION_DETAIL_TYPES].sort()).toEqual([...facts.interruptionDetailTypes].sort());
  });

  it('fails on the 1.8 policy: without ec2:DescribeInstanceStatus (required from 1.12) and the placement-group grants (1.11)', () => {
    const old = controllerStatements(SCOPE).map((s) =>
      s.Sid === 'AllowRegionalReadActions'
        ? { ...s, Action: (s.Action as string[]).filter((a) => a !== 'ec2:DescribeInstanceStatus' && a !== 'ec2:DescribePlacementGroups') }
        : s.Sid === 'AllowScopedEC2InstanceAccessActions'
          ? { ...s, Resource: (s.Resource as string[]).filter((r) => !r.includes('placement-group')) }
          : s,
    );
    expect(differences(old, reference).map((d) => d.split(':')[0])).toEqual([
      'AllowScopedEC2InstanceAccessActions',
      'AllowRegionalReadActions',
    ]);
  });
});
