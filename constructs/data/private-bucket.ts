import { KmsKey } from '@cdktf/provider-aws/lib/kms-key';
import { S3Bucket } from '@cdktf/provider-aws/lib/s3-bucket';
import { S3BucketLifecycleConfiguration } from '@cdktf/provider-aws/lib/s3-bucket-lifecycle-configuration';
import { S3BucketOwnershipControls } from '@cdktf/provider-aws/lib/s3-bucket-ownership-controls';
import { S3BucketPolicy } from '@cdktf/provider-aws/lib/s3-bucket-policy';
import { S3BucketPublicAccessBlock } from '@cdktf/provider-aws/lib/s3-bucket-public-access-block';
import { S3BucketServerSideEncryptionConfigurationA as S3BucketServerSideEncryptionConfiguration } from '@cdktf/provider-aws/lib/s3-bucket-server-side-encryption-configuration';
import { S3BucketVersioningA as S3BucketVersioning } from '@cdktf/provider-aws/lib/s3-bucket-versioning';
import { Construct } from 'constructs';
import type { PolicyStatement } from '../cluster/pod-identity-role';

export interface PrivateBucketProps {
  /** What the bucket holds, for the key's description, e.g. 'model weights'. */
  readonly purpose: string;
  /** Bucket name prefix (a random suffix keeps names globally unique). */
  readonly namePrefix: string;
  /** Refuse to destroy (staging and prod); otherwise destroy empties the bucket. @default false */
  readonly preventDestroy?: boolean;
  /** Days old versions are kept. @default 30 */
  readonly noncurrentVersionDays?: number;
}

/**
 * A private bucket (model weights, vector store snapshots): versioned, SSE-KMS with its own
 * rotating key and bucket keys, public access blocked, ACLs disabled, TLS required.
 */
export class PrivateBucket extends Construct {
  readonly resource: S3Bucket;
  readonly key: KmsKey;
  readonly bucketName: string;
  readonly bucketArn: string;

  constructor(scope: Construct, id: string, props: PrivateBucketProps) {
    super(scope, id);
    this.key = new KmsKey(this, 'Key', {
      description: `${props.purpose} (${props.namePrefix})`,
      enableKeyRotation: true,
      deletionWindowInDays: 30,
    });
    this.resource = new S3Bucket(this, 'Resource', {
      bucketPrefix: props.namePrefix,
      // A bucket that may be destroyed (dev) is emptied first, versions included: otherwise
      // `cdktf destroy` stops at BucketNotEmpty and the environment cannot be rebuilt.
      forceDestroy: !props.preventDestroy,
      lifecycle: props.preventDestroy ? { preventDestroy: true } : undefined,
    });
    this.bucketName = this.resource.bucket;
    this.bucketArn = this.resource.arn;
    new S3BucketPublicAccessBlock(this, 'PublicAccessBlock', {
      bucket: this.resource.id,
      blockPublicAcls: true,
      blockPublicPolicy: true,
      ignorePublicAcls: true,
      restrictPublicBuckets: true,
    });
    new S3BucketOwnershipControls(this, 'Ownership', { bucket: this.resource.id, rule: { objectOwnership: 'BucketOwnerEnforced' } });
    new S3BucketVersioning(this, 'Versioning', { bucket: this.resource.id, versioningConfiguration: { status: 'Enabled' } });
    new S3BucketServerSideEncryptionConfiguration(this, 'Encryption', {
      bucket: this.resource.id,
      rule: [{ applyServerSideEncryptionByDefault: { sseAlgorithm: 'aws:kms', kmsMasterKeyId: this.key.arn }, bucketKeyEnabled: true }],
    });
    new S3BucketLifecycleConfiguration(this, 'Lifecycle', {
      bucket: this.resource.id,
      rule: [
        {
          id: 'expire-old-versions',
          status: 'Enabled',
          filter: [{ prefix: '' }],
          noncurrentVersionExpiration: [{ noncurrentDays: props.noncurrentVersionDays ?? 30 }],
          abortIncompleteMultipartUpload: [{ daysAfterInitiation: 7 }],
        },
      ],
    });
    new S3BucketPolicy(this, 'Policy', {
      bucket: this.resource.id,
      policy: JSON.stringify({
        Version: '2012-10-17',
        Statement: [
          {
            Sid: 'DenyInsecureTransport',
            Effect: 'Deny',
            Principal: '*',
            Action: 's3:*',
            Resource: [this.bucketArn, `${this.bucketArn}/*`],
            Condition: { Bool: { 'aws:SecureTransport': 'false' } },
          },
        ],
      }),
    });
  }

  /** Read-only access to one prefix (what a model server's role gets for its model). */
  readStatements(prefix: string): PolicyStatement[] {
    const p = prefix.replace(/^\/+|\/+$/g, '');
    return [
      { Sid: 'ReadModel', Effect: 'Allow', Action: ['s3:GetObject'], Resource: `${this.bucketArn}/${p}/*` },
      {
        Sid: 'ListModel',
        Effect: 'Allow',
        Action: ['s3:ListBucket'],
        Resource: this.bucketArn,
        Condition: { StringLike: { 's3:prefix': [`${p}/*`] } },
      },
      { Sid: 'DecryptModel', Effect: 'Allow', Action: ['kms:Decrypt'], Resource: this.key.arn },
    ];
  }

  /** Read and write access to the whole bucket (what a snapshotting service gets). */
  readWriteStatements(): PolicyStatement[] {
    return [
      { Sid: 'ListBucket', Effect: 'Allow', Action: ['s3:ListBucket', 's3:GetBucketLocation'], Resource: this.bucketArn },
      {
        Sid: 'ReadWriteObjects',
        Effect: 'Allow',
        Action: ['s3:GetObject', 's3:PutObject', 's3:DeleteObject', 's3:AbortMultipartUpload'],
        Resource: `${this.bucketArn}/*`,
      },
      { Sid: 'UseKey', Effect: 'Allow', Action: ['kms:Decrypt', 'kms:GenerateDataKey'], Resource: this.key.arn },
    ];
  }
}
