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
