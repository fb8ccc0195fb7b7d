import { z } from 'zod';
import { KUBERNETES_VERSIONS } from '../model/addon-catalog';
import { RULE_IDS } from '../policies';
import { dataRules, dataSchema } from './data-schema';
import { gpuRules, gpuSchema, instanceTypeResolver } from './gpu-schema';
import { type GpuCapacitySpec, gpuCapacities } from '../model/gpu-capacity';
import { STAGE_POSTURE } from '../model/stage-posture';
import { LAYERS } from './layers';
import { awsRegion, cidr, logRetentionDays, nodesQuotaMessage, ruled } from './fields';
import { AWS_LIMITS, s3BucketNameProblem, systemInstanceTypeProblem, tagValueProblem } from '../model/aws-names';
import { observabilityRules, observabilitySchema } from './observability-schema';
import { servingRules, servingSchema } from './serving-schema';
import { kubernetesCompatibilityProblems, supportCheckDate, supportProblem } from '../model/kubernetes-support';
import { cidrContains, cidrsOverlap, coversInternet, type Ipv4Cidr, mustParseCidr, parseCidr } from '../model/cidr';
import { defaultLayoutSmallestPrefix, SMALLEST_SUBNET_PREFIX } from '../model/subnet-layout';
import { DEFAULTS } from '../model/defaults';

/**
 * The typed shape of one environment. Environment files hold data only; stacks read it and
 * never branch on an environment's name. Each layer owns one section; a later layer adds its
 * own section here (see docs/environments.md).
 */

/** Interface VPC endpoints the blueprint knows how to create (service name suffixes). */
export const INTERFACE_ENDPOINT_SERVICES = [
  'autoscaling',
  'aps-workspaces',
  'ec2',
  'ec2messages',
  'ecr.api',
  'ecr.dkr',
  'eks',
  'eks-auth',
  'elasticloadbalancing',
  'kms',
  'logs',
  'monitoring',
  'secretsmanager',
  'sqs',
  'ssm',
  'ssmmessages',
  'sts',
  'xray',
] as const;

/** What nodes need to join the cluster and pull images when private subnets have no NAT. */
export const ENDPOINTS_REQUIRED_WITHOUT_NAT = ['ecr.api', 'ecr.dkr', 'sts', 'eks-auth', 'ec2'] as const;

const CONTROL_PLANE_LOG_TYPES = ['api', 'audit', 'authenticator', 'controllerManager', 'scheduler'] as const;

const tagValue = ruled(tagValueProblem).min(1, 'must not be empty');

export const tagsSchema = z.strictObject({
  /** Team or person accountable for the environment (tag `owner`). */
  owner: tagValue,
  /** Cost allocation key (tag `cost-center`). */
  costCenter: tagValue,
  /** Further tags for everything taggable. */
  extra: z
    .record(z.string().regex(/^(?!aws:)[\w .:/=+@-]{1,128}$/, 'tag keys are 1-128 characters and must not start with aws:'), tagValue)
    .default({}),
});

export const stateSchema = z.strictObject({
  /** S3 bucket holding every stack's state, created outside this blueprint (see docs/deploy.md). */
  bucket: ruled(s3BucketNameProblem),
  /** @default - the environment's region */
  region: awsRegion.optional(),
  /** KMS key for state encryption. @default - the bucket's default encryption (SSE-S3 or its KMS key) */
  kmsKeyArn: z
    .string()
    .regex(/^arn:aws[a-z-]*:kms:/, 'must be a KMS key ARN')
    .optional(),
});

export const networkSchema = z.strictObject({
  /** VPC CIDR, /16 to /24. */
  cidr: cidr.refine((s) => {
    const p = parseCidr(s)?.prefix;
    return p === undefined || (p >= 16 && p <= 24); // unparsable: reported by `cidr` already
  }, 'must have a prefix between /16 and /24 (AWS VPC limits)'),
  /** How many availability zones to spread subnets across. */
  azCount: z.number().int('must be a whole number').min(2, 'must be at least 2 (EKS needs two zones)').max(6, 'must be at most 6'),
  /** @default - the first azCount zones that are available in the region, looked up at plan time */
  availabilityZones: z.array(z.string().regex(/^[a-z]{2}(-gov)?-[a-z]+-\d[a-z]$/, 'must be a zone name such as us-east-1a')).optional(),
  /** NAT gateways: none (endpoints only), one shared, or one per zone (zone-independent egress). */
  natStrategy: z.enum(['none', 'single', 'per-az']),
  /** Explicit subnet CIDRs per tier, one per zone. @default - computed from cidr (docs/environments.md) */
  subnets: z
    .strictObject({
      private: z.array(cidr),
      public: z.array(cidr),
      data: z.array(cidr),
    })
    .optional(),
  /** Interface endpoints in the private subnets (the S3 gateway endpoint is always created). */
  interfaceEndpoints: z.array(z.enum(INTERFACE_ENDPOINT_SERVICES)).default([...ENDPOINTS_REQUIRED_WITHOUT_NAT]),
  /** VPC flow logs to CloudWatch Logs, KMS-encrypted. */
  flowLogs: z
    .strictObject({
      /** @default 90 */
      retentionDays: logRetentionDays.default(90),
      /** @default 'ALL' */
      trafficType: z.enum(['ACCEPT', 'REJECT', 'ALL']).default(DEFAULTS.flowLogs.trafficType),
    })
    .prefault({}),
});

export const clusterSchema = z.strictObject({
  /** EKS cluster name. @default - `gpb-<environment name>` */
  name: z
    .string()
    .regex(/^[a-zA-Z][a-zA-Z0-9-]{0,99}$/, 'must be 1-100 letters, digits or hyphens, starting with a letter')
    .optional(),
  kubernetesVersion: z.enum(KUBERNETES_VERSIONS),
  /**
   * EKS support for the version: 'extended' keeps a version past standard support, at six times
   * the control plane's hourly price. A version whose standard support has ended is refused
   * unless this says 'extended' (model/kubernetes-support.ts). @default 'standard'
   */
  supportType: z.enum(['standard', 'extended']).default('standard'),
  endpoint: z.strictObject({
    /** The private endpoint is always on; this adds the public one. */
    publicAccess: z.boolean(),
    /** Who may reach the public endpoint; required when publicAccess is true. @default [] */
    publicAccessCidrs: z
      .array(cidr)
      .max(
        AWS_LIMITS.publicAccessCidrsPerCluster,
        `must list at most ${AWS_LIMITS.publicAccessCidrsPerCluster} CIDRs (EKS quota "Public endpoint access CIDR ranges per cluster", not adjustable)`,
      )
      .default([]),
  }),
  /** IAM principals given cluster access through EKS access entries. */
  admins: z
    .array(
      z.strictObject({
        principalArn: z.string().regex(/^arn:aws[a-z-]*:iam::\d{12}:(role|user)\/[\w+=,.@/-]+$/, 'must be an IAM role or user ARN'),
        /** @default 'cluster-admin' */
        accessPolicy: z.enum(['cluster-admin', 'admin', 'edit', 'view']).default('cluster-admin'),
      }),
    )
    .min(1, 'must name at least one principal: the cluster creator gets no implicit admin'),
  /** Kubernetes service CIDR. @default '172.20.0.0/16' */
  serviceIpv4Cidr: cidr.default('172.20.0.0/16'),
  /** Control plane logs shipped to CloudWatch. @default - all five types */
  controlPlaneLogTypes: z.array(z.enum(CONTROL_PLANE_LOG_TYPES)).default([...CONTROL_PLANE_LOG_TYPES]),
  /** @default 90 */
  logRetentionDays: logRetentionDays.default(90),
  /** Waiting period before the secrets KMS key is deleted. @default 30 */
  kmsDeletionWindowDays: z.number().int().min(7, 'must be 7-30').max(30, 'must be 7-30').default(DEFAULTS.cluster.kmsDeletionWindowDays),
  /** The managed node group for controllers (never GPU). */
  systemNodeGroup: z.strictObject({
    instanceTypes: z.array(ruled(systemInstanceTypeProblem)).min(1, 'must list at least one instance type'),
    minSize: z.number().int().min(1, 'must be at least 1: controllers need somewhere to run'),
    desiredSize: z.number().int().min(1),
    maxSize: z.number().int().min(1).max(AWS_LIMITS.nodesPerManagedNodeGroup, nodesQuotaMessage),
    /** @default 50 */
    diskSizeGiB: z.number().int().min(20, 'must be at least 20').max(1000).default(DEFAULTS.systemNodeGroup.diskSizeGiB),
    /** @default 'ON_DEMAND' */
    capacityType: z.enum(['ON_DEMAND', 'SPOT']).default(DEFAULTS.systemNodeGroup.capacityType),
  }),
});

export const guardrailsSchema = z.strictObject({
  /** Permissions boundary for every IAM role the environment creates. @default - none */
  permissionsBoundaryArn: z
    .string()
    .regex(/^arn:aws[a-z-]*:iam::(\d{12}|aws):policy\/[\w+=,.@/-]+$/, 'must be an IAM policy ARN')
    .optional(),
  /** What the in-cluster admission policy does with a violating pod. @default 'Deny' */
  admissionAction: z.enum(['Deny', 'Warn']).default(DEFAULTS.admission.action),
  /** Accepted policy findings, each with its reason (docs/policies.md). @default [] */
  suppressions: z
    .array(
      z.strictObject({
        rule: z.string().refine((id) => RULE_IDS.has(id), { message: 'must be a rule id listed in docs/policies.md' }),
        /** `<layer>` or `<layer>/<construct path inside the stack>`, e.g. `network/Endpoints`. */
        path: z.string().refine((p) => (LAYERS as readonly string[]).includes(p.split('/')[0]) && !p.split('/').includes(''), {
          message: `must be a layer (${LAYERS.join(', ')}) optionally followed by /<construct path>`,
        }),
        reason: z.string().refine((r) => r.trim().length >= 10, { message: 'must say why in at least 10 characters' }),
      }),
    )
    .default([]),
});

export const budgetSchema = z.strictObject({
  /** Monthly GPU spend the environment may reach at full capacity, in USD. */
  monthlyGpuUsd: z.number().positive('must be a positive amount in USD'),
});

const baseEnvironmentSchema = z.strictObject({
  /** Environment name: lowercase, used in stack ids and resource names. */
  name: z.string().regex(/^[a-z][a-z0-9-]{1,18}[a-z0-9]$/, 'must be 3-20 lowercase letters, digits or hyphens, starting with a letter'),
  /** What kind of environment this is; policies are stricter for staging and prod. */
  stage: z.enum(['dev', 'staging', 'prod']),
  region: awsRegion,
  /** When set, the AWS provider refuses to run against any other account. */
  accountId: z
    .string()
    .regex(/^\d{12}$/, 'must be a 12-digit AWS account id')
    .optional(),
  tags: tagsSchema,
  state: stateSchema,
  network: networkSchema,
  cluster: clusterSchema,
  guardrails: guardrailsSchema.prefault({}),
  /** GPU pools and node groups (docs/gpu.md). */
  gpu: gpuSchema.prefault({}),
  /** Model bucket, vector store and cache (docs/data.md). */
  data: dataSchema.prefault({}),
  /** Models to serve (docs/serving.md). */
  serving: servingSchema.prefault({}),
  /** Metrics, logs, traces, alerts and SLOs (docs/observability.md). */
  observability: observabilitySchema.prefault({}),
  /** GPU budget; required by policy GPB-AI-002 in staging and prod once GPU capacity exists. */
  budget: budgetSchema.optional(),
});

/** The EKS cluster name of an environment that sets none. */
export const defaultClusterName = (environment: string): string => `gpb-${environment}`;

export const environmentSchema = baseEnvironmentSchema
  // Relations between fields are judged only once every field is valid on its own: a bad value
  // is reported once, at its field, not again through every rule that reads it.
  .superRefine(crossFieldRules, { when: (payload) => payload.issues.length === 0 })
  .transform(resolveEnvironment);

/**
 * The valid environment resolved once, so stacks read facts instead of deriving them: the
 * cluster name, the stage's posture (model/stage-posture.ts), and each GPU pool, node group and
 * model holding its capacity object (instance types resolved; model/gpu-capacity.ts). Runs only
 * when every rule passed (zod skips a transform after issues), so every name resolves.
 */
function resolveEnvironment(env: Unresolved) {
  const capacities = new Map(gpuCapacities(env.gpu, instanceTypeResolver(env.gpu)).map((c) => [c.name, c]));
  const capacity = (name: string): GpuCapacitySpec => {
    const c = capacities.get(name);
    if (!c) throw new Error(`internal: GPU capacity '${name}' passed validation but did not resolve`);
    return c;
  };
  return {
    ...env,
    cluster: { ...env.cluster, name: env.cluster.name ?? defaultClusterName(env.name) },
    posture: STAGE_POSTURE[env.stage],
    gpu: {
      ...env.gpu,
      pools: env.gpu.pools.map((p) => ({ ...p, capacity: capacity(p.name) })),
      nodeGroups: env.gpu.nodeGroups.map((g) => ({ ...g, capacity: capacity(g.name) })),
    },
    serving: { ...env.serving, models: env.serving.models.map((m) => ({ ...m, capacity: capacity(m.pool) })) },
  };
}

/** What an environment file writes (defaults may be left out). */
export type EnvironmentInput = z.input<typeof environmentSchema>;
/** A validated environment, with defaults filled in. */
export type EnvironmentConfig = z.output<typeof environmentSchema>;

/** An environment before defaults that depend on other fields are resolved. */
type Unresolved = z.output<typeof baseEnvironmentSchema>;
type Ctx = z.RefinementCtx<Unresolved>;

function issue(ctx: Ctx, path: (string | number)[], input: unknown, message: string): void {
  ctx.addIssue({ code: 'custom', path, input, message });
}

function crossFieldRules(env: Unresolved, ctx: Ctx): void {
  const { network, cluster } = env;
  const vpc = parseCidr(network.cidr);
  if (!vpc) return; // reported by the field schema

  // Public endpoint: only with an allow list, never the whole internet in prod.
  const allow = cluster.endpoint.publicAccessCidrs;
  if (cluster.endpoint.publicAccess && allow.length === 0) {
    issue(
      ctx,
      ['cluster', 'endpoint', 'publicAccessCidrs'],
      allow,
      'must list at least one CIDR when cluster.endpoint.publicAccess is true (an empty list would open the API to 0.0.0.0/0)',
    );
  }
  if (!cluster.endpoint.publicAccess && allow.length > 0) {
    issue(
      ctx,
      ['cluster', 'endpoint', 'publicAccessCidrs'],
      allow,
      'has no effect while cluster.endpoint.publicAccess is false; remove it or turn public access on',
    );
  }
  allow.forEach((c, i) => {
    if (env.stage === 'prod' && parseCidr(c)?.prefix === 0) {
      issue(
        ctx,
        ['cluster', 'endpoint', 'publicAccessCidrs', i],
        c,
        'must not open the API to the whole internet in a prod-stage environment',
      );
    }
  });
  const admins = new Set<string>();
  cluster.admins.forEach((a, i) => {
    if (admins.has(a.principalArn))
      issue(ctx, ['cluster', 'admins', i, 'principalArn'], a.principalArn, 'is listed twice: EKS allows one access entry per principal');
    admins.add(a.principalArn);
  });
  // Rules the policy pack would fail after writing the output: refused here unless suppressed.
  // (a suppression scoped to the rule's layer; its construct path is matched by the policy gate)
  const suppressed = (rule: string, ...layers: string[]) =>
    env.guardrails.suppressions.some((s) => s.rule === rule && layers.includes(s.path.split('/')[0]));
  if (
    cluster.endpoint.publicAccess &&
    !allow.some((c) => parseCidr(c)?.prefix === 0) &&
    coversInternet(allow) &&
    !suppressed('GPB-AWS-012', 'cluster')
  ) {
    issue(
      ctx,
      ['cluster', 'endpoint', 'publicAccessCidrs'],
      allow,
      'together admit every IPv4 address, the same as 0.0.0.0/0 (GPB-AWS-012): list your own networks',
    );
  }
  if (env.stage === 'prod' && cluster.endpoint.publicAccess && !suppressed('GPB-AWS-013', 'cluster')) {
    issue(
      ctx,
      ['cluster', 'endpoint', 'publicAccess'],
      true,
      'must be false in a prod-stage environment (GPB-AWS-013): reach the API from inside the VPC, or suppress the rule with a reason (docs/policies.md)',
    );
  }
  const hasGpuCapacity = env.gpu.pools.length > 0 || env.gpu.nodeGroups.length > 0;
  if (env.stage !== 'dev' && hasGpuCapacity && env.budget === undefined && !suppressed('GPB-AI-002', 'gpu', 'cluster')) {
    issue(
      ctx,
      ['budget'],
      undefined,
      `is required in a ${env.stage}-stage environment with GPU capacity (GPB-AI-002): set budget.monthlyGpuUsd (npm run synth prints the capped cost)`,
    );
  }

  // Zones: explicit names must match the count and the region.
  network.availabilityZones?.forEach((az, i) => {
    if (!az.startsWith(env.region)) {
      issue(ctx, ['network', 'availabilityZones', i], az, `must be a zone of region '${env.region}'`);
    }
  });
  if (network.availabilityZones && network.availabilityZones.length !== network.azCount) {
    issue(ctx, ['network', 'availabilityZones'], network.availabilityZones, `must list exactly network.azCount (${network.azCount}) zones`);
  }

  // Subnets: explicit ones must fit the VPC and not overlap; computed ones must not be too small.
  if (network.subnets) {
    checkExplicitSubnets(network.subnets, network.azCount, vpc, ctx);
  } else if (defaultLayoutSmallestPrefix(vpc.prefix, network.azCount) > SMALLEST_SUBNET_PREFIX) {
    issue(
      ctx,
      ['network', 'cidr'],
      network.cidr,
      `is too small for ${network.azCount} zones: the computed public and data subnets would be smaller than /${SMALLEST_SUBNET_PREFIX}; use a larger VPC CIDR or set network.subnets`,
    );
  }

  // No NAT: nodes reach AWS APIs through endpoints only.
  if (network.natStrategy === 'none') {
    const missing = ENDPOINTS_REQUIRED_WITHOUT_NAT.filter((s) => !network.interfaceEndpoints.includes(s));
    if (missing.length > 0) {
      issue(
        ctx,
        ['network', 'interfaceEndpoints'],
        network.interfaceEndpoints,
        `must include ${missing.map((m) => `'${m}'`).join(', ')} when network.natStrategy is 'none' (nodes cannot join or pull images otherwise)`,
      );
    }
  }
  const seen = new Set<string>();
  network.interfaceEndpoints.forEach((s, i) => {
    if (seen.has(s)) issue(ctx, ['network', 'interfaceEndpoints', i], s, 'is listed twice');
    seen.add(s);
  });

  // Service CIDR: private range, not inside the VPC.
  const svc = parseCidr(cluster.serviceIpv4Cidr);
  if (svc) {
    const privateRanges = ['10.0.0.0/8', '172.16.0.0/12', '192.168.0.0/16'].map(mustParseCidr);
    if (!privateRanges.some((r) => cidrContains(r, svc)) || svc.prefix < 12 || svc.prefix > 24) {
      issue(
        ctx,
        ['cluster', 'serviceIpv4Cidr'],
        cluster.serviceIpv4Cidr,
        'must be a /12 to /24 inside 10.0.0.0/8, 172.16.0.0/12 or 192.168.0.0/16 (EKS rule)',
      );
    } else if (cidrsOverlap(svc, vpc)) {
      issue(ctx, ['cluster', 'serviceIpv4Cidr'], cluster.serviceIpv4Cidr, `must not overlap the VPC CIDR ${network.cidr}`);
    }
  }

  const support = supportProblem(cluster.kubernetesVersion, cluster.supportType, supportCheckDate());
  if (support) issue(ctx, ['cluster', 'kubernetesVersion'], cluster.kubernetesVersion, support);
  for (const problem of kubernetesCompatibilityProblems(
    cluster.kubernetesVersion,
    env.gpu.pools.map((p) => p.amiFamily),
  )) {
    issue(ctx, ['cluster', 'kubernetesVersion'], cluster.kubernetesVersion, problem);
  }
  // A rule written once can be reached from two places (a model name used twice is a schema
  // rule and a gateway routing rule): one report per field and message.
  const reported = new Set<string>();
  const report = (path: (string | number)[], input: unknown, message: string) => {
    const key = JSON.stringify([path, message]);
    if (reported.has(key)) return;
    reported.add(key);
    issue(ctx, path, input, message);
  };
  gpuRules(env.gpu, env.budget?.monthlyGpuUsd, report);
  dataRules(env.data, env.stage, report);
  servingRules(env.serving, env.gpu, report, env.stage, env.data.cache);
  observabilityRules(env.observability, env.stage, report);

  // System node group sizes.
  const ng = cluster.systemNodeGroup;
  if (ng.desiredSize < ng.minSize || ng.desiredSize > ng.maxSize) {
    issue(
      ctx,
      ['cluster', 'systemNodeGroup', 'desiredSize'],
      ng.desiredSize,
      `must be between minSize (${ng.minSize}) and maxSize (${ng.maxSize})`,
    );
  }
  if (ng.maxSize < ng.minSize) {
    issue(ctx, ['cluster', 'systemNodeGroup', 'maxSize'], ng.maxSize, `must be >= minSize (${ng.minSize})`);
  }
}

function checkExplicitSubnets(subnets: NonNullable<Unresolved['network']['subnets']>, azCount: number, vpc: Ipv4Cidr, ctx: Ctx): void {
  const placed: { path: (string | number)[]; text: string; cidr: Ipv4Cidr }[] = [];
  for (const tier of ['private', 'public', 'data'] as const) {
    const list = subnets[tier];
    if (list.length !== azCount) {
      issue(ctx, ['network', 'subnets', tier], list, `must list exactly network.azCount (${azCount}) CIDRs, one per zone`);
    }
    list.forEach((text, i) => {
      const c = parseCidr(text);
      if (!c) return; // already reported by the field schema
      const path = ['network', 'subnets', tier, i];
      if (!cidrContains(vpc, c)) {
        issue(ctx, path, text, 'must lie inside network.cidr');
      } else if (c.prefix > SMALLEST_SUBNET_PREFIX) {
        issue(ctx, path, text, `must be /${SMALLEST_SUBNET_PREFIX} or larger (AWS minimum subnet size)`);
      }
      const clash = placed.find((p) => cidrsOverlap(p.cidr, c));
      if (clash) {
        issue(ctx, path, text, `must not overlap ${clash.path.join('.')} (${clash.text})`);
      }
      placed.push({ path, text, cidr: c });
    });
  }
}
