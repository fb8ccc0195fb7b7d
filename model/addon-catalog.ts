/**
 * EKS managed add-on versions, pinned per Kubernetes minor version.
 *
 * Pinned rather than "most recent" so that synth is deterministic and a version bump is a
 * reviewed diff. Refresh with:
 *   aws eks describe-addon-versions --kubernetes-version 1.33 \
 *     --query 'addons[].[addonName, addonVersions[0].addonVersion]'
 */
export const ADDON_VERSIONS = {
  '1.32': {
    'vpc-cni': 'v1.19.2-eksbuild.1',
    coredns: 'v1.11.4-eksbuild.2',
    'kube-proxy': 'v1.32.0-eksbuild.2',
    'eks-pod-identity-agent': 'v1.3.4-eksbuild.1',
    'aws-ebs-csi-driver': 'v1.38.1-eksbuild.2',
  },
  '1.33': {
    'vpc-cni': 'v1.19.5-eksbuild.1',
    coredns: 'v1.12.1-eksbuild.2',
    'kube-proxy': 'v1.33.0-eksbuild.2',
    'eks-pod-identity-agent': 'v1.3.7-eksbuild.2',
    'aws-ebs-csi-driver': 'v1.44.0-eksbuild.1',
  },
  // No AWS API here, so these are the versions published for 1.35 as read offline
  // (docs/deploy.md, "Kubernetes versions", names each source); the pins workflow confirms them
  // with describe-addon-versions before a deploy. 1.34 is skipped: its standard support ends
  // on 2026-12-02. The reference environments run 1.35.
  '1.35': {
    'vpc-cni': 'v1.22.4-eksbuild.3',
    coredns: 'v1.13.2-eksbuild.4',
    'kube-proxy': 'v1.35.3-eksbuild.2',
    'eks-pod-identity-agent': 'v1.3.10-eksbuild.3',
    'aws-ebs-csi-driver': 'v1.66.0-eksbuild.1',
  },
} as const satisfies Record<string, Record<AddonName, string>>;

export type AddonName = 'vpc-cni' | 'coredns' | 'kube-proxy' | 'eks-pod-identity-agent' | 'aws-ebs-csi-driver';

/** Kubernetes minor versions this blueprint has pinned add-ons for. */
export type KubernetesVersion = keyof typeof ADDON_VERSIONS;

export const KUBERNETES_VERSIONS = Object.keys(ADDON_VERSIONS) as [KubernetesVersion, ...KubernetesVersion[]];
