import { CloudwatchLogGroup } from '@cdktf/provider-aws/lib/cloudwatch-log-group';
import { FlowLog } from '@cdktf/provider-aws/lib/flow-log';
import { IamRole } from '@cdktf/provider-aws/lib/iam-role';
import { IamRolePolicy } from '@cdktf/provider-aws/lib/iam-role-policy';
import { Construct } from 'constructs';
import { AwsContext } from '../core/aws-context';
import type { ILogsKey } from '../core/logs-kms-key';
import { DEFAULTS } from '../../model/defaults';

export interface FlowLogsProps {
  readonly vpcId: string;
  /** Log group name, e.g. `/gpb/dev/vpc-flow-logs`. */
  readonly logGroupName: string;
  /** KMS key that encrypts the log group. */
  readonly logsKey: ILogsKey;
  readonly retentionDays: number;
  /** @default 'ALL' */
  readonly trafficType?: 'ACCEPT' | 'REJECT' | 'ALL';
}

/**
 * VPC flow logs into a KMS-encrypted CloudWatch log group with finite retention, delivered by
 * a role that may write to that log group only.
 */
export class FlowLogs extends Construct {
  readonly resource: FlowLog;
  readonly logGroup: CloudwatchLogGroup;

  constructor(scope: Construct, id: string, props: FlowLogsProps) {
    super(scope, id);
    const aws = AwsContext.of(this);
    this.logGroup = new CloudwatchLogGroup(this, 'LogGroup', {
      name: props.logGroupName,
      retentionInDays: props.retentionDays,
      kmsKeyId: props.logsKey.keyArn,
    });
    const role = new IamRole(this, 'DeliveryRole', {
      namePrefix: 'gpb-flow-logs-',
      assumeRolePolicy: JSON.stringify({
        Version: '2012-10-17',
        Statement: [
          {
            Effect: 'Allow',
            Principal: { Service: 'vpc-flow-logs.amazonaws.com' },
            Action: 'sts:AssumeRole',
            Condition: { StringEquals: { 'aws:SourceAccount': aws.accountId } },
          },
        ],
      }),
    });
    new IamRolePolicy(this, 'DeliveryPolicy', {
      role: role.id,
      name: 'write-flow-logs',
      policy: JSON.stringify({
        Version: '2012-10-17',
        Statement: [
          {
            Effect: 'Allow',
            Action: ['logs:CreateLogStream', 'logs:PutLogEvents', 'logs:DescribeLogStreams'],
            Resource: `${this.logGroup.arn}:*`,
          },
          { Effect: 'Allow', Action: 'logs:DescribeLogGroups', Resource: this.logGroup.arn },
        ],
      }),
    });
    this.resource = new FlowLog(this, 'Resource', {
      vpcId: props.vpcId,
      trafficType: props.trafficType ?? DEFAULTS.flowLogs.trafficType,
      logDestinationType: 'cloud-watch-logs',
      logDestination: this.logGroup.arn,
      iamRoleArn: role.arn,
      maxAggregationInterval: 60,
    });
  }
}
