import { type Rule, stackRule } from '../../engine/rule';

const PUBLIC_ACCESS_FLAGS = ['block_public_acls', 'block_public_policy', 'ignore_public_acls', 'restrict_public_buckets'];

export const AWS_STORAGE_RULES: Rule[] = [
  stackRule({
    id: 'GPB-AWS-050',
    pack: 'aws',
    severity: 'error',
    title: 'Every S3 bucket blocks public access',
    rationale: 'Model weights and data are company property; one public ACL away from a leak.',
    remediation: 'Add aws_s3_bucket_public_access_block for the bucket with all four flags true.',
    checkov: 'CKV2_AWS_6',
    evaluate: (stack) =>
      stack.resourcesOf('aws_s3_bucket').flatMap((bucket) => {
        const blocks = stack.referencing('aws_s3_bucket_public_access_block', bucket);
        if (blocks.length === 0) return [{ resource: bucket, message: 'no aws_s3_bucket_public_access_block for this bucket' }];
        return blocks.flatMap((b) =>
          PUBLIC_ACCESS_FLAGS.filter((f) => b.config[f] !== true).map((f) => ({ resource: b, message: `${f} is not true` })),
        );
      }),
  }),
  stackRule({
    id: 'GPB-AWS-051',
    pack: 'aws',
    severity: 'warning',
    title: 'S3 buckets use KMS encryption',
    rationale: 'SSE-S3 is always on, but only SSE-KMS lets you audit and revoke access to the key.',
    remediation: "Add aws_s3_bucket_server_side_encryption_configuration with sse_algorithm 'aws:kms'.",
    checkov: 'CKV_AWS_145',
    evaluate: (stack) =>
      stack
        .resourcesOf('aws_s3_bucket')
        .filter(
          (bucket) =>
            !stack
              .referencing('aws_s3_bucket_server_side_encryption_configuration', bucket)
              .some((c) => JSON.stringify(c.config).includes('aws:kms')),
        )
        .map((resource) => ({ resource, message: 'no SSE-KMS encryption configuration for this bucket' })),
  }),
];
