import { CloudwatchLogGroup } from '@cdktf/provider-aws/lib/cloudwatch-log-group';
import { ElasticacheParameterGroup } from '@cdktf/provider-aws/lib/elasticache-parameter-group';
import { ElasticacheReplicationGroup } from '@cdktf/provider-aws/lib/elasticache-replication-group';
import { ElasticacheSubnetGroup } from '@cdktf/provider-aws/lib/elasticache-subnet-group';
import { ElasticacheUser } from '@cdktf/provider-aws/lib/elasticache-user';
import { ElasticacheUserGroup } from '@cdktf/provider-aws/lib/elasticache-user-group';
import { KmsKey } from '@cdktf/provider-aws/lib/kms-key';
import { Construct } from 'constructs';
import type { ILogsKey } from '../core/logs-kms-key';
import type { PodIdentityRole } from '../cluster/pod-identity-role';
import { BlueprintError, show } from '../../model/errors';
import { createDataSecurityGroup } from './data-security-group';
import { createClientRoles, type DataServiceProps } from './vector-store';
import { ENGINES } from '../../model/pins';
import { DEFAULTS } from '../../model/defaults';

/** Pinned engine: Valkey 8.2 brings the vector search the semantic cache needs. */
export const VALKEY_VERSION = ENGINES.valkey.version;
/**
 * The cache user clients authenticate as, with IAM (no password exists): `<name>-app`.
 * ElastiCache user ids are unique per account and region, and an IAM-authenticated user's id
 * must equal its name, so the name carries the environment (two environments in one account
 * would otherwise collide with UserAlreadyExists).
 */
export const cacheUserName = (name: string): string => `${name}-app`;

export interface ValkeyCacheProps extends DataServiceProps {
  /** KMS key (allowed for CloudWatch Logs) for the slow log group. */
  readonly logsKey: ILogsKey;
  /** Slow log retention. @default 30 */
  readonly logRetentionDays?: number;
  /** @default 'cache.t4g.medium' */
  readonly nodeType?: string;
  /** Replicas; 1 or more turns on Multi-AZ with automatic failover. @default 1 */
  readonly replicas?: number;
  /** @default 7 */
  readonly snapshotRetentionDays?: number;
  /** @default 'sun:05:00-sun:06:00' */
  readonly maintenanceWindow?: string;
  /** A user for the gateway's semantic cache, limited to its keys. @default - none */
  readonly semanticCache?: SemanticCacheUserProps;
}

export interface SemanticCacheUserProps {
  /**
   * Its password (GeneratedSecret with storage 'state'): LiteLLM's Valkey semantic cache opens a
   * fixed URL and cannot sign the 15-minute IAM tokens the other users use.
   */
  readonly password: string;
  /** The only keys it may touch: `<keyPrefix>:*` (the cache's vector index prefix). */
  readonly keyPrefix: string;
}

/** Burstable node types AWS names as needing more reserved memory for vector search. */
const SMALL_BURSTABLE = /^cache\.t4g\.(micro|small)$/;

/** User name of the semantic cache's user. */
export const SEMANTIC_CACHE_USER = 'semantic-cache';

/**
 * ElastiCache for Valkey: TLS in transit, KMS at rest, RBAC with an IAM-authenticated user (the
 * default user disabled), Multi-AZ with failover when it has replicas, snapshots, slow log to an
 * encrypted log group, and a security group admitting only the cluster.
 */
export class ValkeyCache extends Construct {
  readonly resource: ElasticacheReplicationGroup;
  readonly endpoint: string;
  readonly port = 6379;
  readonly securityGroupId: string;
  readonly clientRoles: ReadonlyMap<string, PodIdentityRole>;
  /** The replication group id (IAM tokens are signed for it). */
  readonly replicationGroupId: string;
  /** The IAM user clients connect as. */
  readonly iamUserName: string;

  constructor(scope: Construct, id: string, props: ValkeyCacheProps) {
    super(scope, id);
    const replicas = props.replicas ?? DEFAULTS.cache.replicas;
    const key = new KmsKey(this, 'Key', { description: `Valkey ${props.name}`, enableKeyRotation: true, deletionWindowInDays: 30 });
    const sg = createDataSecurityGroup(this, {
      name: `${props.name}-valkey`,
      vpcId: props.vpcId,
      port: this.port,
      clientSecurityGroupId: props.cluster.clusterSecurityGroupId,
      description: 'Valkey: TLS from the EKS cluster only',
    });
    this.securityGroupId = sg.id;
    const subnets = new ElasticacheSubnetGroup(this, 'SubnetGroup', { name: `${props.name}-valkey`, subnetIds: props.subnetIds });
    const params = new ElasticacheParameterGroup(this, 'Parameters', {
      name: `${props.name}-valkey8`,
      family: 'valkey8',
      parameter: [
        { name: 'maxmemory-policy', value: 'allkeys-lru' },
        // Vector search (the semantic cache) on the smallest burstable nodes needs at least 30%
        // reserved memory (ElastiCache docs on vector search); the default is 25%.
        ...(props.semanticCache && SMALL_BURSTABLE.test(props.nodeType ?? DEFAULTS.cache.nodeType)
          ? [{ name: 'reserved-memory-percent', value: '30' }]
          : []),
      ],
    });
    const disabledDefault = new ElasticacheUser(this, 'DefaultUser', {
      userId: `${props.name}-default`,
      userName: 'default',
      engine: 'valkey',
      accessString: 'off -@all',
      authenticationMode: { type: 'no-password-required' },
    });
    this.iamUserName = cacheUserName(props.name);
    const appUser = new ElasticacheUser(this, 'AppUser', {
      userId: this.iamUserName,
      userName: this.iamUserName,
      engine: 'valkey',
      // Channels granted explicitly: Valkey 7+ creates users with resetchannels, and LiteLLM's
      // coordination Redis subscribes for config sync and auth-cache invalidation (LiteLLM docs,
      // caching_redis "Restricted ACL users").
      accessString: 'on ~* &* +@all -@dangerous',
      authenticationMode: { type: 'iam' },
    });
    const semantic = props.semanticCache;
    if (semantic && !/^[a-z][a-z0-9-]{0,40}$/.test(semantic.keyPrefix)) {
      throw new BlueprintError(
        `ValkeyCache '${props.name}': semanticCache.keyPrefix ${show(semantic.keyPrefix)} must be a lowercase name (letters, digits, '-')`,
      );
    }
    const semanticUser = semantic
      ? new ElasticacheUser(this, 'SemanticCacheUser', {
          userId: `${props.name}-semcache`,
          userName: SEMANTIC_CACHE_USER,
          engine: 'valkey',
          // Its own keys only, no pub/sub, nothing flagged dangerous (FLUSHALL, CONFIG, KEYS...).
          accessString: `on ~${semantic.keyPrefix}:* resetchannels +@all -@dangerous`,
          authenticationMode: { type: 'password', passwords: [semantic.password] },
        })
      : undefined;
    const users = new ElasticacheUserGroup(this, 'UserGroup', {
      userGroupId: `${props.name}-users`,
      engine: 'valkey',
      userIds: [disabledDefault.userId, appUser.userId, ...(semanticUser ? [semanticUser.userId] : [])],
    });
    const slowLog = new CloudwatchLogGroup(this, 'SlowLog', {
      name: `/gpb/${props.name}/valkey-slow-log`,
      retentionInDays: props.logRetentionDays ?? 30,
      kmsKeyId: props.logsKey.keyArn,
    });
    this.resource = new ElasticacheReplicationGroup(this, 'Resource', {
      replicationGroupId: `${props.name}-valkey`,
      description: `Valkey cache for ${props.name}`,
      engine: 'valkey',
      engineVersion: VALKEY_VERSION,
      nodeType: props.nodeType ?? DEFAULTS.cache.nodeType,
      numNodeGroups: 1,
      replicasPerNodeGroup: replicas,
      multiAzEnabled: replicas > 0,
      automaticFailoverEnabled: replicas > 0,
      port: this.port,
      parameterGroupName: params.name,
      subnetGroupName: subnets.name,
      securityGroupIds: [sg.id],
      atRestEncryptionEnabled: 'true',
      kmsKeyId: key.arn,
      transitEncryptionEnabled: true,
      transitEncryptionMode: 'required',
      userGroupIds: [users.userGroupId],
      snapshotRetentionLimit: props.snapshotRetentionDays ?? DEFAULTS.cache.snapshotRetentionDays,
      snapshotWindow: '03:00-04:00',
      maintenanceWindow: props.maintenanceWindow ?? DEFAULTS.cache.maintenanceWindow,
      autoMinorVersionUpgrade: 'true',
      logDeliveryConfiguration: [{ destination: slowLog.name, destinationType: 'cloudwatch-logs', logFormat: 'json', logType: 'slow-log' }],
      lifecycle: props.protect ? { preventDestroy: true } : undefined,
    });
    this.endpoint = this.resource.primaryEndpointAddress;
    this.replicationGroupId = `${props.name}-valkey`;
    this.clientRoles = createClientRoles(this, props, [
      { Sid: 'ConnectToCache', Effect: 'Allow', Action: 'elasticache:Connect', Resource: [this.resource.arn, appUser.arn] },
    ]);
  }
}
