import { DbSubnetGroup } from '@cdktf/provider-aws/lib/db-subnet-group';
import { KmsKey } from '@cdktf/provider-aws/lib/kms-key';
import { RdsCluster } from '@cdktf/provider-aws/lib/rds-cluster';
import { RdsClusterInstance } from '@cdktf/provider-aws/lib/rds-cluster-instance';
import { RdsClusterParameterGroup } from '@cdktf/provider-aws/lib/rds-cluster-parameter-group';
import { Construct } from 'constructs';
import type { PodIdentityRole } from '../cluster/pod-identity-role';
import { AwsContext } from '../core/aws-context';
import { BlueprintError } from '../../model/errors';
import { createDataSecurityGroup } from './data-security-group';
import { deletionSettings } from './final-snapshot';
import {
  createClientRoles,
  type DataServiceProps,
  type ClientAdmission,
  type IVectorStore,
  type VectorStoreCredentials,
} from './vector-store';
import { ENGINES } from '../../model/pins';
import { DEFAULTS } from '../../model/defaults';

/**
 * Pinned major engine version; AWS applies minor versions (auto_minor_version_upgrade), so the
 * pin names only the major: a full `16.6` would make every plan after AWS's first minor upgrade
 * try a downgrade. The provider compares a partial version with `engine_version_actual`
 * (hashicorp/terraform-provider-aws #20211). pgvector ships with it; 0-ACU auto-pause needs
 * 16.3 or newer, which every 16.x AWS still creates is.
 */
export const AURORA_POSTGRES_VERSION = ENGINES.auroraPostgres.version;
export const VECTOR_DATABASE = 'vectors';
/** The database user clients log in as with IAM authentication (created by the schema migration). */
export const VECTOR_DB_USER = 'gpb_app';

export interface AuroraVectorStoreProps extends DataServiceProps {
  readonly region: string;
  readonly minCapacityAcu: number;
  readonly maxCapacityAcu: number;
  /** @default 1 */
  readonly instances?: number;
  /** @default 7 */
  readonly backupRetentionDays?: number;
  /** Used when minCapacityAcu is 0. @default 600 */
  readonly autoPauseSeconds?: number;
}

/**
 * pgvector on Aurora PostgreSQL Serverless v2: KMS-encrypted storage, master password generated
 * and rotated by Secrets Manager (never in configuration or state), IAM database authentication
 * for clients (each through its own Pod Identity role), TLS required, backups, and, when
 * protected, deletion protection with a final snapshot.
 */
export class AuroraVectorStore extends Construct implements IVectorStore {
  readonly engine = 'aurora-pgvector' as const;
  readonly resource: RdsCluster;
  readonly endpoint: string;
  readonly port = 5432;
  readonly credentials: VectorStoreCredentials = { kind: 'iam-database-auth', databaseName: VECTOR_DATABASE, username: VECTOR_DB_USER };
  readonly securityGroupId: string;
  readonly admission: ClientAdmission;
  readonly clientRoles: ReadonlyMap<string, PodIdentityRole>;

  constructor(scope: Construct, id: string, props: AuroraVectorStoreProps) {
    super(scope, id);
    if (props.maxCapacityAcu < props.minCapacityAcu) {
      throw new BlueprintError(
        `AuroraVectorStore '${props.name}': 'maxCapacityAcu' (${props.maxCapacityAcu}) must be >= 'minCapacityAcu' (${props.minCapacityAcu})`,
      );
    }
    const aws = AwsContext.of(this);
    const protect = props.protect ?? false;
    const key = new KmsKey(this, 'Key', { description: `Aurora ${props.name}`, enableKeyRotation: true, deletionWindowInDays: 30 });
    const sg = createDataSecurityGroup(this, {
      name: `${props.name}-aurora`,
      vpcId: props.vpcId,
      port: this.port,
      clientSecurityGroupId: props.cluster.clusterSecurityGroupId,
      description: 'Aurora pgvector: PostgreSQL from the EKS cluster only',
    });
    this.securityGroupId = sg.id;
    this.admission = { kind: 'security-group', id: sg.id };
    const subnets = new DbSubnetGroup(this, 'SubnetGroup', { namePrefix: `${props.name}-`, subnetIds: props.subnetIds });
    const params = new RdsClusterParameterGroup(this, 'Parameters', {
      namePrefix: `${props.name}-`,
      family: 'aurora-postgresql16',
      description: 'TLS required; pg_stat_statements preloaded',
      parameter: [
        { name: 'rds.force_ssl', value: '1' },
        { name: 'shared_preload_libraries', value: 'pg_stat_statements', applyMethod: 'pending-reboot' },
      ],
    });
    const paused = props.minCapacityAcu === 0;
    this.resource = new RdsCluster(this, 'Resource', {
      clusterIdentifierPrefix: `${props.name}-`,
      engine: 'aurora-postgresql',
      engineVersion: AURORA_POSTGRES_VERSION,
      engineMode: 'provisioned',
      databaseName: VECTOR_DATABASE,
      masterUsername: 'gpbadmin',
      manageMasterUserPassword: true,
      masterUserSecretKmsKeyId: key.arn,
      iamDatabaseAuthenticationEnabled: true,
      storageEncrypted: true,
      kmsKeyId: key.arn,
      dbSubnetGroupName: subnets.name,
      vpcSecurityGroupIds: [sg.id],
      dbClusterParameterGroupName: params.name,
      serverlessv2ScalingConfiguration: {
        minCapacity: props.minCapacityAcu,
        maxCapacity: props.maxCapacityAcu,
        ...(paused ? { secondsUntilAutoPause: props.autoPauseSeconds ?? DEFAULTS.aurora.autoPauseSeconds } : {}),
      },
      backupRetentionPeriod: props.backupRetentionDays ?? DEFAULTS.aurora.backupRetentionDays,
      preferredBackupWindow: '03:00-04:00',
      copyTagsToSnapshot: true,
      enabledCloudwatchLogsExports: ['postgresql'],
      ...deletionSettings(protect, `${props.name}`),
    });
    this.endpoint = this.resource.endpoint;
    for (let i = 0; i < (props.instances ?? DEFAULTS.aurora.instances); i++) {
      new RdsClusterInstance(this, `Instance${i}`, {
        identifierPrefix: `${props.name}-${i}-`,
        clusterIdentifier: this.resource.id,
        instanceClass: 'db.serverless',
        engine: 'aurora-postgresql',
        // No engine_version: instances run the cluster's (upgrades go through the cluster).
        performanceInsightsEnabled: true,
        performanceInsightsKmsKeyId: key.arn,
        autoMinorVersionUpgrade: true,
      });
    }
    this.clientRoles = createClientRoles(this, props, [
      {
        Sid: 'ConnectToVectorDatabase',
        Effect: 'Allow',
        Action: 'rds-db:connect',
        Resource: `arn:${aws.partition}:rds-db:${props.region}:${aws.accountId}:dbuser:${this.resource.clusterResourceId}/${VECTOR_DB_USER}`,
      },
    ]);
  }
}
