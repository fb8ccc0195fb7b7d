import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { synthesize } from '../../tools/synthesize';
import { resourcesOf, type TfJson } from '../helpers';

/** Properties of the Terraform every stack of every reference environment is written as. */
const WORK = mkdtempSync(path.join(tmpdir(), 'gpb-tf-conventions-'));
afterAll(() => rmSync(WORK, { recursive: true, force: true }));

const SYNTHESIZED: Record<string, Record<string, TfJson>> = {};
for (const s of synthesize({ outdir: WORK }).stacks) {
  (SYNTHESIZED[s.environment] ??= {})[s.layer] = JSON.parse(readFileSync(path.join(s.dir, 'cdk.tf.json'), 'utf8')) as TfJson;
}

describe('names AWS requires to be unique per account and region', () => {
  /** Resource types and the attribute that must be unique in an account and region. */
  const UNIQUE: Readonly<Record<string, string>> = {
    aws_elasticache_user: 'user_id',
    aws_elasticache_user_group: 'user_group_id',
    aws_elasticache_replication_group: 'replication_group_id',
    aws_elasticache_subnet_group: 'name',
    aws_elasticache_parameter_group: 'name',
    aws_secretsmanager_secret: 'name',
    aws_cloudwatch_log_group: 'name',
    aws_kms_alias: 'name',
    aws_sqs_queue: 'name',
    aws_sns_topic: 'name',
    aws_db_subnet_group: 'name',
    aws_db_parameter_group: 'name',
    aws_rds_cluster_parameter_group: 'name',
    aws_eks_cluster: 'name',
    aws_iam_role: 'name',
    aws_iam_policy: 'name',
    aws_prometheus_workspace: 'alias',
  };

  it('carry the environment, so every environment can share one account and region', () => {
    const owners = new Map<string, string>();
    const clashes: string[] = [];
    for (const [envName, layers] of Object.entries(SYNTHESIZED)) {
      for (const json of Object.values(layers)) {
        for (const [type, attribute] of Object.entries(UNIQUE)) {
          for (const r of resourcesOf(json, type)) {
            const value = r[attribute];
            if (typeof value !== 'string' || value.includes('${')) continue;
            const key = `${type}.${attribute} = ${value}`;
            const owner = owners.get(key);
            if (owner && owner !== envName) clashes.push(`${key} (${owner} and ${envName})`);
            owners.set(key, envName);
          }
        }
      }
    }
    expect(owners.size).toBeGreaterThan(20);
    expect(clashes).toEqual([]);
  });
});

describe('depends_on', () => {
  it('names bare resource addresses, as Terraform requires (never an interpolation)', () => {
    const bad: string[] = [];
    let count = 0;
    for (const [envName, layers] of Object.entries(SYNTHESIZED)) {
      for (const [layer, json] of Object.entries(layers)) {
        for (const [type, instances] of Object.entries(json.resource ?? {})) {
          for (const [name, r] of Object.entries(instances)) {
            for (const d of (r.depends_on as string[] | undefined) ?? []) {
              count++;
              if (!/^[a-z0-9_]+\.[A-Za-z0-9_-]+$/.test(d)) bad.push(`${envName}-${layer} ${type}.${name}: ${d}`);
            }
          }
        }
      }
    }
    expect(count).toBeGreaterThan(50);
    expect(bad).toEqual([]);
  });
});
