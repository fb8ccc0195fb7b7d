import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { ruleGroups } from '../../../model/telemetry/alert-rules';
import type { MetricSource } from '../../../model/telemetry/metric-catalog';
import { TelemetryAws, type TelemetryAwsProps } from '../../../constructs/telemetry/telemetry-aws';
import { sloSchema } from '../../../environments/observability-schema';
import { ALL_RULES } from '../../../policies';
import { evaluateStack } from '../../../policies/engine/evaluate';
import { type JsonObject, StackView } from '../../../policies/engine/stack-view';
import { onlyResource, policyOf, resourcesOf, synthWith, testCluster, type TfJson } from '../../helpers';

type Obj = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

const GROUPS = ruleGroups(sloSchema.parse({}), new Set<MetricSource>(['vllm', 'dcgm', 'k8s_cluster']));

function telemetry(over: Partial<Omit<TelemetryAwsProps, 'cluster'>> = {}): TfJson {
  return synthWith((scope) => {
    new TelemetryAws(scope, 'Telemetry', { name: 'gpb-t', region: 'us-west-2', cluster: testCluster(scope), ruleGroups: GROUPS, ...over });
  });
}

describe('TelemetryAws', () => {
  it('encrypts the workspace with its own rotated key and logs it to an encrypted, retained log group', () => {
    const json = telemetry({ logRetentionDays: 90 });
    const ws = onlyResource(json, 'aws_prometheus_workspace') as Obj;
    expect(ws.alias).toBe('gpb-t');
    expect(ws.kms_key_arn).toMatch(/^\$\{aws_kms_key\.Telemetry_Key_[0-9A-F]+\.arn\}$/);
    expect(ws.logging_configuration.log_group_arn).toMatch(/^\$\{aws_cloudwatch_log_group\.Telemetry_WorkspaceLogs_[0-9A-F]+\.arn\}:\*$/);
    const groups = resourcesOf(json, 'aws_cloudwatch_log_group') as Obj[];
    expect(groups.map((g) => [g.name, g.retention_in_days])).toEqual(
      expect.arrayContaining([
        ['/aws/vendedlogs/prometheus/gpb-t', 90],
        ['/gpb/gpb-t/workloads', 90],
      ]),
    );
    for (const g of groups) expect(g.kms_key_id).toBeDefined();
    for (const k of resourcesOf(json, 'aws_kms_key') as Obj[]) expect(k.enable_key_rotation).toBe(true);
  });

  it('loads the rule groups as a rules file the workspace reads back into the same groups', () => {
    const ns = onlyResource(telemetry(), 'aws_prometheus_rule_group_namespace') as Obj;
    const file = parse(ns.data) as Obj;
    expect(file.groups.map((g: Obj) => g.name)).toEqual(GROUPS.map((g) => g.name));
    const ttft = file.groups.flatMap((g: Obj) => g.rules).find((r: Obj) => r.alert === 'ModelTimeToFirstTokenSlo');
    expect(ttft).toMatchObject({
      for: '10m',
      labels: { severity: 'critical' },
      annotations: { runbook_url: 'docs/observability.md#modeltimetofirsttokenslo' },
    });
    expect(ttft.expr).toContain('vllm:time_to_first_token_seconds_bucket');
  });

  it('writes no rule namespace when there are no rules', () => {
    expect(resourcesOf(telemetry({ ruleGroups: [] }), 'aws_prometheus_rule_group_namespace')).toEqual([]);
  });

  it('routes alerts to an encrypted SNS topic only this workspace may publish to', () => {
    const json = telemetry({ alertEmails: ['a@example.com', 'b@example.com'] });
    const topic = onlyResource(json, 'aws_sns_topic') as Obj;
    expect(topic.kms_master_key_id).toMatch(/aws_kms_key\.Telemetry_Key/);
    const [stmt] = policyOf(onlyResource(json, 'aws_sns_topic_policy')).Statement as Obj[];
    expect(stmt).toMatchObject({
      Effect: 'Allow',
      Principal: { Service: 'aps.amazonaws.com' },
      Action: ['sns:Publish', 'sns:GetTopicAttributes'],
    });
    expect(stmt.Condition.ArnEquals['aws:SourceArn']).toMatch(/aws_prometheus_workspace\.Telemetry_Workspace_[0-9A-F]+\.arn/);
    expect((resourcesOf(json, 'aws_sns_topic_subscription') as Obj[]).map((s) => [s.protocol, s.endpoint])).toEqual([
      ['email', 'a@example.com'],
      ['email', 'b@example.com'],
    ]);
    const am = parse((onlyResource(json, 'aws_prometheus_alert_manager_definition') as Obj).definition) as Obj;
    const config = parse(am.alertmanager_config) as Obj;
    expect(config.route).toMatchObject({
      receiver: 'warning',
      group_by: ['alertname', 'model'],
      routes: [{ receiver: 'critical', matchers: ['severity="critical"'] }],
    });
    for (const r of config.receivers)
      expect(r.sns_configs[0]).toMatchObject({
        topic_arn: topic.arn ?? expect.stringMatching(/aws_sns_topic\.Telemetry_AlertTopic/),
        sigv4: { region: 'us-west-2' },
      });
  });

  it("gives the collector gateway's role remote write, its log group and X-Ray, nothing else", () => {
    const json = telemetry();
    const role = resourcesOf(json, 'aws_iam_role').find((r: Obj) => r.tags?.['gpb.io/workload-kind'] === 'collector') as Obj;
    expect(role.tags['gpb.io/service-account']).toBe('gpb-telemetry.otel-gateway');
    const policy = resourcesOf(json, 'aws_iam_role_policy').find((p: Obj) => String(p.role).includes('CollectorRole')) as Obj;
    const statements = policyOf(policy).Statement as Obj[];
    expect(statements.map((s) => [s.Sid, s.Action])).toEqual([
      ['RemoteWrite', 'aps:RemoteWrite'],
      ['WorkloadLogs', ['logs:CreateLogStream', 'logs:PutLogEvents', 'logs:DescribeLogStreams']],
      ['Traces', ['xray:PutTraceSegments', 'xray:PutTelemetryRecords', 'xray:GetSamplingRules', 'xray:GetSamplingTargets']],
    ]);
    expect(statements[0].Resource).toMatch(/aws_prometheus_workspace\.Telemetry_Workspace_[0-9A-F]+\.arn/);
    const association = onlyResource(json, 'aws_eks_pod_identity_association') as Obj;
    expect([association.namespace, association.service_account]).toEqual(['gpb-telemetry', 'otel-gateway']);
  });

  it('gives the autoscaler a role that may only query this workspace, when one is named', () => {
    expect(resourcesOf(telemetry(), 'aws_iam_role').some((r: Obj) => r.tags?.['gpb.io/workload-kind'] === 'controller')).toBe(false);
    const json = telemetry({ autoscalerServiceAccount: { namespace: 'keda', name: 'keda-operator' } });
    const role = resourcesOf(json, 'aws_iam_role').find((r: Obj) => r.tags?.['gpb.io/workload-kind'] === 'controller') as Obj;
    expect(role.tags['gpb.io/service-account']).toBe('keda.keda-operator');
    const policy = resourcesOf(json, 'aws_iam_role_policy').find((p: Obj) => String(p.role).includes('AutoscalerRole')) as Obj;
    const [stmt] = policyOf(policy).Statement as Obj[];
    expect(stmt.Action).toEqual(['aps:QueryMetrics', 'aps:GetSeries', 'aps:GetLabels', 'aps:GetMetricMetadata']);
    expect(stmt.Resource).toMatch(/aws_prometheus_workspace\.Telemetry_Workspace_[0-9A-F]+\.arn/);
  });

  it('leaves X-Ray out of the role when traces do not go there', () => {
    const json = telemetry({ xray: false });
    const policy = resourcesOf(json, 'aws_iam_role_policy').find((p: Obj) => String(p.role).includes('CollectorRole')) as Obj;
    expect((policyOf(policy).Statement as Obj[]).map((s) => s.Sid)).toEqual(['RemoteWrite', 'WorkloadLogs']);
  });

  it('passes the policy pack', () => {
    const findings = evaluateStack(
      new StackView('t', telemetry() as unknown as JsonObject),
      ALL_RULES,
      { environment: 't', stage: 'prod' },
      [],
    )
      .filter((f) => f.severity === 'error' && !f.address.startsWith('aws_eks_cluster'))
      .map((f) => `${f.ruleId} ${f.address}: ${f.message}`);
    expect(findings).toEqual([]);
  });
});
