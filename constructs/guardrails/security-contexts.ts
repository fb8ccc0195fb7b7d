/**
 * Security contexts that meet the restricted Pod Security level (Kubernetes "Pod Security
 * Standards"), for the values of charts released into restricted namespaces. A chart's own
 * keys beside these (External Secrets' `enabled`) are added by the caller.
 */

/** A pod that runs as a non-root user under the runtime's default seccomp profile. */
export const RESTRICTED_POD = { runAsNonRoot: true, seccompProfile: { type: 'RuntimeDefault' } } as const;

/** A container with no privilege escalation, no capabilities and a read-only root filesystem. */
export const RESTRICTED_CONTAINER = {
  runAsNonRoot: true,
  allowPrivilegeEscalation: false,
  capabilities: { drop: ['ALL'] },
  readOnlyRootFilesystem: true,
  seccompProfile: { type: 'RuntimeDefault' },
} as const;

/** The user and group a workload's image runs as. */
export interface ImageUser {
  readonly uid: number;
  readonly gid: number;
}

/**
 * The pod security context of every workload the blueprint runs itself: restricted (non-root,
 * the runtime's seccomp profile), as the image's own user; `fsGroup` when mounted volumes must be
 * writable by it. Key order is part of the synthesized output: keep it.
 */
export function restrictedPodSecurity(user: ImageUser, options: { readonly fsGroup?: number } = {}) {
  return {
    runAsNonRoot: true,
    runAsUser: user.uid,
    runAsGroup: user.gid,
    ...(options.fsGroup === undefined ? {} : { fsGroup: options.fsGroup }),
    seccompProfile: { type: 'RuntimeDefault' },
  } as const;
}

/**
 * The container security context of every workload the blueprint runs itself: no privilege
 * escalation, no capabilities, and a read-only root filesystem unless `writableRoot` says why
 * the program writes outside its mounted volumes (a difference stated where it is made).
 */
export function restrictedContainerSecurity(options: { readonly writableRoot?: string } = {}) {
  return {
    allowPrivilegeEscalation: false,
    ...(options.writableRoot === undefined ? { readOnlyRootFilesystem: true } : {}),
    capabilities: { drop: ['ALL'] },
  } as const;
}
