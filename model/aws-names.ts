/**
 * Rules for names AWS accepts, each a pure function returning why a value is refused (or
 * undefined). The environment schema reports them with the field's path; the catalogs they
 * read are in model/aws-catalog.ts, the quotas in {@link AWS_LIMITS}.
 */
import { AWS_REGIONS, BOTOCORE_VERSION, EC2_INSTANCE_SIZES, ELASTICACHE_NODE_TYPES } from './aws-catalog';

/**
 * Quotas a value is checked against, each with its source. Adjustable quotas are defaults: an
 * account with a raised quota changes the number here (a fork's one-line change).
 */
export const AWS_LIMITS = {
  /** "Nodes per managed node group", default 450, adjustable (Amazon EKS service quotas). */
  nodesPerManagedNodeGroup: 450,
  /** "Public endpoint access CIDR ranges per cluster", 40, not adjustable (Amazon EKS service quotas). */
  publicAccessCidrsPerCluster: 40,
} as const;

const ALL_REGIONS = new Set(Object.values(AWS_REGIONS).flat());

export function regionProblem(region: string): string | undefined {
  if (ALL_REGIONS.has(region)) return undefined;
  const near = [...ALL_REGIONS].filter((r) => r.split('-').slice(0, 2).join('-') === region.split('-').slice(0, 2).join('-'));
  return `is not an AWS region (botocore ${BOTOCORE_VERSION} endpoints)${near.length > 0 ? `; regions like it: ${near.join(', ')}` : ''}`;
}

/** Why `name` is not an EC2 instance type. */
export function ec2InstanceTypeProblem(name: string): string | undefined {
  const [family, size, ...rest] = name.split('.');
  const sizes = EC2_INSTANCE_SIZES[family];
  if (rest.length === 0 && sizes?.includes(size)) return undefined;
  return sizes
    ? `is not an EC2 instance type; ${family} comes in ${sizes.join(', ')}`
    : `is not an EC2 instance type (no family '${family}' in botocore ${BOTOCORE_VERSION})`;
}

/** Accelerated and special-purpose families: never for the system node group. */
const ACCELERATED = /^(p\d|g\d|gr\d|inf\d|trn\d|dl\d|f\d|vt\d|mac|u-|u7)/;
/** Graviton families carry a `g` among the letters after the generation (m7g, c6gn, im4gn, i8ge). */
const ARM64 = /^[a-z]+\d+[a-z]*g[a-z]*(-[a-z0-9]+)?$/;

/**
 * Why `name` cannot be a system node: an EC2 type, x86_64 (the node group boots the
 * AL2023_x86_64_STANDARD AMI), and not an accelerated or special-purpose family.
 */
export function systemInstanceTypeProblem(name: string): string | undefined {
  const unknown = ec2InstanceTypeProblem(name);
  if (unknown) return unknown;
  const family = name.split('.')[0];
  if (ACCELERATED.test(family))
    return 'is an accelerated or special-purpose type: system nodes run controllers (GPU capacity goes in gpu.pools or gpu.nodeGroups)';
  if (ARM64.test(family) || family === 'a1')
    return 'is an arm64 (Graviton) type: the system node group boots the AL2023_x86_64_STANDARD AMI; use an x86_64 type such as m7i.large';
  return undefined;
}

export function cacheNodeTypeProblem(name: string): string | undefined {
  if (ELASTICACHE_NODE_TYPES.includes(name)) return undefined;
  const family = name.split('.').slice(0, 2).join('.');
  const same = ELASTICACHE_NODE_TYPES.filter((t) => t.startsWith(`${family}.`));
  return same.length > 0
    ? `is not an ElastiCache node type; ${family} comes in ${same.join(', ')}`
    : `is not a current-generation ElastiCache node type (botocore ${BOTOCORE_VERSION}); families: ${[...new Set(ELASTICACHE_NODE_TYPES.map((t) => t.split('.')[1]))].join(', ')}`;
}

/** RDS instance classes are `db.` and an EC2 instance type. */
export function dbInstanceClassProblem(name: string): string | undefined {
  if (!name.startsWith('db.')) return "must start with 'db.' (an RDS instance class such as db.t4g.medium)";
  const ec2 = ec2InstanceTypeProblem(name.slice(3));
  return ec2 ? `is not an RDS instance class: '${name.slice(3)}' ${ec2}` : undefined;
}

/**
 * The S3 general purpose bucket naming rules (Amazon S3 user guide, "General purpose bucket
 * naming rules").
 */
export function s3BucketNameProblem(name: string): string | undefined {
  if (name.length < 3 || name.length > 63) return 'must be 3-63 characters long (S3 bucket naming rules)';
  if (!/^[a-z0-9][a-z0-9.-]*[a-z0-9]$/.test(name))
    return 'must be lowercase letters, digits, dots and hyphens, starting and ending with a letter or digit (S3 bucket naming rules)';
  if (name.includes('..')) return 'must not contain two adjacent dots (S3 bucket naming rules)';
  if (/^\d{1,3}(\.\d{1,3}){3}$/.test(name)) return 'must not be formatted as an IP address (S3 bucket naming rules)';
  for (const prefix of ['xn--', 'sthree-', 'amzn-s3-demo-'])
    if (name.startsWith(prefix)) return `must not start with '${prefix}' (reserved by S3)`;
  for (const suffix of ['-s3alias', '--ol-s3', '.mrap', '--x-s3', '--table-s3'])
    if (name.endsWith(suffix)) return `must not end with '${suffix}' (reserved by S3)`;
  return undefined;
}

/**
 * Tag values AWS accepts across services (Tagging AWS resources, "Tag naming limits"): at most
 * 256 characters of letters, digits, spaces and `_ . : / = + - @`.
 */
export function tagValueProblem(value: string): string | undefined {
  if (value.length > 256) return 'must be at most 256 characters (AWS tag values)';
  if (!/^[\p{L}\p{N}\p{Zs}_.:/=+\-@]*$/u.test(value)) return 'may hold only letters, digits, spaces and _ . : / = + - @ (AWS tag values)';
  return undefined;
}
