/**
 * Every external pin of the blueprint in one place: Helm charts (with their repository),
 * container images, AMI aliases. Each names where its existence and contents were checked and
 * when; a bump is a reviewed change to one entry here (docs/pins.md says how).
 *
 * Pure data: no cdktf or provider imports (constructs, policy rules, tests and the pins
 * workflow all read it). EKS add-on versions live beside it in
 * model/addon-catalog.ts, per Kubernetes version.
 */

/** Where a pin was checked, and on which day. */
export interface PinCheck {
  /** The upstream source: repository and tag or file, or a chart index. */
  readonly source: string;
  /** ISO date of the check. */
  readonly checked: string;
  /** What could not be checked offline; the pins workflow checks it on a runner with network. */
  readonly unverified?: string;
}

/** The value paths of a chart's pod and container security contexts (restricted namespaces). */
export interface ChartSecurityContexts {
  /** Paths (dot-separated) of each pod-level securityContext the chart renders. */
  readonly pod: readonly string[];
  /** Paths of each container-level securityContext. */
  readonly container: readonly string[];
}

export interface ChartPin extends PinCheck {
  /** `https://...` chart repository or `oci://...` registry. */
  readonly repository: string;
  readonly chart: string;
  readonly version: string;
  /** The chart's appVersion at that version. */
  readonly appVersion: string;
  /**
   * For charts released into namespaces that enforce the restricted Pod Security level: where
   * the chart reads every security context it renders (its values.yaml at `version`). GPB-K8S-014
   * requires each to be set explicitly.
   */
  readonly securityContexts?: ChartSecurityContexts;
  /** The Kubernetes minor versions this release supports, where its project publishes them. */
  readonly kubernetes?: KubernetesRange;
}

/**
 * The Kubernetes minor versions a pinned release declares support for, and where that was read.
 * Validation refuses an environment whose `cluster.kubernetesVersion` is outside the range of
 * any pin that has one (model/kubernetes-support.ts, kubernetesCompatibilityProblems).
 */
export interface KubernetesRange {
  readonly versions: readonly string[];
  readonly source: string;
}

/**
 * Karpenter's published chart at a release is built from the release branch's "Stable Release
 * updates" commit, not from the tag: the tag v1.14.1 still carries Chart.yaml 1.13.0 and the
 * 1.13.0 controller image.
 */
const KARPENTER_RELEASE =
  'aws/karpenter-provider-aws branch release-v1.14.1, commit c88abbbad455 ("Stable Release updates Release v1.14.1")';

const KARPENTER_1_14_KUBERNETES: KubernetesRange = {
  // The matrix lists, per Kubernetes minor, the oldest Karpenter that supports it: 1.35 needs
  // >= 1.9, 1.36 >= 1.13; it starts at 1.30.
  versions: ['1.30', '1.31', '1.32', '1.33', '1.34', '1.35', '1.36'],
  source: `${KARPENTER_RELEASE}: website/content/en/docs/upgrading/compatibility.md (compatibility matrix; read 2026-12-02)`,
};

export interface ImagePin extends PinCheck {
  readonly repository: string;
  readonly tag: string;
}

const INDEXES = 'chart repository index.yaml (generated August 2026, ../shared/upstream/published-chart-versions.json)';

export const CHARTS = {
  openTelemetryCollector: {
    repository: 'https://open-telemetry.github.io/opentelemetry-helm-charts',
    chart: 'opentelemetry-collector',
    // 0.158.3 was never published (only an unmerged pull request branch has it).
    version: '0.158.2',
    appVersion: '0.153.0',
    source: `${INDEXES}; values.yaml and values.schema.json of the chart at 0.158.2`,
    checked: '2026-12-01',
  },
  externalSecrets: {
    repository: 'https://charts.external-secrets.io',
    chart: 'external-secrets',
    version: '0.19.2',
    appVersion: 'v0.19.2',
    source: `${INDEXES}; values.yaml and values.schema.json of the chart at 0.19.2`,
    checked: '2026-12-01',
    securityContexts: {
      pod: ['podSecurityContext', 'webhook.podSecurityContext', 'certController.podSecurityContext'],
      container: ['securityContext', 'webhook.securityContext', 'certController.securityContext'],
    },
  },
  karpenterCrd: {
    repository: 'oci://public.ecr.aws/karpenter',
    chart: 'karpenter-crd',
    version: '1.14.1',
    appVersion: '1.14.1',
    // 1.14 adds the autoscaling.x-k8s.io CapacityBuffer CRD to this chart; NodePool and
    // EC2NodeClass v1 only gain fields and enum values against 1.8.1 (compared property by property).
    source: `${KARPENTER_RELEASE}: charts/karpenter-crd/Chart.yaml and templates/`,
    checked: '2026-12-02',
    kubernetes: KARPENTER_1_14_KUBERNETES,
  },
  karpenter: {
    repository: 'oci://public.ecr.aws/karpenter',
    chart: 'karpenter',
    version: '1.14.1',
    appVersion: '1.14.1',
    // Every value the blueprint sets is in values.yaml there; the controller policy is held to the
    // reference policy of the same commit (test/upstream/facts/karpenter-1.14.1-controller-policy.json).
    source: `${KARPENTER_RELEASE}: charts/karpenter/Chart.yaml, values.yaml (controller image 1.14.1); upgrade notes 1.9 to 1.14 in website/content/en/docs/upgrading/upgrade-guide.md`,
    checked: '2026-12-02',
    kubernetes: KARPENTER_1_14_KUBERNETES,
  },
  keda: {
    repository: 'https://kedacore.github.io/charts',
    chart: 'keda',
    // Each KEDA release is tested on three Kubernetes minors: 2.18 on 1.31-1.33, 2.20 on 1.33-1.35.
    version: '2.20.2',
    appVersion: '2.20.2',
    source:
      'kedacore/charts v2.20.2 keda/Chart.yaml and keda/values.yaml (every value the blueprint sets is there; against v2.18.3 values only gain keys); CRDs against v2.18.3: new fields, enum values and validations only (ScaledObject: minReplicaCount <= maxReplicaCount, minimums on counts and periods)',
    checked: '2026-12-02',
    kubernetes: {
      versions: ['1.33', '1.34', '1.35'],
      source: 'kedacore/keda-docs content/docs/2.20/operate/cluster.md, "Kubernetes Compatibility" (commit a55c5d345e2c, 2026-08-20)',
    },
    securityContexts: {
      pod: ['podSecurityContext.operator', 'podSecurityContext.metricServer', 'podSecurityContext.webhooks'],
      container: ['securityContext.operator', 'securityContext.metricServer', 'securityContext.webhooks'],
    },
  },
  gpuOperator: {
    repository: 'https://helm.ngc.nvidia.com/nvidia',
    chart: 'gpu-operator',
    version: 'v25.3.2',
    appVersion: 'v25.3.2',
    source:
      'NVIDIA/gpu-operator v25.3.2 deployments/gpu-operator/values.yaml (the tag carries Chart.yaml version v1.0.0-devel; the published package is v25.3.2)',
    checked: '2026-12-01',
  },
  qdrant: {
    repository: 'https://qdrant.github.io/qdrant-helm',
    chart: 'qdrant',
    version: '1.15.4',
    appVersion: 'v1.15.4',
    source: `${INDEXES}; values.yaml of the chart at 1.15.4`,
    checked: '2026-12-01',
    securityContexts: { pod: ['podSecurityContext'], container: ['containerSecurityContext'] },
  },
  efaDevicePlugin: {
    repository: 'https://aws.github.io/eks-charts',
    chart: 'aws-efa-k8s-device-plugin',
    version: 'v0.5.7',
    appVersion: 'v0.5.4',
    source: `${INDEXES}; values.yaml of the chart at v0.5.7`,
    checked: '2026-12-01',
  },
  loadBalancerController: {
    repository: 'https://aws.github.io/eks-charts',
    chart: 'aws-load-balancer-controller',
    version: '1.13.0',
    appVersion: 'v2.13.0',
    source: `${INDEXES}; values.yaml of the chart at 1.13.0`,
    checked: '2026-12-01',
  },
  leaderWorkerSet: {
    repository: 'oci://registry.k8s.io/lws/charts',
    chart: 'lws',
    version: '0.7.0',
    appVersion: 'v0.7.0',
    source: 'kubernetes-sigs/lws v0.7.0 charts/lws/values.yaml (the tag carries Chart.yaml version 0.1.0; the OCI package is 0.7.0)',
    checked: '2026-12-01',
  },
} as const satisfies Record<string, ChartPin>;

export const IMAGES = {
  openTelemetryCollector: {
    repository: 'otel/opentelemetry-collector-contrib',
    tag: '0.153.0',
    source: 'appVersion of the opentelemetry-collector chart 0.158.2',
    checked: '2026-12-01',
  },
  qdrant: {
    repository: 'qdrant/qdrant',
    tag: 'v1.15.4',
    source: 'appVersion of the qdrant chart 1.15.4',
    checked: '2026-12-01',
  },
  vllm: {
    repository: 'vllm/vllm-openai',
    tag: 'v0.10.1.1',
    source: 'vllm-project/vllm release v0.10.1.1',
    checked: '2026-11-27',
    unverified: 'the tag in the registry and its digest (pins workflow)',
  },
  triton: {
    repository: 'nvcr.io/nvidia/tritonserver',
    tag: '25.08-py3',
    source: 'NVIDIA Triton Inference Server release notes 25.08',
    checked: '2026-11-27',
    unverified: 'the tag in the registry and its digest (pins workflow)',
  },
  awsCli: {
    repository: 'public.ecr.aws/aws-cli/aws-cli',
    tag: '2.27.49',
    // EKS Pod Identity needs AWS CLI >= 2.15.0 (EKS user guide, pod-id-minimum-sdk).
    source:
      'aws/aws-cli v2 .changes/2.27.49.json (the release exists); EKS user guide "Use pod identity with the AWS SDK" (AWS CLI 2.15.0 or later)',
    checked: '2026-12-01',
    unverified: 'the tag in the registry and its digest (pins workflow)',
  },
  leaderWorkerSet: {
    repository: 'registry.k8s.io/lws/lws',
    tag: 'v0.7.0',
    source: 'kubernetes-sigs/lws release v0.7.0 (the controller image of the release; the chart at the tag defaults to tag main)',
    checked: '2026-12-01',
    unverified: 'the tag in the registry and its digest (pins workflow)',
  },
  litellm: {
    // The non_root variant (docker/Dockerfile.non_root: USER nobody, uid/gid 65534, HOME /app,
    // Prisma generated at build time) is the image LiteLLM publishes for running as non-root
    // with a database; the default image has failed Prisma writes as non-root.
    repository: 'ghcr.io/berriai/litellm-non_root',
    tag: 'v1.102.4',
    source:
      'BerriAI/litellm-docs release_notes/v1.102.4/index.md (2026-10-07; published as ghcr.io/berriai/litellm:v1.102.4, patch on v1.102.3, no migrations or breaking changes); BerriAI/litellm docker/Dockerfile.non_root',
    checked: '2026-12-02',
    unverified: 'the non_root tag in the registry and its digest (pins workflow)',
  },
} as const satisfies Record<string, ImagePin>;

/** The user the gateway image runs as (docker/Dockerfile.non_root: `USER nobody`, wolfi's 65534). */
export const LITELLM_USER = { uid: 65534, gid: 65534 } as const;

/**
 * Settings the gateway's configuration relies on, with the LiteLLM release each arrived in:
 * the pinned release must have every one (a release without one ignores it, or passes it on
 * to the Redis client and fails at start).
 */
export const LITELLM_FEATURES = [
  {
    setting: 'general_settings.coordination_redis.aws_iam_* (ElastiCache IAM authentication)',
    since: '1.102.0',
    source:
      'BerriAI/litellm-docs release_notes/v1.102.0 ("Authenticate to Amazon ElastiCache using IAM credentials", PR #38413); docs proxy caching_redis "Supported fields" of coordination_redis',
  },
  {
    setting: 'litellm_settings.cache_params.semantic_cache_scope',
    since: '1.100.5',
    source: 'BerriAI/litellm-docs release_notes/v1.100.5 and v1.101.0 (PR #39590: key or end_user, default key)',
  },
] as const;

/**
 * LiteLLM releases never to pin: 1.82.7 and 1.82.8 carried a credential stealer (PyPI, 24 March
 * 2026; LiteLLM's security update of March 2026); a public self-audit tool names 1.107.0 as
 * compromised too.
 */
export const LITELLM_WITHDRAWN = ['1.82.7', '1.82.8', '1.107.0'] as const;

const versionParts = (v: string): number[] => v.replace(/^v/, '').split(/[.-]/).slice(0, 3).map(Number);
const atLeast = (v: string, min: string): boolean => {
  const [a, b] = [versionParts(v), versionParts(min)];
  for (let i = 0; i < 3; i++) if ((a[i] ?? 0) !== (b[i] ?? 0)) return (a[i] ?? 0) > (b[i] ?? 0);
  return true;
};

/** Why a LiteLLM tag cannot serve the gateway's configuration: one line per problem. */
export const litellmPinProblems = (tag: string): string[] => {
  if (!/^v\d+\.\d+\.\d+$/.test(tag)) return [`LiteLLM tag ${JSON.stringify(tag)} is not a release tag vX.Y.Z`];
  const version = tag.slice(1);
  return [
    ...(LITELLM_WITHDRAWN.some((w) => w === version) ? [`LiteLLM ${version} is a compromised release (never pin it)`] : []),
    ...LITELLM_FEATURES.filter((f) => !atLeast(version, f.since)).map(
      (f) => `LiteLLM ${version} predates ${f.since}, which brought ${f.setting}`,
    ),
  ];
};

export interface EnginePin extends PinCheck {
  readonly engine: string;
  /** What engine_version says: a major (or major.minor) version where AWS applies the rest. */
  readonly version: string;
}

/**
 * Managed database and cache engines. With automatic minor upgrades on, the pin names only what
 * AWS does not change by itself: a full version would make every plan after AWS's first upgrade
 * try a downgrade it refuses.
 */
export const ENGINES = {
  auroraPostgres: {
    engine: 'aurora-postgresql',
    version: '16',
    source:
      'hashicorp/terraform-provider-aws #20211 (aws_rds_cluster compares engine_version with engine_version_actual; acceptance test OnlyMajorVersion); 16.6 was the earlier full pin (0-ACU auto-pause needs 16.3+)',
    checked: '2026-12-01',
  },
  rdsPostgres: {
    engine: 'postgres',
    version: '17',
    source:
      'aws_db_instance docs of the provider: with auto_minor_version_upgrade a version prefix may be given, the running one is engine_version_actual (#20207); 17.5 was the earlier full pin',
    checked: '2026-12-01',
  },
  valkey: {
    engine: 'valkey',
    version: '8.2',
    source: 'ElastiCache for Valkey 8.2 (vector search, which the semantic cache needs), as pinned and checked on 2026-11-27',
    checked: '2026-11-27',
  },
} as const satisfies Record<string, EnginePin>;

/** Karpenter AMI aliases (EC2NodeClass amiSelectorTerms). */
export const AMI_ALIASES = {
  al2023: {
    // v20260714 publishes AL2023 standard and NVIDIA AMIs for Kubernetes 1.30 to 1.36 (its
    // CHANGELOG entry lists amazon-eks-node-al2023-x86_64-nvidia-<k8s>-v20260714 for each);
    // v20250715, the earlier pin, had none for 1.34 or 1.35.
    alias: 'al2023@v20260714',
    source: 'awslabs/amazon-eks-ami CHANGELOG.md, "AMI Release v20260714" (tag v20260724 tree)',
    checked: '2026-12-02',
    kubernetes: {
      versions: ['1.30', '1.31', '1.32', '1.33', '1.34', '1.35', '1.36'],
      source: 'awslabs/amazon-eks-ami CHANGELOG.md, AMI Release v20260714: one "Kubernetes 1.x" section per version',
    },
  },
  bottlerocket: {
    alias: 'bottlerocket@v1.43.0',
    source: 'bottlerocket-os/bottlerocket release v1.43.0',
    checked: '2026-11-27',
    unverified:
      'which aws-k8s-1.x-nvidia variants v1.43.0 ships (the stored bottlerocket CHANGELOG ends in 2024; pins workflow: ssm get-parameter)',
  },
} as const satisfies Record<string, PinCheck & { alias: string; kubernetes?: KubernetesRange }>;

/** `repository:tag` of an image pin. */
export const imageRef = (image: ImagePin): string => `${image.repository}:${image.tag}`;
