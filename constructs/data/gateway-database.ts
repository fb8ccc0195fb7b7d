import { DbInstance } from '@cdktf/provider-aws/lib/db-instance';
import { DbParameterGroup } from '@cdktf/provider-aws/lib/db-parameter-group';
import { DbSubnetGroup } from '@cdktf/provider-aws/lib/db-subnet-group';
import { KmsKey } from '@cdktf/provider-aws/lib/kms-key';
import { Construct } from 'constructs';
import { BlueprintError, show } from '../../model/errors';
import { createDataSecurityGroup } from './data-security-group';
import { deletionSettings } from './final-snapshot';
import type { GeneratedSecret } from './generated-secret';
import type { DataServiceProps } from './vector-store';
import { ENGINES } from '../../model/pins';
import { DEFAULTS } from '../../model/defaults';

/**
 * Pinned major engine version of the gateway's database; AWS applies minor versions
 * (auto_minor_version_upgrade), and the provider accepts a version prefix then
 * (hashicorp/terraform-provider-aws #20207), so plans do not try to undo AWS's upgrades.
 */
export const GATEWAY_POSTGRES_VERSION = ENGINES.rdsPostgres.version;
export const GATEWAY_DATABASE = 'litellm';
export const GATEWAY_DB_USER = 'litellm';

export interface GatewayDatabaseProps extends Omit<DataServiceProps, 'clients'> {
  /** The user's password: written write-only here and to Secrets Manager in the same apply. */
  readonly password: GeneratedSecret;
  /** @default 'db.t4g.medium' */
  readonly instanceClass?: string;
  /** Initial storage; grows automatically up to five times this. @default 20 */
  readonly storageGiB?: number;
  /** A standby in another zone with automatic failover. @default false */
  readonly multiAz?: boolean;
  /** @default 7 */
  readonly backupRetentionDays?: number;
}

/**
 * The gateway's own PostgreSQL (RDS): where LiteLLM keeps teams, keys, their limits and spend.
 * KMS-encrypted storage and Performance Insights (above the smallest burstable classes), TLS required, the password generated and
 * written write-only (never in configuration or state; the gateway gets it through External
 * Secrets), IAM authentication on, private in the data subnets admitting the cluster only,
 * backups, Multi-AZ when asked and, when protected, deletion protection with a final snapshot.
 */
export class GatewayDatabase extends Construct {
  readonly resource: DbInstance;
  readonly endpoint: string;
  readonly port = 5432;
  readonly databaseName = GATEWAY_DATABASE;
  readonly username = GATEWAY_DB_USER;
  readonly securityGroupId: string;

  constructor(scope: Construct, id: string, props: GatewayDatabaseProps) {
    super(scope, id);
    const storage = props.storageGiB ?? DEFAULTS.gatewayDatabase.storageGiB;
    if (!Number.isInteger(storage) || storage < 20 || storage > 1000)
      throw new BlueprintError(`GatewayDatabase '${props.name}': 'storageGiB' ${show(storage)} must be an integer of 20-1000`);
    const protect = props.protect ?? false;
    const instanceClass = props.instanceClass ?? DEFAULTS.gatewayDatabase.instanceClass;
    // Database Insights (Performance Insights) does not run on the smallest burstable classes.
    const insights = !/^db\.t\d+g?\.(micro|small)$/.test(instanceClass);
    const key = new KmsKey(this, 'Key', {
      description: `Gateway database ${props.name}`,
      enableKeyRotation: true,
      deletionWindowInDays: 30,
    });
    const sg = createDataSecurityGroup(this, {
      name: `${props.name}-gateway-db`,
      vpcId: props.vpcId,
      port: this.port,
      clientSecurityGroupId: props.cluster.clusterSecurityGroupId,
      description: 'Gateway database: PostgreSQL from the EKS cluster only',
    });
    this.securityGroupId = sg.id;
    const subnets = new DbSubnetGroup(this, 'SubnetGroup', { namePrefix: `${props.name}-gateway-`, subnetIds: props.subnetIds });
    const params = new DbParameterGroup(this, 'Parameters', {
      namePrefix: `${props.name}-gateway-`,
      family: 'postgres17',
      description: 'TLS required; connections and slow statements logged',
      parameter: [
        { name: 'rds.force_ssl', value: '1' },
        { name: 'log_connections', value: '1' },
        { name: 'log_min_duration_statement', value: '1000' },
      ],
    });
    this.resource = new DbInstance(this, 'Resource', {
      identifierPrefix: `${props.name}-gateway-`,
      engine: 'postgres',
      engineVersion: GATEWAY_POSTGRES_VERSION,
      instanceClass,
      allocatedStorage: storage,
      maxAllocatedStorage: storage * 5,
      storageType: 'gp3',
      storageEncrypted: true,
      kmsKeyId: key.arn,
      dbName: GATEWAY_DATABASE,
      username: GATEWAY_DB_USER,
      passwordWo: props.password.writeOnlyValue,
      passwordWoVersion: 1,
      iamDatabaseAuthenticationEnabled: true,
      multiAz: props.multiAz ?? false,
      publiclyAccessible: false,
      dbSubnetGroupName: subnets.name,
      vpcSecurityGroupIds: [sg.id],
      parameterGroupName: params.name,
      backupRetentionPeriod: props.backupRetentionDays ?? DEFAULTS.gatewayDatabase.backupRetentionDays,
      backupWindow: '03:00-04:00',
      maintenanceWindow: 'sun:06:00-sun:07:00',
      copyTagsToSnapshot: true,
      enabledCloudwatchLogsExports: ['postgresql', 'upgrade'],
      performanceInsightsEnabled: insights,
      performanceInsightsKmsKeyId: insights ? key.arn : undefined,
      autoMinorVersionUpgrade: true,
      ...deletionSettings(protect, `${props.name}-gateway`),
    });
    this.endpoint = this.resource.address;
  }
}
