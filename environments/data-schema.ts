import { z } from 'zod';
import { cacheNodeTypeProblem } from '../model/aws-names';
import { ruled } from './fields';
import { DEFAULTS } from '../model/defaults';

const dnsLabel = z.string().regex(/^[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?$/, 'must be a lowercase DNS label');

/** A Kubernetes service account that may use the vector store (its Pod Identity role gets access). */
const clientSchema = z.strictObject({ namespace: dnsLabel, serviceAccount: dnsLabel });

export const vectorStoreSchema = z.discriminatedUnion('engine', [
  z.strictObject({ engine: z.literal('none') }),
  z.strictObject({
    engine: z.literal('aurora-pgvector'),
    /** Aurora Serverless v2 capacity floor; 0 pauses the database when idle. */
    minCapacityAcu: z.number().min(0, 'must be 0-256').max(256, 'must be 0-256').multipleOf(0.5, 'must be a multiple of 0.5'),
    maxCapacityAcu: z.number().min(1, 'must be 1-256').max(256, 'must be 1-256').multipleOf(0.5, 'must be a multiple of 0.5'),
    /** Instances (a second one gives a reader in another zone and fast failover). @default 1 */
    instances: z.number().int().min(1).max(4).default(DEFAULTS.aurora.instances),
    /** @default 7 */
    backupRetentionDays: z.number().int().min(1, 'must be 1-35').max(35, 'must be 1-35').default(DEFAULTS.aurora.backupRetentionDays),
    /** Idle time before a 0-ACU database pauses. @default 600 */
    autoPauseSeconds: z.number().int().min(300).max(86_400).default(DEFAULTS.aurora.autoPauseSeconds),
    /** @default [] */
    clients: z.array(clientSchema).default([]),
  }),
  z.strictObject({
    engine: z.literal('opensearch-serverless'),
    /** Replicas in a standby zone (off halves the OCU floor; dev only). @default true */
    standbyReplicas: z.boolean().default(DEFAULTS.openSearch.standbyReplicas),
    /** @default [] */
    clients: z.array(clientSchema).default([]),
  }),
  z.strictObject({
    engine: z.literal('qdrant'),
    /** Qdrant pods; more than one runs Qdrant's distributed mode, spread across nodes. @default 1 */
    replicas: z.number().int().min(1, 'must be 1-7').max(7, 'must be 1-7').default(DEFAULTS.qdrant.replicas),
    /** Persistent volume per pod (encrypted gp3). @default 50 */
    storageGiB: z.number().int().min(10).max(16_000).default(DEFAULTS.qdrant.storageGiB),
  }),
]);

export const cacheSchema = z.strictObject({
  /** @default 'cache.t4g.medium' */
  nodeType: ruled(cacheNodeTypeProblem).default(DEFAULTS.cache.nodeType),
  /** Replicas per shard; 1 or more enables Multi-AZ with automatic failover. @default 1 */
  replicas: z.number().int().min(0).max(5).default(DEFAULTS.cache.replicas),
  /** @default 7 */
  snapshotRetentionDays: z.number().int().min(0).max(35).default(DEFAULTS.cache.snapshotRetentionDays),
  /** @default 'sun:05:00-sun:06:00' */
  maintenanceWindow: z
    .string()
    .regex(/^(mon|tue|wed|thu|fri|sat|sun):\d{2}:\d{2}-(mon|tue|wed|thu|fri|sat|sun):\d{2}:\d{2}$/, 'must look like sun:05:00-sun:06:00')
    .default(DEFAULTS.cache.maintenanceWindow),
  /** Moved: the semantic cache is configured as serving.gateway.semanticCache. Kept only to say so. */
  semanticCache: z.boolean().optional(),
  /** Service accounts that may connect (IAM authentication through their Pod Identity roles). @default [] */
  clients: z.array(clientSchema).default([]),
});

export const dataSchema = z.strictObject({
  /** @default { engine: 'none' } */
  vectorStore: vectorStoreSchema.default({ engine: 'none' }),
  /** ElastiCache for Valkey. @default - no cache */
  cache: cacheSchema.optional(),
});

export type DataConfig = z.output<typeof dataSchema>;

type Issue = (path: (string | number)[], input: unknown, message: string) => void;

export function dataRules(data: DataConfig, stage: 'dev' | 'staging' | 'prod', issue: Issue): void {
  const vs = data.vectorStore;
  if (vs.engine === 'aurora-pgvector') {
    if (vs.maxCapacityAcu < vs.minCapacityAcu)
      issue(['data', 'vectorStore', 'maxCapacityAcu'], vs.maxCapacityAcu, `must be >= minCapacityAcu (${vs.minCapacityAcu})`);
    if (stage === 'prod' && vs.minCapacityAcu === 0) {
      issue(
        ['data', 'vectorStore', 'minCapacityAcu'],
        0,
        'must be at least 0.5 in a prod-stage environment: a paused database takes seconds to resume on the first query',
      );
    }
  }
  if (vs.engine === 'qdrant' && stage === 'prod' && vs.replicas < 3) {
    issue(
      ['data', 'vectorStore', 'replicas'],
      vs.replicas,
      'must be at least 3 in a prod-stage environment (Raft consensus survives one node only with three)',
    );
  }
  if (vs.engine === 'opensearch-serverless' && stage === 'prod' && !vs.standbyReplicas) {
    issue(
      ['data', 'vectorStore', 'standbyReplicas'],
      false,
      'must be true in a prod-stage environment (one zone would hold the only copy)',
    );
  }
  if (data.cache?.semanticCache !== undefined) {
    issue(
      ['data', 'cache', 'semanticCache'],
      data.cache.semanticCache,
      'has moved: remove it and configure serving.gateway.semanticCache (embedding model, similarity threshold, TTL) instead',
    );
  }
  if (data.cache && stage === 'prod' && data.cache.replicas === 0) {
    issue(['data', 'cache', 'replicas'], 0, 'must be at least 1 in a prod-stage environment (Multi-AZ with automatic failover)');
  }
}
