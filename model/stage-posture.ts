/** What kind of environment this is; policies are stricter for staging and prod. */
export type Stage = 'dev' | 'staging' | 'prod';

/**
 * Everything an environment's stage decides on its own, in one table: the schema copies the row
 * into EnvironmentConfig.posture, and stacks read that instead of comparing stages. A setting
 * that an environment file can also choose is a field with its default, not a row here.
 */
export interface StagePosture {
  /**
   * Stateful resources (cluster, buckets, databases, caches, secrets) carry prevent_destroy and
   * deletion protection: staging and prod hold data other teams depend on (GPB-AWS-060).
   */
  readonly protectState: boolean;
  /** The gateway's database keeps a standby in a second zone. */
  readonly multiAzDatabase: boolean;
  /** Encrypted volumes (Qdrant's) are kept when their claim is deleted. */
  readonly retainVolumes: boolean;
  /** Replicas of the platform controllers that do not depend on node count (collector gateway, KEDA). */
  readonly controllerReplicas: number;
}

export const STAGE_POSTURE: Readonly<Record<Stage, StagePosture>> = {
  dev: { protectState: false, multiAzDatabase: false, retainVolumes: false, controllerReplicas: 1 },
  staging: { protectState: true, multiAzDatabase: true, retainVolumes: true, controllerReplicas: 2 },
  prod: { protectState: true, multiAzDatabase: true, retainVolumes: true, controllerReplicas: 2 },
};
