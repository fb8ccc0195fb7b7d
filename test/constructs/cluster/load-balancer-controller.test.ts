import { describe, expect, it } from 'vitest';
import {
  LOAD_BALANCER_CONTROLLER_VERSION,
  LoadBalancerController,
  LoadBalancerControllerAws,
} from '../../../constructs/cluster/load-balancer-controller';
import { ALL_RULES } from '../../../policies';
import { evaluateStack } from '../../../policies/engine/evaluate';
import { type JsonObject, StackView } from '../../../policies/engine/stack-view';
import { onlyResource, policyOf, resourcesOf, synthWith } from '../../helpers';
import { HAS_UPSTREAM, upstreamFile } from '../../upstream/upstream-facts';

type Obj = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

describe('LoadBalancerControllerAws', () => {
  const json = synthWith(
    (scope) =>
      new LoadBalancerControllerAws(scope, 'Lbc', {
        cluster: { clusterName: 'gpb-t', clusterArn: 'arn:aws:eks:us-west-2:111122223333:cluster/gpb-t' },
      }),
  );
  const statements = policyOf(onlyResource(json, 'aws_iam_role_policy')).Statement as Obj[];

  it('is trusted by the controller’s service account through Pod Identity', () => {
    const a = onlyResource(json, 'aws_eks_pod_identity_association') as Obj;
    expect([a.namespace, a.service_account]).toEqual(['kube-system', 'aws-load-balancer-controller']);
  });

  it('writes only load balancers, target groups and security groups tagged for this cluster', () => {
    const writes = statements.filter((s) =>
      ['CreateOwnLoadBalancers', 'OwnLoadBalancers', 'OwnSecurityGroups', 'TagNewSecurityGroup'].includes(s.Sid),
    );
    expect(writes).toHaveLength(4);
    for (const s of writes) expect(JSON.stringify(s.Condition)).toMatch(/"aws:(Request|Resource)Tag\/elbv2\.k8s\.aws\/cluster":"gpb-t"/);
    const destructive = statements.filter((s) =>
      ([] as string[]).concat(s.Action).some((a) => /Delete(LoadBalancer|TargetGroup|SecurityGroup)$/.test(a)),
    );
    for (const s of destructive) expect(s.Condition, s.Sid).toBeDefined();
    expect(statements.find((s) => s.Sid === 'ServiceLinkedRole')!.Condition).toEqual({
      StringEquals: { 'iam:AWSServiceName': 'elasticloadbalancing.amazonaws.com' },
    });
  });

  it('tags load balancers and target groups only when they are this cluster’s, and never retags the cluster tag', () => {
    const actions = (st: Obj) => ([] as string[]).concat(st.Action);
    const resources = (st: Obj) => ([] as string[]).concat(st.Resource);
    const tagging = statements.filter(
      (st) =>
        actions(st).some((a) => /:(AddTags|RemoveTags)$/.test(a)) && resources(st).some((r) => /:(loadbalancer|targetgroup)\//.test(r)),
    );
    expect(tagging.length).toBeGreaterThan(0);
    for (const st of tagging) expect(JSON.stringify(st.Condition), st.Sid).toMatch(/elbv2\.k8s\.aws\/cluster/);
    expect(statements.find((st) => st.Sid === 'TagOwnLoadBalancers')!.Condition).toMatchObject({
      Null: { 'aws:RequestTag/elbv2.k8s.aws/cluster': 'true' },
    });
    // ModifyListenerAttributes acts on listeners, not on load balancers or target groups.
    const listenerAttributes = statements.filter((st) => actions(st).includes('elasticloadbalancing:ModifyListenerAttributes'));
    expect(listenerAttributes.flatMap(resources).every((r) => /:listener\//.test(r))).toBe(true);
  });

  it.skipIf(!HAS_UPSTREAM)('grants every action of the upstream v2.13.0 reference policy (nothing the controller calls is missing)', () => {
    const upstream = JSON.parse(upstreamFile('iam', 'lbc-v2.13.0-iam_policy.json')!) as { Statement: Obj[] };
    const ours = new Set(statements.flatMap((st) => ([] as string[]).concat(st.Action)));
    const theirs = new Set(upstream.Statement.flatMap((st) => ([] as string[]).concat(st.Action)));
    expect([...theirs].filter((a) => !ours.has(a))).toEqual([]);
  });

  it('passes the policy pack (no wildcard actions)', () => {
    const findings = evaluateStack(new StackView('t', json as unknown as JsonObject), ALL_RULES, { environment: 't', stage: 'prod' }, []);
    expect(findings.filter((f) => f.severity === 'error')).toEqual([]);
  });
});

describe('LoadBalancerController', () => {
  it('installs the pinned chart on system nodes with the cluster, region and VPC', () => {
    const json = synthWith(
      (scope) => new LoadBalancerController(scope, 'Lbc', { clusterName: 'gpb-t', region: 'us-west-2', vpcId: 'vpc-1' }),
    );
    const release = onlyResource(json, 'helm_release') as Obj;
    expect([release.chart, release.version, release.namespace]).toEqual([
      'aws-load-balancer-controller',
      LOAD_BALANCER_CONTROLLER_VERSION,
      'kube-system',
    ]);
    expect(JSON.parse(release.values[0])).toMatchObject({
      clusterName: 'gpb-t',
      region: 'us-west-2',
      vpcId: 'vpc-1',
      serviceAccount: { create: true, name: 'aws-load-balancer-controller' },
    });
    expect(resourcesOf(json, 'helm_release')).toHaveLength(1);
    // ALB through an Ingress only: no webhook in the path of every Service create.
    expect(JSON.parse(release.values[0]).enableServiceMutatorWebhook).toBe(false);
  });
});
