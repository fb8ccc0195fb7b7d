import { describe, expect, it } from 'vitest';
import { LogsKmsKey } from '../../../constructs/core/logs-kms-key';
import { onlyResource, policyOf, synthWith } from '../../helpers';

describe('LogsKmsKey', () => {
  const json = synthWith((scope) => {
    new LogsKmsKey(scope, 'Key', { alias: 'gpb/test/logs', region: 'eu-west-1' });
  });

  it('rotates and has an alias', () => {
    expect(onlyResource(json, 'aws_kms_key')).toMatchObject({ enable_key_rotation: true, deletion_window_in_days: 30 });
    expect(onlyResource(json, 'aws_kms_alias').name).toBe('alias/gpb/test/logs');
  });

  it("lets CloudWatch Logs of this region use it for this account's log groups only", () => {
    const logs = policyOf(onlyResource(json, 'aws_kms_key')).Statement.find((s) => s.Sid === 'CloudWatchLogsUse')!;
    expect(logs.Principal).toEqual({ Service: expect.stringMatching(/^logs\.eu-west-1\.\$\{data\.aws_partition\.\w+\.dns_suffix\}$/) });
    expect(JSON.stringify(logs.Condition)).toMatch(/:logs:eu-west-1:\$\{data\.aws_caller_identity\.\w+\.account_id\}:log-group:\*/);
  });

  it('reads the account and partition from one pair of data sources per stack', () => {
    const twoKeys = synthWith((scope) => {
      new LogsKmsKey(scope, 'A', { alias: 'a', region: 'eu-west-1' });
      new LogsKmsKey(scope, 'B', { alias: 'b', region: 'eu-west-1' });
    });
    expect(Object.keys(twoKeys.data?.aws_caller_identity ?? {})).toHaveLength(1);
    expect(Object.keys(twoKeys.data?.aws_partition ?? {})).toHaveLength(1);
  });
});
