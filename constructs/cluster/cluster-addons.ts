import { EksAddon } from '@cdktf/provider-aws/lib/eks-addon';
import { Construct } from 'constructs';
import type { ITerraformDependable } from '../core/cdktf';
import { ADDON_VERSIONS, type AddonName } from '../../model/addon-catalog';
import type { EksCluster } from './eks-cluster';
import { PodIdentityRole } from './pod-identity-role';

/** The VPC CNI add-on's configuration key that turns on NetworkPolicy enforcement. */
export const VPC_CNI_NETWORK_POLICY_KEY = 'enableNetworkPolicy';

export interface ClusterAddonsProps {
  readonly cluster: EksCluster;
  /** Add-ons that run as Deployments wait for these (the node group). */
  readonly nodes: ITerraformDependable;
  /** Permissions boundary for the add-ons' roles. @default - none */
  readonly permissionsBoundaryArn?: string;
}

/**
 * The core EKS managed add-ons at versions pinned per Kubernetes version
 * (see addon-catalog.ts): VPC CNI, kube-proxy, CoreDNS, the Pod Identity agent and the EBS CSI
 * driver. The CNI and the CSI driver get their AWS permissions through Pod Identity, not the
 * node role.
 */
export class ClusterAddons extends Construct {
  /** The add-ons by name. */
  readonly addons: Readonly<Record<AddonName, EksAddon>>;
  /**
   * What a node needs before it can become Ready: the VPC CNI (pod networking), kube-proxy and
   * the Pod Identity agent (the CNI's credentials). Node groups start after these, as
   * terraform-aws-eks does with `before_compute`; DaemonSets are ACTIVE with no nodes.
   */
  readonly beforeNodes: readonly EksAddon[];

  constructor(scope: Construct, id: string, props: ClusterAddonsProps) {
    super(scope, id);
    const { cluster } = props;
    const versions = ADDON_VERSIONS[cluster.kubernetesVersion];
    const roleFor = (rid: string, serviceAccount: string, policy: string) =>
      new PodIdentityRole(this, rid, {
        cluster,
        identity: { namespace: 'kube-system', serviceAccount },
        managedPolicies: [policy],
        permissionsBoundaryArn: props.permissionsBoundaryArn,
        associate: false,
      });

    const podIdentityAgent = this.addon('eks-pod-identity-agent', versions, cluster);
    const cniRole = roleFor('VpcCniRole', 'aws-node', 'AmazonEKS_CNI_Policy');
    const ebsRole = roleFor('EbsCsiRole', 'ebs-csi-controller-sa', 'service-role/AmazonEBSCSIDriverPolicy');
    this.addons = {
      'eks-pod-identity-agent': podIdentityAgent,
      'vpc-cni': this.addon('vpc-cni', versions, cluster, {
        podIdentityAssociation: [{ roleArn: cniRole.roleArn, serviceAccount: 'aws-node' }],
        // NetworkPolicies are inert unless the VPC CNI's policy agent enforces them; the add-on
        // leaves it off by default (EKS user guide, "Configure your cluster for Kubernetes
        // network policies"). The platform layer's default-deny policies depend on this.
        configurationValues: JSON.stringify({ [VPC_CNI_NETWORK_POLICY_KEY]: 'true' }),
        dependsOn: [podIdentityAgent],
      }),
      'kube-proxy': this.addon('kube-proxy', versions, cluster),
      coredns: this.addon('coredns', versions, cluster, { dependsOn: [props.nodes] }),
      'aws-ebs-csi-driver': this.addon('aws-ebs-csi-driver', versions, cluster, {
        podIdentityAssociation: [{ roleArn: ebsRole.roleArn, serviceAccount: 'ebs-csi-controller-sa' }],
        dependsOn: [props.nodes, podIdentityAgent],
      }),
    };
    this.beforeNodes = [this.addons['vpc-cni'], this.addons['kube-proxy'], podIdentityAgent];
  }

  private addon(
    name: AddonName,
    versions: Readonly<Record<AddonName, string>>,
    cluster: EksCluster,
    extra: Partial<ConstructorParameters<typeof EksAddon>[2]> = {},
  ): EksAddon {
    return new EksAddon(this, name, {
      clusterName: cluster.clusterName,
      addonName: name,
      addonVersion: versions[name],
      resolveConflictsOnCreate: 'OVERWRITE',
      resolveConflictsOnUpdate: 'PRESERVE',
      ...extra,
    });
  }
}
