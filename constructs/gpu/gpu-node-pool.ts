import { Manifest } from '@cdktf/provider-kubernetes/lib/manifest';
import { Construct } from 'constructs';
import { Token } from '../core/cdktf';
import { gpuPoolProblems } from '../../model/rules/gpu-pool';
import { throwProblems } from '../../model/rules/problem';
import { GPU_TAINT, gpuTolerations, type IGpuCapacity, POOL_LABEL, type Toleration } from '../../model/gpu-capacity';
import type { GpuInstanceType } from '../../model/gpu-instance-type';
import { AMI_ALIASES as PINNED_AMIS } from '../../model/pins';
import { DEFAULTS } from '../../model/defaults';

export type CapacityType = 'spot' | 'on-demand' | 'reserved';
export type GpuSharing = { mode: 'none' } | { mode: 'time-slicing'; replicas: number } | { mode: 'mig'; profile: string };

/** Pinned AMI releases per family (Karpenter aliases). Bump in a reviewed change. */
export const AMI_ALIASES = { al2023: PINNED_AMIS.al2023.alias, bottlerocket: PINNED_AMIS.bottlerocket.alias } as const;

/** Label the GPU operator reads to pick a pool's device plugin configuration. */
export const DEVICE_PLUGIN_CONFIG_LABEL = 'nvidia.com/device-plugin.config';
/** Label the GPU operator's MIG manager reads to partition a node's GPUs. */
export const MIG_CONFIG_LABEL = 'nvidia.com/mig.config';

export interface GpuNodePoolProps {
  /** NodePool and EC2NodeClass name. */
  readonly name: string;
  readonly instanceTypes: readonly GpuInstanceType[];
  readonly capacityTypes: readonly CapacityType[];
  /** Required cap on GPUs (NodePool `limits`). */
  readonly gpuLimit: number;
  /** Node role Karpenter passes to instances (name, not ARN). */
  readonly nodeRoleName: string;
  /** Cluster name for subnet discovery (`karpenter.sh/discovery`). */
  readonly clusterName: string;
  /** Security group of the nodes (the EKS cluster security group). */
  readonly securityGroupId: string;
  /** @default 'WhenEmptyOrUnderutilized' */
  readonly consolidationPolicy?: 'WhenEmpty' | 'WhenEmptyOrUnderutilized';
  /** @default 300 */
  readonly consolidateAfterSeconds?: number;
  /** @default '10%' */
  readonly disruptionBudget?: string;
  /** 0 = never. @default 720 */
  readonly expireAfterHours?: number;
  /** @default 'al2023' */
  readonly amiFamily?: 'al2023' | 'bottlerocket';
  /** @default 50 */
  readonly rootVolumeGiB?: number;
  /** @default 200 */
  readonly dataVolumeGiB?: number;
  /** @default false */
  readonly efa?: boolean;
  /** @default [] */
  readonly capacityReservationIds?: readonly string[];
  /** @default { mode: 'none' } */
  readonly sharing?: GpuSharing;
  /** @default - none */
  readonly weight?: number;
  /** @default {} */
  readonly labels?: Readonly<Record<string, string>>;
}

/**
 * GPU capacity that follows demand: a Karpenter NodePool (instance types, capacity types, a
 * required GPU limit, consolidation, disruption budget, expiry, the `nvidia.com/gpu` taint) and
 * its EC2NodeClass (pinned AMI, IMDSv2 with hop limit 1, encrypted gp3 volumes, local NVMe as
 * RAID0 for the image and model cache, optional capacity reservations). Custom resources: the
 * stack holding this must come after the one that installs Karpenter's CRDs.
 */
export class GpuNodePool extends Construct implements IGpuCapacity {
  /** The NodePool. */
  readonly resource: Manifest;
  readonly nodeClass: Manifest;
  readonly name: string;
  readonly instanceTypes: readonly GpuInstanceType[];
  readonly maxGpus: number;
  readonly gpuResourceName: string;
  readonly nodeSelector: Readonly<Record<string, string>>;
  readonly tolerations: readonly Toleration[];
  readonly interruptible: boolean;
  readonly efa: boolean;
  readonly kind = 'pool';
  readonly sharing: GpuSharing;

  constructor(scope: Construct, id: string, props: GpuNodePoolProps) {
    super(scope, id);
    validate(props);
    const sharing = props.sharing ?? { mode: 'none' };
    const amiFamily = props.amiFamily ?? DEFAULTS.gpuPool.amiFamily;
    this.name = props.name;
    this.instanceTypes = props.instanceTypes;
    this.maxGpus = props.gpuLimit;
    this.sharing = sharing;
    this.gpuResourceName = sharing.mode === 'mig' ? migResourceName(sharing.profile) : props.instanceTypes[0].gpuModel.resourceName;
    this.nodeSelector = { 'karpenter.sh/nodepool': props.name };
    this.tolerations = gpuTolerations();
    this.interruptible = props.capacityTypes.every((c) => c === 'spot');
    this.efa = props.efa ?? DEFAULTS.gpuPool.efa;

    const rootGiB = props.rootVolumeGiB ?? DEFAULTS.gpuPool.rootVolumeGiB;
    const dataGiB = props.dataVolumeGiB ?? DEFAULTS.gpuPool.dataVolumeGiB;
    const ebs = (sizeGiB: number) => ({ volumeSize: `${sizeGiB}Gi`, volumeType: 'gp3', encrypted: true, deleteOnTermination: true });
    this.nodeClass = new Manifest(this, 'NodeClass', {
      manifest: {
        apiVersion: 'karpenter.k8s.aws/v1',
        kind: 'EC2NodeClass',
        metadata: { name: props.name, labels: { 'app.kubernetes.io/managed-by': 'gpu-platform-blueprint' } },
        spec: {
          role: props.nodeRoleName,
          amiSelectorTerms: [{ alias: AMI_ALIASES[amiFamily] }],
          subnetSelectorTerms: [{ tags: { 'karpenter.sh/discovery': props.clusterName } }],
          securityGroupSelectorTerms: [{ id: props.securityGroupId }],
          metadataOptions: { httpEndpoint: 'enabled', httpProtocolIPv6: 'disabled', httpPutResponseHopLimit: 1, httpTokens: 'required' },
          // AL2023 keeps images on the root volume; Bottlerocket has a separate data volume.
          blockDeviceMappings:
            amiFamily === 'al2023'
              ? [{ deviceName: '/dev/xvda', ebs: ebs(rootGiB + dataGiB) }]
              : [
                  { deviceName: '/dev/xvda', ebs: ebs(Math.min(rootGiB, 20)) },
                  { deviceName: '/dev/xvdb', ebs: ebs(dataGiB) },
                ],
          instanceStorePolicy: 'RAID0',
          ...(props.capacityReservationIds?.length
            ? { capacityReservationSelectorTerms: props.capacityReservationIds.map((id) => ({ id })) }
            : {}),
          ...(amiFamily === 'bottlerocket' && sharing.mode === 'time-slicing'
            ? { userData: bottlerocketTimeSlicing(sharing.replicas) }
            : {}),
          tags: { [POOL_LABEL]: props.name },
        },
      },
    });

    const labels: Record<string, string> = {
      ...props.labels,
      [POOL_LABEL]: props.name,
      'gpb.io/gpu': 'true',
      ...(props.efa ? { 'gpb.io/efa': 'true' } : {}),
      ...(amiFamily === 'al2023' ? { [DEVICE_PLUGIN_CONFIG_LABEL]: sharing.mode === 'time-slicing' ? props.name : 'default' } : {}),
      ...(sharing.mode === 'mig' ? { [MIG_CONFIG_LABEL]: sharing.profile } : {}),
      // Bottlerocket ships its own NVIDIA device plugin; the GPU operator must not add another.
      ...(amiFamily === 'bottlerocket'
        ? {
            'nvidia.com/gpu.deploy.device-plugin': 'false',
            'nvidia.com/gpu.deploy.driver': 'false',
            'nvidia.com/gpu.deploy.container-toolkit': 'false',
          }
        : {}),
    };
    const expire = props.expireAfterHours ?? DEFAULTS.gpuPool.expireAfterHours;
    this.resource = new Manifest(this, 'Resource', {
      manifest: {
        apiVersion: 'karpenter.sh/v1',
        kind: 'NodePool',
        metadata: { name: props.name, labels: { 'app.kubernetes.io/managed-by': 'gpu-platform-blueprint' } },
        spec: {
          ...(props.weight !== undefined ? { weight: props.weight } : {}),
          template: {
            metadata: { labels },
            spec: {
              nodeClassRef: { group: 'karpenter.k8s.aws', kind: 'EC2NodeClass', name: props.name },
              requirements: [
                { key: 'node.kubernetes.io/instance-type', operator: 'In', values: props.instanceTypes.map((t) => t.name) },
                { key: 'karpenter.sh/capacity-type', operator: 'In', values: [...props.capacityTypes] },
                { key: 'kubernetes.io/arch', operator: 'In', values: ['amd64'] },
              ],
              taints: [{ key: GPU_TAINT.key, value: GPU_TAINT.value, effect: GPU_TAINT.effect }],
              expireAfter: expire === 0 ? 'Never' : `${expire}h`,
            },
          },
          limits: { 'nvidia.com/gpu': String(props.gpuLimit) },
          disruption: {
            consolidationPolicy: props.consolidationPolicy ?? DEFAULTS.gpuPool.consolidationPolicy,
            consolidateAfter: `${props.consolidateAfterSeconds ?? DEFAULTS.gpuPool.consolidateAfterSeconds}s`,
            budgets: [{ nodes: props.disruptionBudget ?? DEFAULTS.gpuPool.disruptionBudget }],
          },
        },
      },
      dependsOn: [this.nodeClass],
    });
  }

  schedulableGpusPerNode(type: GpuInstanceType): number {
    return this.sharing.mode === 'time-slicing' ? type.gpus * this.sharing.replicas : type.gpus;
  }
}

function validate(p: GpuNodePoolProps): void {
  // The pool's rules are written once in model/rules/gpu-pool.ts (the environment schema reports
  // the same ones); a token-valued cap is checked by Terraform, not here.
  const problems = gpuPoolProblems({
    name: p.name,
    instanceTypes: p.instanceTypes,
    capacityTypes: p.capacityTypes,
    capacityReservationIds: p.capacityReservationIds ?? [],
    gpuLimit: p.gpuLimit,
    efa: p.efa ?? false,
    sharing: p.sharing ?? { mode: 'none' },
    amiFamily: p.amiFamily ?? 'al2023',
  });
  throwProblems(`GpuNodePool '${p.name}'`, Token.isUnresolved(p.gpuLimit) ? problems.filter((x) => x.field[0] !== 'gpuLimit') : problems);
}

/** `all-1g.10gb` -> `nvidia.com/mig-1g.10gb` (single strategy keeps `nvidia.com/gpu` for mixed profiles). */
function migResourceName(profile: string): string {
  const m = /^all-(\d+g\.\d+gb)$/.exec(profile);
  return m ? `nvidia.com/mig-${m[1]}` : 'nvidia.com/gpu';
}

function bottlerocketTimeSlicing(replicas: number): string {
  return [
    '[settings.kubelet-device-plugins.nvidia]',
    'device-sharing-strategy = "time-slicing"',
    '[settings.kubelet-device-plugins.nvidia.time-slicing]',
    `replicas = ${replicas}`,
    'rename-by-default = false',
    '',
  ].join('\n');
}
