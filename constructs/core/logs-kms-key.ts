import { KmsAlias } from '@cdktf/provider-aws/lib/kms-alias';
import { KmsKey } from '@cdktf/provider-aws/lib/kms-key';
import { Construct } from 'constructs';
import { AwsContext } from './aws-context';

/** A KMS key CloudWatch Logs may use: a LogsKmsKey, or any key given by its ARN. */
export interface ILogsKey {
  readonly keyArn: string;
}

export interface LogsKmsKeyProps {
  /** Alias without the `alias/` prefix, e.g. `gpb/dev/network-logs`. */
  readonly alias: string;
  /** Region of the log groups the key encrypts. */
  readonly region: string;
  /** @default 30 */
  readonly deletionWindowDays?: number;
}

/**
 * A customer-managed KMS key, rotated yearly, that CloudWatch Logs in this account and region
 * may use for log groups (and nothing else may, beyond the account's own administrators).
 */
export class LogsKmsKey extends Construct implements ILogsKey {
  readonly resource: KmsKey;
  readonly keyArn: string;

  constructor(scope: Construct, id: string, props: LogsKmsKeyProps) {
    super(scope, id);
    const aws = AwsContext.of(this);
    const logsPrincipal = `logs.${props.region}.${aws.dnsSuffix}`;
    this.resource = new KmsKey(this, 'Resource', {
      description: `CloudWatch Logs encryption (${props.alias})`,
      enableKeyRotation: true,
      deletionWindowInDays: props.deletionWindowDays ?? 30,
      policy: JSON.stringify({
        Version: '2012-10-17',
        Statement: [
          {
            Sid: 'AccountAdministration',
            Effect: 'Allow',
            Principal: { AWS: aws.accountRootArn },
            Action: 'kms:*',
            Resource: '*',
          },
          {
            Sid: 'CloudWatchLogsUse',
            Effect: 'Allow',
            Principal: { Service: logsPrincipal },
            Action: ['kms:Encrypt*', 'kms:Decrypt*', 'kms:ReEncrypt*', 'kms:GenerateDataKey*', 'kms:Describe*'],
            Resource: '*',
            Condition: {
              ArnLike: {
                'kms:EncryptionContext:aws:logs:arn': `arn:${aws.partition}:logs:${props.region}:${aws.accountId}:log-group:*`,
              },
            },
          },
        ],
      }),
    });
    new KmsAlias(this, 'Alias', { name: `alias/${props.alias}`, targetKeyId: this.resource.keyId });
    this.keyArn = this.resource.arn;
  }
}
