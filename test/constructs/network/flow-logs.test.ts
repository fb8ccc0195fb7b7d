import { describe, expect, it } from 'vitest';
import { FlowLogs } from '../../../constructs/network/flow-logs';
import { onlyResource, policyOf, synthWith } from '../../helpers';

const json = synthWith((scope) => {
  new FlowLogs(scope, 'FlowLogs', {
    vpcId: 'vpc-123',
    logGroupName: '/gpb/test/vpc-flow-logs',
    logsKey: { keyArn: 'arn:aws:kms:us-west-2:111122223333:key/abc' },
    retentionDays: 14,
  });
});

describe('FlowLogs', () => {
  it('captures all traffic into an encrypted log group with retention', () => {
    expect(onlyResource(json, 'aws_flow_log')).toMatchObject({
      vpc_id: 'vpc-123',
      traffic_type: 'ALL',
      log_destination_type: 'cloud-watch-logs',
    });
    expect(onlyResource(json, 'aws_cloudwatch_log_group')).toMatchObject({
      name: '/gpb/test/vpc-flow-logs',
      retention_in_days: 14,
      kms_key_id: 'arn:aws:kms:us-west-2:111122223333:key/abc',
    });
  });

  it('lets the delivery role write to that log group only', () => {
    const statements = policyOf(onlyResource(json, 'aws_iam_role_policy')).Statement;
    for (const s of statements) {
      expect(s.Resource).not.toBe('*');
      expect(String(s.Resource)).toContain('aws_cloudwatch_log_group');
    }
    const trust = policyOf(onlyResource(json, 'aws_iam_role'), 'assume_role_policy').Statement[0];
    expect(trust.Principal).toEqual({ Service: 'vpc-flow-logs.amazonaws.com' });
    expect(trust.Condition).toHaveProperty('StringEquals.aws:SourceAccount');
  });
});
