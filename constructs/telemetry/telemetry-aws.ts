import { CloudwatchLogGroup } from '@cdktf/provider-aws/lib/cloudwatch-log-group';
import { KmsAlias } from '@cdktf/provider-aws/lib/kms-alias';
import { KmsKey } from '@cdktf/provider-aws/lib/kms-key';
import { PrometheusAlertManagerDefinition } from '@cdktf/provider-aws/lib/prometheus-alert-manager-definition';
import { PrometheusRuleGroupNamespace } from '@cdktf/provider-aws/lib/prometheus-rule-group-namespace';
import { PrometheusWorkspace } from '@cdktf/provider-aws/lib/prometheus-workspace';
import { SnsTopic } from '@cdktf/provider-aws/lib/sns-topic';
import { SnsTopicPolicy } from '@cdktf/provider-aws/lib/sns-topic-policy';
import { SnsTopicSubscription } from '@cdktf/provider-aws/lib/sns-topic-subscription';
import { Construct } from 'constructs';
import { DEFAULTS } from '../../model/defaults';
import { stringify } from 'yaml';
import type { EksCluster } from '../cluster/eks-cluster';
import { PodIdentityRole, type PolicyStatement } from '../cluster/pod-identity-role';
import { AwsContext } from '../core/aws-context';
import { LogsKmsKey } from '../core/logs-kms-key';
import { isAlert, type RuleGroup } from '../../model/telemetry/alert-rules';
import { COLLECTOR_GATEWAY_SERVICE_ACCOUNT, TELEMETRY_NAMESPACE } from './otel-collector';

export interface TelemetryAwsProps {
  /** Resource name stem, e.g. `gpb-dev`. */
  readonly name: string;
  readonly region: string;
  readonly cluster: EksCluster;
  /** Alert and recording rules evaluated by the workspace. */
  readonly ruleGroups: readonly RuleGroup[];
  /** Addresses subscribed to the alert topic. @default [] */
  readonly alertEmails?: readonly string[];
  /** Retention of workload logs. @default 30 */
  readonly logRetentionDays?: number;
  /** Give the collector X-Ray write access. @default true */
  readonly xray?: boolean;
  /** @default 30 */
  readonly kmsDeletionWindowDays?: number;
  /** The autoscaler (KEDA operator) that reads load from the workspace. @default - none */
  readonly autoscalerServiceAccount?: { readonly namespace: string; readonly name: string };
}

/**
 * The AWS side of observability: an Amazon Managed Service for Prometheus workspace encrypted
 * with its own key, its rule groups, an alert manager that publishes to an encrypted SNS topic,
 * CloudWatch log groups for workload logs and the workspace's own logs, and the collector
 * gateway's Pod Identity role (remote write to this workspace, write to this log group, X-Ray
 * segments; nothing else).
 */
export class TelemetryAws extends Construct {
  readonly workspace: PrometheusWorkspace;
  /** `https://aps-workspaces.<region>.amazonaws.com/workspaces/<id>/api/v1/remote_write` */
  readonly remoteWriteUrl: string;
  /** `https://aps-workspaces.<region>.amazonaws.com/workspaces/<id>`: where KEDA queries. */
  readonly queryUrl: string;
  readonly workloadLogGroupName: string;
  readonly alertTopicArn: string;
  readonly collectorRole: PodIdentityRole;
  /** The autoscaler's role: query this workspace, nothing else (when an autoscaler is named). */
  readonly autoscalerRole?: PodIdentityRole;

  constructor(scope: Construct, id: string, props: TelemetryAwsProps) {
    super(scope, id);
    const aws = AwsContext.of(this);
    const deletionWindow = props.kmsDeletionWindowDays ?? DEFAULTS.cluster.kmsDeletionWindowDays;
    const key = new KmsKey(this, 'Key', {
      description: `Prometheus workspace and alert topic of ${props.name}`,
      enableKeyRotation: true,
      deletionWindowInDays: deletionWindow,
      policy: JSON.stringify({
        Version: '2012-10-17',
        Statement: [
          { Sid: 'AccountAdministration', Effect: 'Allow', Principal: { AWS: aws.accountRootArn }, Action: 'kms:*', Resource: '*' },
          {
            // The alert manager publishes to the encrypted topic as the service.
            Sid: 'PrometheusAlertsToEncryptedTopic',
            Effect: 'Allow',
            Principal: { Service: 'aps.amazonaws.com' },
            Action: ['kms:GenerateDataKey*', 'kms:Decrypt'],
            Resource: '*',
            Condition: { StringEquals: { 'aws:SourceAccount': aws.accountId } },
          },
        ],
      }),
    });
    new KmsAlias(this, 'KeyAlias', { name: `alias/${props.name}/telemetry`, targetKeyId: key.keyId });
    const logsKey = new LogsKmsKey(this, 'LogsKey', {
      alias: `${props.name}/telemetry-logs`,
      region: props.region,
      deletionWindowDays: deletionWindow,
    });
    const retention = props.logRetentionDays ?? DEFAULTS.logs.retentionDays;

    const workspaceLogs = new CloudwatchLogGroup(this, 'WorkspaceLogs', {
      name: `/aws/vendedlogs/prometheus/${props.name}`,
      retentionInDays: retention,
      kmsKeyId: logsKey.keyArn,
    });
    const workloadLogs = new CloudwatchLogGroup(this, 'WorkloadLogs', {
      name: `/gpb/${props.name}/workloads`,
      retentionInDays: retention,
      kmsKeyId: logsKey.keyArn,
    });
    this.workloadLogGroupName = workloadLogs.name;

    this.workspace = new PrometheusWorkspace(this, 'Workspace', {
      alias: props.name,
      kmsKeyArn: key.arn,
      loggingConfiguration: { logGroupArn: `${workspaceLogs.arn}:*` },
    });
    this.remoteWriteUrl = `${this.workspace.prometheusEndpoint}api/v1/remote_write`;
    this.queryUrl = `https://aps-workspaces.${props.region}.${aws.dnsSuffix}/workspaces/${this.workspace.id}`;

    const topic = new SnsTopic(this, 'AlertTopic', { name: `${props.name}-alerts`, kmsMasterKeyId: key.arn });
    this.alertTopicArn = topic.arn;
    new SnsTopicPolicy(this, 'AlertTopicPolicy', {
      arn: topic.arn,
      policy: JSON.stringify({
        Version: '2012-10-17',
        Statement: [
          {
            Sid: 'PrometheusWorkspacePublishes',
            Effect: 'Allow',
            Principal: { Service: 'aps.amazonaws.com' },
            Action: ['sns:Publish', 'sns:GetTopicAttributes'],
            Resource: topic.arn,
            Condition: { StringEquals: { 'aws:SourceAccount': aws.accountId }, ArnEquals: { 'aws:SourceArn': this.workspace.arn } },
          },
        ],
      }),
    });
    (props.alertEmails ?? []).forEach((email, i) => {
      new SnsTopicSubscription(this, `AlertEmail${i}`, { topicArn: topic.arn, protocol: 'email', endpoint: email });
    });

    new PrometheusAlertManagerDefinition(this, 'AlertManager', {
      workspaceId: this.workspace.id,
      definition: alertManagerDefinition(topic.arn, props.region),
    });
    if (props.ruleGroups.length > 0) {
      new PrometheusRuleGroupNamespace(this, 'Rules', {
        name: 'gpb',
        workspaceId: this.workspace.id,
        data: rulesYaml(props.ruleGroups),
      });
    }

    const statements: PolicyStatement[] = [
      { Sid: 'RemoteWrite', Effect: 'Allow', Action: 'aps:RemoteWrite', Resource: this.workspace.arn },
      {
        Sid: 'WorkloadLogs',
        Effect: 'Allow',
        Action: ['logs:CreateLogStream', 'logs:PutLogEvents', 'logs:DescribeLogStreams'],
        Resource: [workloadLogs.arn, `${workloadLogs.arn}:log-stream:*`],
      },
    ];
    if (props.xray ?? true) {
      // X-Ray has no resource-level permissions for these actions.
      statements.push({
        Sid: 'Traces',
        Effect: 'Allow',
        Action: ['xray:PutTraceSegments', 'xray:PutTelemetryRecords', 'xray:GetSamplingRules', 'xray:GetSamplingTargets'],
        Resource: '*',
      });
    }
    if (props.autoscalerServiceAccount) {
      this.autoscalerRole = new PodIdentityRole(this, 'AutoscalerRole', {
        cluster: props.cluster,
        identity: { namespace: props.autoscalerServiceAccount.namespace, serviceAccount: props.autoscalerServiceAccount.name },
        workloadKind: 'controller',
        statements: [
          {
            Sid: 'QueryLoad',
            Effect: 'Allow',
            Action: ['aps:QueryMetrics', 'aps:GetSeries', 'aps:GetLabels', 'aps:GetMetricMetadata'],
            Resource: this.workspace.arn,
          },
        ],
      });
    }
    this.collectorRole = new PodIdentityRole(this, 'CollectorRole', {
      cluster: props.cluster,
      identity: { namespace: TELEMETRY_NAMESPACE, serviceAccount: COLLECTOR_GATEWAY_SERVICE_ACCOUNT },
      workloadKind: 'collector',
      statements,
    });
  }
}

/**
 * The alert manager configuration: alerts grouped per alert and model, critical ones repeated
 * hourly, warnings every four hours, all to the SNS topic.
 */
export function alertManagerDefinition(topicArn: string, region: string): string {
  const sns = (severity: string) => ({
    name: severity,
    sns_configs: [{ topic_arn: topicArn, sigv4: { region }, attributes: { severity } }],
  });
  const config = {
    route: {
      receiver: 'warning',
      group_by: ['alertname', 'model'],
      group_wait: '30s',
      group_interval: '5m',
      repeat_interval: '4h',
      routes: [{ receiver: 'critical', matchers: ['severity="critical"'], repeat_interval: '1h' }],
    },
    receivers: [sns('critical'), sns('warning')],
  };
  return stringify({ alertmanager_config: stringify(config) });
}

/** The rule groups as the workspace's rules file. */
export function rulesYaml(groups: readonly RuleGroup[]): string {
  return stringify(
    {
      groups: groups.map((g) => ({
        name: g.name,
        interval: g.interval,
        rules: g.rules.map((r) =>
          isAlert(r)
            ? {
                alert: r.alert,
                expr: r.expr,
                for: r.for,
                labels: { ...r.labels },
                annotations: { summary: r.annotations.summary, description: r.annotations.description, runbook_url: r.annotations.runbook },
              }
            : { record: r.record, expr: r.expr },
        ),
      })),
    },
    { lineWidth: 0 },
  );
}
