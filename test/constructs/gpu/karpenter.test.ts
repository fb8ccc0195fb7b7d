import { describe, expect, it } from 'vitest';
import { KarpenterAws } from '../../../constructs/gpu/karpenter-aws';
import { KARPENTER_VERSION, KarpenterController } from '../../../constructs/gpu/karpenter-controller';
import { devicePluginConfigs, GPU_OPERATOR_VERSION, NvidiaGpuOperator } from '../../../constructs/gpu/nvidia-gpu-operator';
import { ALL_RULES } from '../../../policies';
import { evaluateStack } from '../../../policies/engine/evaluate';
import { type JsonObject, StackView } from '../../../policies/engine/stack-view';
import { onlyResource, policyOf, resourcesOf, synthWith, testCluster } from '../../helpers';

const aws = synthWith((scope) => {
  const cluster = testCluster(scope);
  new KarpenterAws(scope, 'Karpenter', { cluster, clusterName: 'gpb-test', region: 'us-west-2' });
});

describe('KarpenterAws', () => {
  it('feeds an encrypted interruption queue from five EventBridge rules', () => {
    expect(onlyResource(aws, 'aws_sqs_queue')).toMatchObject({
      name: 'gpb-test-karpenter',
      sqs_managed_sse_enabled: true,
      message_retention_seconds: 300,
    });
    expect(resourcesOf(aws, 'aws_cloudwatch_event_rule')).toHaveLength(5);
    const targets = resourcesOf(aws, 'aws_cloudwatch_event_target');
    expect(targets).toHaveLength(5);
    for (const t of targets) expect(t.arn).toMatch(/aws_sqs_queue\.\w+\.arn/);
  });

  it('lets nodes it launches join through an EC2_LINUX access entry', () => {
    expect(resourcesOf(aws, 'aws_eks_access_entry').find((e) => e.type === 'EC2_LINUX')?.principal_arn).toMatch(
      /aws_iam_role\.Karpenter_NodeRole/,
    );
  });

  it('gives the controller a Pod Identity role with the documented, cluster-scoped policy', () => {
    const policy = resourcesOf(aws, 'aws_iam_role_policy').find((p) => String(p.role).includes('Karpenter_ControllerRole'))!;
    const statements = policyOf(policy).Statement;
    const sids = statements.map((s) => s.Sid);
    expect(sids).toEqual(
      expect.arrayContaining([
        'AllowScopedEC2InstanceAccessActions',
        'AllowRegionalReadActions',
        'AllowPassingInstanceRole',
        'AllowInterruptionQueueActions',
        'AllowAPIServerEndpointDiscovery',
      ]),
    );
    const read = statements.find((s) => s.Sid === 'AllowRegionalReadActions')!;
    expect(read.Action).toContain('ec2:DescribeCapacityReservations');
    expect(read.Condition).toEqual({ StringEquals: { 'aws:RequestedRegion': 'us-west-2' } });
    const pass = statements.find((s) => s.Sid === 'AllowPassingInstanceRole')!;
    expect(pass.Resource).toMatch(/aws_iam_role\.Karpenter_NodeRole_\w+\.arn/);
    const deletion = statements.find((s) => s.Sid === 'AllowScopedDeletion')!;
    expect(deletion.Condition).toMatchObject({ StringEquals: { 'aws:ResourceTag/kubernetes.io/cluster/gpb-test': 'owned' } });
    expect(onlyResource(aws, 'aws_eks_pod_identity_association')).toMatchObject({ namespace: 'kube-system', service_account: 'karpenter' });
  });

  it('passes the AWS policy pack', () => {
    const findings = evaluateStack(new StackView('test', aws as unknown as JsonObject), ALL_RULES, { environment: 't', stage: 'dev' }, []);
    expect(findings.filter((f) => f.severity === 'error')).toEqual([]);
  });
});

describe('KarpenterController', () => {
  const json = synthWith((scope) => {
    new KarpenterController(scope, 'Karpenter', { clusterName: 'gpb-test', interruptionQueueName: 'gpb-test-karpenter' });
  });
  const releases = resourcesOf(json, 'helm_release');

  it('installs CRDs and controller from pinned OCI charts, CRDs first', () => {
    expect(releases.map((r) => [r.chart, r.version]).sort()).toEqual([
      ['karpenter', KARPENTER_VERSION],
      ['karpenter-crd', KARPENTER_VERSION],
    ]);
    const controller = releases.find((r) => r.chart === 'karpenter')!;
    expect(controller.skip_crds).toBe(true);
    expect(controller.depends_on).toEqual([expect.stringMatching(/^helm_release\./)]);
    expect(KARPENTER_VERSION).toMatch(/^1\.\d+\.\d+$/);
  });

  it('runs on system nodes with the interruption queue and the Pod Identity service account', () => {
    const values = JSON.parse((releases.find((r) => r.chart === 'karpenter')!.values as string[])[0]);
    expect(values).toMatchObject({
      settings: { clusterName: 'gpb-test', interruptionQueue: 'gpb-test-karpenter' },
      serviceAccount: { name: 'karpenter' },
      nodeSelector: { 'gpb.io/pool': 'system' },
      replicas: 2,
    });
  });
});

describe('NvidiaGpuOperator', () => {
  const json = synthWith((scope) => {
    new NvidiaGpuOperator(scope, 'Gpu', { timeSlicing: [{ pool: 'dev', timeSlicingReplicas: 4 }], mig: true });
  });
  const release = onlyResource(json, 'helm_release');
  const values = JSON.parse((release.values as string[])[0]);

  it('pins the chart and leaves driver and toolkit to the AMI', () => {
    expect(release).toMatchObject({ chart: 'gpu-operator', version: GPU_OPERATOR_VERSION, namespace: 'gpu-operator' });
    expect(values.driver).toEqual({ enabled: false });
    expect(values.toolkit).toEqual({ enabled: false });
  });

  it('runs operands on GPU nodes (tolerating the taint) and the operator on system nodes', () => {
    expect(values.daemonsets.tolerations).toEqual([{ key: 'nvidia.com/gpu', operator: 'Exists', effect: 'NoSchedule' }]);
    expect(values.operator.nodeSelector).toEqual({ 'gpb.io/pool': 'system' });
    expect(values.dcgmExporter.enabled).toBe(true);
    expect(values.migManager.enabled).toBe(true);
  });

  it('ships one device plugin configuration per time-sliced pool', () => {
    expect(values.devicePlugin.config).toMatchObject({ create: true, default: 'default' });
    expect(Object.keys(values.devicePlugin.config.data)).toEqual(['default', 'dev']);
    expect(devicePluginConfigs([{ pool: 'dev', timeSlicingReplicas: 4 }]).dev).toMatch(
      /timeSlicing:\n {4}resources:\n {6}- name: nvidia\.com\/gpu\n {8}replicas: 4/,
    );
  });

  it('puts itself in a namespace labelled privileged for Pod Security Admission', () => {
    const ns = onlyResource(json, 'kubernetes_namespace_v1') as { metadata: { labels: Record<string, string> } };
    expect(ns.metadata.labels['pod-security.kubernetes.io/enforce']).toBe('privileged');
  });
});
